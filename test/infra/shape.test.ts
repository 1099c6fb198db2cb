import { afterEach, describe, expect, it, vi } from "vitest";
import { createRecorder, isRef, PATH } from "./recorder";

/**
 * The shape of the AWS deployment, checked without AWS: `sst.config.ts`'s `run()` executes against
 * recorders of the `sst`/`aws` globals (see recorder.ts), and the tests assert what a careful operator
 * would look for in the resulting resources.
 */
const configUrl = new URL("../../sst.config.ts", import.meta.url).href;

const deploy = async (stage: string, env: Record<string, string> = {}) => {
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const rec = createRecorder({ stage });
  rec.install();
  const mod = await import(/* @vite-ignore */ configUrl);
  const outputs = await mod.default.run();
  const app = mod.default.app({ stage });
  return { ...rec, outputs, app };
};

afterEach(() => {
  vi.unstubAllEnvs();
  for (const k of ["sst", "aws", "$config", "$app", "$dev", "$interpolate", "$jsonStringify", "$output"]) delete (globalThis as any)[k];
});

const seconds = (d: string) => {
  const m = /^(\d+) (second|minute)s?$/.exec(d);
  if (!m) throw new Error(`unexpected duration ${d}`);
  return Number(m[1]) * (m[2] === "minute" ? 60 : 1);
};

type Statement = { actions: string[]; resources: string[] };

/** Every IAM statement the deployment grants, by role: `permissions` of functions, the worker, inline policies. */
const grantsByRole = (r: Awaited<ReturnType<typeof deploy>>) => {
  const roles = new Map<string, Statement[]>();
  const add = (role: string, s: Statement) => roles.set(role, [...(roles.get(role) ?? []), s]);
  const fromArgs = (role: string, args: any) => {
    for (const p of args.permissions ?? []) add(role, { actions: p.actions, resources: p.resources.map(String) });
  };
  for (const c of r.created) {
    if (c.type === "sst.aws.Function") fromArgs(c.name, c.args);
    if (c.type === "sst.aws.Cron") fromArgs(c.name, c.args.function);
    if (c.type === "sst.aws.Service") fromArgs(c.name, c.args);
    if (c.type === "aws.iam.Role")
      for (const p of c.args.inlinePolicies ?? [])
        for (const s of JSON.parse(p.policy).Statement) add(c.name, { actions: [s.Action].flat(), resources: [s.Resource].flat() });
  }
  for (const c of r.called.filter((c) => c.fn.endsWith(".subscribe"))) fromArgs(c.fn, c.args[0]);
  // The worker's execution role as its transform leaves it.
  const roleArgs: any = {};
  r.one("sst.aws.Service", "Worker").args.transform.executionRole(roleArgs);
  for (const s of JSON.parse(roleArgs.inlinePolicies[0].policy).Statement)
    add("WorkerExecutionRole", { actions: [s.Action].flat(), resources: [s.Resource].flat() });
  return roles;
};

const actionsOf = (statements: Statement[] | undefined) => new Set((statements ?? []).flatMap((s) => s.actions));

describe("infra shape", () => {
  it("runs the worker in public subnets without any NAT", async () => {
    const r = await deploy("dev");
    const vpc = r.one("sst.aws.Vpc", "Vpc");
    expect(vpc.args.nat).toBeUndefined();
    expect(r.created.filter((c) => /NatGateway|ec2\.Instance|ec2\.Eip/.test(c.type))).toEqual([]);
  });

  it("runs the worker on arm64, sized from the benchmark by default and by config when set", async () => {
    let w = (await deploy("dev")).one("sst.aws.Service", "Worker");
    expect(w.args.architecture).toBe("arm64");
    expect([w.args.cpu, w.args.memory]).toEqual(["0.5 vCPU", "1 GB"]);
    w = (await deploy("dev", { OUTREACH_WORKER_CPU: "1 vCPU", OUTREACH_WORKER_MEMORY: "2 GB" })).one("sst.aws.Service", "Worker");
    expect([w.args.cpu, w.args.memory]).toEqual(["1 vCPU", "2 GB"]);
    await expect(deploy("dev", { OUTREACH_WORKER_CPU: "3 vCPU" })).rejects.toThrow(/OUTREACH_WORKER_CPU/);
  });

  it("gives every worker container a 120 s stop timeout and a liveness health check", async () => {
    const w = (await deploy("dev")).one("sst.aws.Service", "Worker");
    const task = { containerDefinitions: JSON.stringify([{ name: "Worker", image: "x" }]) };
    w.args.transform.taskDefinition(task);
    const defs = JSON.parse((task.containerDefinitions as any).value);
    expect(defs).toEqual([{ name: "Worker", image: "x", stopTimeout: 120 }]);

    const cmd: string[] = w.args.health.command;
    expect(cmd.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    expect(cmd[3]).toContain('"http://127.0.0.1:"+(process.env.OUTREACH_HEALTH_PORT||8080)+"/live"');
    expect(w.args.environment.OUTREACH_HEALTH_PORT).toBe("8080");
    expect(seconds(w.args.health.startPeriod)).toBeGreaterThanOrEqual(60);
    expect(w.args.health.retries).toBeGreaterThanOrEqual(2);
    expect(w.args.transform.service).toMatchObject({ deploymentMinimumHealthyPercent: 100, deploymentMaximumPercent: 200 });
  });

  it("declares K shard sends queues with a dead-letter queue, and every process that uses them gets all K and K itself", async () => {
    for (const [env, k] of [[{}, 8] as const, [{ OUTREACH_SHARDS: "3" }, 3] as const]) {
      const r = await deploy("dev", env);
      const queues = r.created.filter((c) => c.type === "sst.aws.Queue" && /^Sends\d+$/.test(c.name));
      expect(queues.map((q) => q.name)).toEqual(Array.from({ length: k }, (_, i) => `Sends${i}`));
      for (const q of queues) {
        expect(String(q.args.dlq.queue), q.name).toBe("<SendsDlq.arn>");
        expect(q.args.dlq.retry, q.name).toBe(10);
        expect(seconds(q.args.visibilityTimeout), q.name).toBeGreaterThanOrEqual(120);
      }
      expect(r.created.some((c) => c.type === "sst.aws.Queue" && c.name === "Sends")).toBe(false);
      const users = [
        ["Api", r.one("sst.aws.Function", "Api").args],
        ["Events", r.called.find((c) => c.fn === "Events.subscribe")?.args[0]],
        ["Repair", r.one("sst.aws.Cron", "Repair").args.function],
        ["Worker", r.one("sst.aws.Service", "Worker").args],
      ] as const;
      for (const [name, args] of users) {
        const linked = (args.link as unknown[]).map(String).filter((l) => /^<Sends\d+>$/.test(l));
        expect(linked, name).toEqual(queues.map((q) => `<${q.name}>`));
        expect(args.environment.OUTREACH_SHARDS, name).toBe(String(k));
      }
    }
    await expect(deploy("dev", { OUTREACH_SHARDS: "0" })).rejects.toThrow(/OUTREACH_SHARDS/);
  });

  it("scales the worker fleet from min to max tasks on CPU and on the shard queues' backlog", async () => {
    let r = await deploy("dev");
    let w = r.one("sst.aws.Service", "Worker");
    expect(w.args.scaling).toMatchObject({ min: 1, max: 4, cpuUtilization: 60 });
    expect(w.args.scaling.min).not.toBe(w.args.scaling.max);
    const backlog = r.one("aws.appautoscaling.Policy", "WorkerBacklogScaling").args;
    expect(backlog).toMatchObject({ serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", policyType: "TargetTrackingScaling" });
    expect(String(backlog.resourceId)).toBe("service/<Cluster.nodes.cluster.name>/<Worker.nodes.service.name>");
    const tracking = backlog.targetTrackingScalingPolicyConfiguration;
    expect(tracking.targetValue).toBeGreaterThan(0);
    const metrics = tracking.customizedMetricSpecification.metrics;
    const stats = metrics.filter((m: any) => m.metricStat);
    expect(stats.map((m: any) => String(m.metricStat.metric.dimensions[0].value))).toEqual(Array.from({ length: 8 }, (_, i) => `<Sends${i}.nodes.queue.name>`));
    for (const m of stats) expect(m.metricStat.metric).toMatchObject({ namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible" });
    const returned = metrics.filter((m: any) => m.returnData);
    expect(returned).toHaveLength(1);
    expect(returned[0].expression).toBe(stats.map((m: any) => m.id).join(" + "));

    r = await deploy("dev", { OUTREACH_WORKER_MIN: "2", OUTREACH_WORKER_MAX: "6" });
    w = r.one("sst.aws.Service", "Worker");
    expect(w.args.scaling).toMatchObject({ min: 2, max: 6 });
    // A task beyond the shard count would hold no shard.
    await expect(deploy("dev", { OUTREACH_WORKER_MAX: "9" })).rejects.toThrow(/OUTREACH_WORKER_MAX/);
    await expect(deploy("dev", { OUTREACH_WORKER_MIN: "3", OUTREACH_WORKER_MAX: "2" })).rejects.toThrow(/OUTREACH_WORKER_MAX/);
  });

  it("injects the auth-state key by reference from an SSM SecureString, never as a value", async () => {
    const r = await deploy("prod");
    const param = r.one("aws.ssm.Parameter", "AuthStateKeyParameter");
    expect(param.args.type).toBe("SecureString");
    expect(String(param.args.value)).toBe("<AuthStateKey.value>");

    const w = r.one("sst.aws.Service", "Worker");
    expect(Object.keys(w.args.ssm)).toEqual(["OUTREACH_AUTH_STATE_KEY"]);
    expect(String(w.args.ssm.OUTREACH_AUTH_STATE_KEY)).toBe("<AuthStateKeyParameter.arn>");
    // Nothing that SST copies into a task definition or a function's environment holds the secret.
    for (const c of r.created.filter((c) => c.type.startsWith("sst.aws."))) {
      const args = c.type === "sst.aws.Cron" ? c.args.function : c.args;
      expect(
        (args.link ?? []).map((l: any) => l[PATH]),
        c.name,
      ).not.toContain("AuthStateKey");
      expect(JSON.stringify(args.environment ?? {}), c.name).not.toContain("AuthStateKey");
    }
    // The execution role may read that one parameter only.
    expect(grantsByRole(r).get("WorkerExecutionRole")).toEqual([{ actions: ["ssm:GetParameters"], resources: ["<AuthStateKeyParameter.arn>"] }]);
  });

  it("grants no wildcard action, and links carry properties only", async () => {
    const r = await deploy("dev");
    const roles = grantsByRole(r);
    expect([...roles.keys()].sort()).toEqual(["Api", "Events.subscribe", "Repair", "SchedulerRole", "Worker", "WorkerExecutionRole"]);
    for (const [role, statements] of roles)
      for (const s of statements) {
        for (const a of s.actions) expect(a, role).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
        expect(s.resources.length, role).toBeGreaterThan(0);
        for (const res of s.resources) expect(res, role).not.toBe("*");
      }
    // Linking a table or a queue grants nothing (SST's default is dynamodb:* / sqs:*).
    const wraps = r.called.filter((c) => c.fn === "sst.Linkable.wrap");
    expect(wraps.map((w) => w.args[0][PATH]).sort()).toEqual(["sst.aws.Dynamo", "sst.aws.Queue"]);
    for (const w of wraps) expect(w.args[1]({ name: "n", url: "u" }).include).toBeUndefined();
    for (const l of r.created.filter((c) => c.type === "sst.Linkable")) expect(l.args.include, l.name).toBeUndefined();
  });

  it("gives each role only the actions its code calls", async () => {
    const roles = grantsByRole(await deploy("dev"));
    const sqsOn = (role: string) => (roles.get(role) ?? []).filter((s) => s.actions.some((a) => a.startsWith("sqs:")));
    // Only the worker consumes the sends queue by itself; only the events consumer's subscription receives events.
    const shardArns = Array.from({ length: 8 }, (_, i) => `<Sends${i}.arn>`);
    expect(sqsOn("Worker")).toEqual([
      { actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"], resources: shardArns },
      { actions: ["sqs:SendMessage"], resources: [...shardArns, "<Events.arn>"] },
    ]);
    expect(sqsOn("Api")).toEqual([{ actions: ["sqs:SendMessage"], resources: ["<Events.arn>"] }]);
    expect(sqsOn("Repair")).toEqual([{ actions: ["sqs:SendMessage"], resources: ["<Events.arn>"] }]);
    expect(sqsOn("Events.subscribe")).toEqual([{ actions: ["sqs:SendMessage"], resources: ["<Events.arn>", ...shardArns] }]);
    // Timers: the functions arm them, the worker never does.
    for (const role of ["Api", "Events.subscribe", "Repair"]) expect(actionsOf(roles.get(role)), role).toContain("scheduler:CreateSchedule");
    expect([...actionsOf(roles.get("Worker"))].filter((a) => a.startsWith("scheduler:") || a.startsWith("iam:"))).toEqual([]);
    // The table: item and query actions on the table and its index, nothing that manages the table.
    for (const role of ["Api", "Events.subscribe", "Repair", "Worker"]) {
      const dynamo = [...actionsOf(roles.get(role))].filter((a) => a.startsWith("dynamodb:"));
      expect(dynamo.sort(), role).toEqual(
        ["BatchGetItem", "BatchWriteItem", "ConditionCheckItem", "DeleteItem", "GetItem", "PutItem", "Query", "UpdateItem"].map((a) => `dynamodb:${a}`),
      );
    }
  });

  it("keeps dead letters 14 days and events invisible for at least 6× the consumer's timeout", async () => {
    const r = await deploy("dev");
    for (const name of ["EventsDlq", "SendsDlq"]) expect(r.one("sst.aws.Queue", name).args.transform.queue.messageRetentionSeconds).toBe(14 * 24 * 3600);
    const [consumer, options] = r.called.find((c) => c.fn === "Events.subscribe")!.args;
    const visibility = seconds(r.one("sst.aws.Queue", "Events").args.visibilityTimeout);
    expect(visibility).toBeGreaterThanOrEqual(6 * seconds(consumer.timeout) + seconds(options.batch.window));
    expect(options.batch.partialResponses).toBe(true);
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

    r = await deploy("dev", { OUTREACH_ALARM_EMAIL: "ops@example.com" });
    expect(r.one("aws.sns.TopicSubscription", "AlarmEmail").args).toMatchObject({ protocol: "email", endpoint: "ops@example.com" });
  });

  it("reserves concurrency for the API, and runs the cron with `function`", async () => {
    const r = await deploy("dev");
    expect(r.one("sst.aws.Function", "Api").args.concurrency.reserved).toBe(50);
    const cron = r.one("sst.aws.Cron", "Repair");
    expect(cron.args.job).toBeUndefined();
    expect(cron.args.function.handler).toBe("packages/functions/src/repair/index.handler");
  });

  it("protects prod: deletion protection and retained table, and `sst remove` refuses unless unprotected", async () => {
    const prod = await deploy("prod");
    expect(prod.one("sst.aws.Dynamo", "Table").args.transform.table).toMatchObject({ deletionProtectionEnabled: true, pointInTimeRecovery: { enabled: true } });
    expect(prod.app).toMatchObject({ removal: "retain", protect: true });
    const dev = await deploy("dev");
    expect(dev.one("sst.aws.Dynamo", "Table").args.transform.table.deletionProtectionEnabled).toBe(false);
    expect(dev.app.protect).toBe(false);
    expect((await deploy("prod", { OUTREACH_UNPROTECT: "1" })).app.protect).toBe(false);
  });

  it("outputs references only", async () => {
    const r = await deploy("dev");
    for (const [k, v] of Object.entries(r.outputs)) for (const x of [v].flat()) expect(isRef(x), k).toBe(true);
    expect(r.outputs.sendsQueues).toHaveLength(8);
  });
});
