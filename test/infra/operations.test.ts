import { describe, expect, it } from "vitest";
import { cleanUpAfterEach, deploy, seconds } from "./deploy";

/** How the deployment scales and how an operator hears of trouble (deploy.ts): scaling policies, K, capacity, alarms, the dashboard, `sst dev`. */
cleanUpAfterEach();

describe("infra operations", () => {
  it("scales the worker fleet on sessions per task, CPU, memory and backlog, scaling in only after 15 quiet minutes", async () => {
    let r = await deploy("dev");
    let w = r.one("sst.aws.Service", "Worker");
    expect(w.args.scaling).toMatchObject({ min: 1, max: 4, cpuUtilization: 60, memoryUtilization: 75 });
    expect(seconds(w.args.scaling.scaleInCooldown)).toBeGreaterThanOrEqual(15 * 60);
    expect(w.args.scaling.min).not.toBe(w.args.scaling.max);
    for (const [name, metric, target] of [
      ["WorkerSessionsScaling", "Sessions", 40],
      ["WorkerBacklogScaling", "SendsBacklog", 100],
    ] as const) {
      const policy = r.one("aws.appautoscaling.Policy", name).args;
      expect(policy).toMatchObject({ serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", policyType: "TargetTrackingScaling" });
      expect(String(policy.resourceId)).toBe("service/<Cluster.nodes.cluster.name>/<Worker.nodes.service.name>");
      const tracking = policy.targetTrackingScalingPolicyConfiguration;
      expect(tracking.targetValue, name).toBe(target);
      expect(tracking.scaleInCooldown, name).toBeGreaterThanOrEqual(15 * 60);
      // One metric the workers publish (packages/system/src/metrics), averaged over the tasks: per task.
      expect(tracking.customizedMetricSpecification).toEqual({
        namespace: "Outreach",
        metricName: metric,
        dimensions: [{ name: "Stage", value: "dev" }],
        statistic: "Average",
      });
    }
    expect(r.one("sst.aws.Service", "Worker").args.environment).toMatchObject({ OUTREACH_METRICS_NAMESPACE: "Outreach", OUTREACH_STAGE: "dev" });

    r = await deploy("dev", { OUTREACH_WORKER_MIN: "2", OUTREACH_WORKER_MAX: "6", OUTREACH_SESSIONS_PER_TASK: "25" });
    w = r.one("sst.aws.Service", "Worker");
    expect(w.args.scaling).toMatchObject({ min: 2, max: 6 });
    expect(r.one("aws.appautoscaling.Policy", "WorkerSessionsScaling").args.targetTrackingScalingPolicyConfiguration.targetValue).toBe(25);
    // Production keeps two tasks by default: one is a single point of failure.
    expect((await deploy("production")).one("sst.aws.Service", "Worker").args.scaling.min).toBe(2);
    // A task beyond the shard count would hold no shard.
    await expect(deploy("dev", { OUTREACH_WORKER_MAX: "9" })).rejects.toThrow(/OUTREACH_WORKER_MAX/);
    await expect(deploy("dev", { OUTREACH_WORKER_MIN: "3", OUTREACH_WORKER_MAX: "2" })).rejects.toThrow(/OUTREACH_WORKER_MAX/);
  });

  it("deploys any K from 1 to 64 within CloudWatch's limits (no metric math over the shard queues)", async () => {
    for (const k of [1, 8, 16, 64]) {
      const r = await deploy("dev", { OUTREACH_SHARDS: String(k) });
      expect(
        r.created.filter((c) => c.type === "sst.aws.Queue" && /^Sends\d+$/.test(c.name)),
        `K=${k}`,
      ).toHaveLength(k);
      for (const c of r.created.filter((c) => c.type === "aws.appautoscaling.Policy")) {
        const spec = c.args.targetTrackingScalingPolicyConfiguration.customizedMetricSpecification;
        // Metric math in a target-tracking policy allows 10 metrics at most.
        expect((spec.metrics ?? []).length, `${c.name} K=${k}`).toBeLessThanOrEqual(10);
      }
      for (const a of r.created.filter((c) => c.type === "aws.cloudwatch.MetricAlarm"))
        expect((a.args.metricQueries ?? []).length, a.name).toBeLessThanOrEqual(10);
      // A dashboard widget takes up to 500 metrics; the queue widgets list K + 1.
      const body = JSON.parse(r.one("aws.cloudwatch.Dashboard", "Dashboard").args.dashboardBody);
      for (const wgt of body.widgets) expect(wgt.properties.metrics.length).toBeLessThanOrEqual(500);
    }
    await expect(deploy("dev", { OUTREACH_SHARDS: "65" })).rejects.toThrow(/OUTREACH_SHARDS/);
  });

  it("offers Fargate Spot (all tasks, or beside an on-demand first task) and a smaller task", async () => {
    expect((await deploy("dev")).one("sst.aws.Service", "Worker").args.capacity).toBeUndefined();
    const spot = (await deploy("dev", { OUTREACH_WORKER_CAPACITY: "spot", OUTREACH_WORKER_CPU: "0.25 vCPU", OUTREACH_WORKER_MEMORY: "0.5 GB" })).one(
      "sst.aws.Service",
      "Worker",
    );
    expect(spot.args).toMatchObject({ capacity: "spot", cpu: "0.25 vCPU", memory: "0.5 GB" });
    const mixed = (await deploy("dev", { OUTREACH_WORKER_CAPACITY: "mixed" })).one("sst.aws.Service", "Worker");
    expect(mixed.args.capacity).toEqual({ fargate: { weight: 0, base: 1 }, spot: { weight: 1 } });
    await expect(deploy("dev", { OUTREACH_WORKER_CAPACITY: "cheap" })).rejects.toThrow(/OUTREACH_WORKER_CAPACITY/);
  });

  it("alarms on each dead-letter queue and on a missing worker, mailing only when configured", async () => {
    let r = await deploy("dev");
    const alarms = r.created.filter((c) => c.type === "aws.cloudwatch.MetricAlarm");
    const byQueue = (q: string) => alarms.find((a) => String(a.args.dimensions.QueueName) === `<${q}.nodes.queue.name>`)?.args;
    for (const q of ["EventsDlq", "SendsDlq"])
      expect(byQueue(q), q).toMatchObject({ metricName: "ApproximateNumberOfMessagesVisible", comparisonOperator: "GreaterThanThreshold", threshold: 0 });
    const worker = alarms.find((a) => a.args.namespace === "AWS/ECS")?.args;
    expect(worker).toMatchObject({ comparisonOperator: "LessThanThreshold", threshold: 1, treatMissingData: "breaching" });
    expect(String(worker.dimensions.ServiceName)).toBe("<Worker.nodes.service.name>");
    for (const a of alarms) expect(a.args.alarmActions.map(String)).toEqual(["<AlarmTopic.arn>"]);
    expect(r.created.filter((c) => c.type === "aws.sns.TopicSubscription")).toEqual([]);

    // Lambda errors and throttles for each function, oldest-message age on every queue, restarts, logouts, the store.
    for (const fn of ["Api", "Events", "Repair"])
      for (const m of ["Errors", "Throttles"])
        expect(r.one("aws.cloudwatch.MetricAlarm", `${fn}${m}Alarm`).args).toMatchObject({ namespace: "AWS/Lambda", metricName: m });
    const ages = alarms.filter((a) => a.args.metricName === "ApproximateAgeOfOldestMessage").map((a) => String(a.args.dimensions.QueueName));
    expect(ages.sort()).toEqual(["<Events.nodes.queue.name>", ...Array.from({ length: 8 }, (_, i) => `<Sends${i}.nodes.queue.name>`)].sort());
    for (const [name, metric] of [
      ["WorkerRestartsAlarm", "WorkerStarts"],
      ["SessionLoggedOutAlarm", "SessionsLoggedOut"],
      ["StoreErrorsAlarm", "StoreErrors"],
      ["WhatsAppUpdateRequiredAlarm", "SessionsUpdateRequired"],
      ["WhatsAppRestrictedAlarm", "SessionsRestricted"],
    ] as const)
      expect(r.one("aws.cloudwatch.MetricAlarm", name).args, name).toMatchObject({ namespace: "Outreach", metricName: metric, dimensions: { Stage: "dev" } });

    r = await deploy("dev", { OUTREACH_ALARM_EMAIL: "ops@example.com" });
    expect(r.one("aws.sns.TopicSubscription", "AlarmEmail").args).toMatchObject({ protocol: "email", endpoint: "ops@example.com" });
  });

  it("draws the operator's dashboard: messages, queues, sessions, the API, Lambda errors, the workers", async () => {
    const r = await deploy("dev");
    const body = JSON.parse(r.one("aws.cloudwatch.Dashboard", "Dashboard").args.dashboardBody);
    const metrics = body.widgets.flatMap((w: any) => w.properties.metrics.map((m: any[]) => `${m[0]}/${m[1]}`));
    for (const m of [
      "Outreach/MessagesSent",
      "Outreach/MessagesFailed",
      "Outreach/Sessions",
      "Outreach/SendsBacklog",
      "AWS/SQS/ApproximateNumberOfMessagesVisible",
      "AWS/SQS/ApproximateAgeOfOldestMessage",
      "AWS/Lambda/Url5xxCount",
      "AWS/Lambda/UrlRequestLatency",
      "AWS/Lambda/Errors",
      "AWS/Lambda/Throttles",
      "AWS/ECS/CPUUtilization",
      "AWS/ECS/MemoryUtilization",
    ])
      expect(metrics, m).toContain(m);
    expect(r.one("aws.cloudwatch.Dashboard", "Dashboard").args.dashboardName).toBe("outreach-dev");
  });

  it("works under `sst dev`: the service is not touched, the worker runs locally with the secret linked", async () => {
    const r = await deploy("dev", {}, { dev: true });
    const w = r.one("sst.aws.Service", "Worker").args;
    expect(w.dev).toEqual({ command: "npm run dev:worker" });
    expect(w.link.map(String)).toContain("<AuthStateKey>");
    expect(r.created.filter((c) => c.type === "aws.appautoscaling.Policy")).toEqual([]);
    expect(r.outputs.worker).toBeUndefined();
    // Deployed, the secret is never linked (it would land in the task definition).
    expect((await deploy("dev")).one("sst.aws.Service", "Worker").args.link.map(String)).not.toContain("<AuthStateKey>");
  });
});
