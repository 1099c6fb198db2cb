import { config } from "./config";
import { consume, sendTo, useTable } from "./permissions";
import { events, sends, shardEnvironment } from "./queues";
import { scheduler } from "./scheduler";
import { AUTH_STATE_KEY_ENV, authStateKeyParameter } from "./secrets";
import { table } from "./storage";

/**
 * No NAT: an SST Service on an SST Vpc runs in the public subnets with a public IP, so a NAT was paid
 * for and never used; the worker only dials out, and the security group admits nothing from outside.
 */
export const vpc = new sst.aws.Vpc("Vpc");
export const cluster = new sst.aws.Cluster("Cluster", { vpc });

/** The port of the worker's liveness endpoint (`GET /live` on 127.0.0.1 inside the task). */
export const HEALTH_PORT = 8080;
/** Seconds ECS waits after SIGTERM before SIGKILL (Fargate's maximum): the lanes drain in this time. */
export const STOP_TIMEOUT_SECONDS = 120;

/**
 * ECS runs this in the container (node:22-slim has no curl): 200 from `/live` within 3 s is healthy.
 * Three failures 30 s apart (after a 2-minute start period) mark the task unhealthy, and the service
 * replaces it: a worker whose event loop or session host stalls does not linger.
 */
export const HEALTH_CHECK_COMMAND = [
  "CMD",
  "node",
  "-e",
  `fetch("http://127.0.0.1:"+(process.env.OUTREACH_HEALTH_PORT||${HEALTH_PORT})+"/live",{signal:AbortSignal.timeout(3000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))`,
];

/** Worker scaling targets: average CPU of the service, and sends past their slot waiting in the shard queues. */
export const WORKER_CPU_TARGET = 60;
export const WORKER_BACKLOG_TARGET = 100;

/**
 * The session hosts and senders: a fleet of `min..max` tasks (default 1..4). Each task takes its share
 * of the K shards by lease (`ceil(K / live tasks)`), hosts those shards' sessions and polls only their
 * sends queues; a task over its share hands shards over gracefully, so tasks may come and go at any
 * time — leases, not task counts, keep one owner per shard and per session. A deployment therefore
 * starts new tasks before it stops old ones (minimum healthy 100 %, maximum 200 %). A task, on
 * SIGTERM, hands waiting sends back to their queues, finishes and records the sends under way, and
 * releases its session and shard leases; the next owner takes each as it comes free and only then
 * settles claims left by others (system/ownership, system/fleet; test/faults/handover.test.ts,
 * test/faults/fleet.test.ts). Graviton (arm64): the image holds only the esbuild bundle (Baileys'
 * Signal code is WebAssembly, sharp is left out), so nothing is native.
 *
 * Scaling (ECS service auto scaling, target tracking): out when the average CPU passes
 * `WORKER_CPU_TARGET` % or when more than `WORKER_BACKLOG_TARGET` sends wait visible in the shard
 * queues — every send is delayed until its slot, so visible messages are sends already due that no
 * worker has taken: the fleet is behind. In only when both agree (AWS scales in on the most
 * conservative policy), which in practice is the CPU one.
 *
 * Task role: the store (`useTable`), receive/delete/change visibility on the shard queues (its
 * consumers), `sqs:SendMessage` on them (a message whose slot moved, or whose shard moved, goes back)
 * and on events (recovery's snapshots and re-plans). No timers, no scheduler role. `scheduler` is linked for its
 * properties only (the shared composition reads them). ECS Exec's `ssmmessages:*Channel` actions
 * are added by SST. Execution role: pull the image, write logs, and `ssm:GetParameters` on the key's
 * parameter only.
 */
export const worker = new sst.aws.Service("Worker", {
  cluster,
  image: { context: ".", dockerfile: "packages/worker/Dockerfile" },
  architecture: "arm64",
  cpu: config.workerCpu,
  memory: config.workerMemory,
  scaling: { min: config.workerMin, max: config.workerMax, cpuUtilization: WORKER_CPU_TARGET, memoryUtilization: false },
  link: [table, events, ...sends, scheduler],
  permissions: [useTable(table), consume(...sends), sendTo(...sends, events)],
  ssm: { [AUTH_STATE_KEY_ENV]: authStateKeyParameter.arn },
  environment: {
    OUTREACH_LOG_LEVEL: "info",
    OUTREACH_HEALTH_PORT: String(HEALTH_PORT),
    ...shardEnvironment,
    ...(config.waVersion ? { OUTREACH_WA_VERSION: config.waVersion } : {}),
  },
  health: { command: HEALTH_CHECK_COMMAND, startPeriod: "120 seconds", interval: "30 seconds", timeout: "5 seconds", retries: 3 },
  transform: {
    service: {
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
    },
    // SST has no `stopTimeout` option: set it on every container definition.
    taskDefinition: (args) => {
      args.containerDefinitions = $output(args.containerDefinitions).apply((json) =>
        JSON.stringify((JSON.parse(json) as object[]).map((c) => ({ ...c, stopTimeout: STOP_TIMEOUT_SECONDS }))),
      );
    },
    // SST lets the execution role read every parameter and secret in the account; this one reads one.
    executionRole: (args) => {
      args.inlinePolicies = [
        {
          name: "inline",
          policy: $jsonStringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [authStateKeyParameter.arn] }],
          }),
        },
      ];
    },
  },
});

/**
 * The backlog policy, on the scalable target SST creates for the service (`service/<cluster>/<service>`):
 * target tracking on the sum of `ApproximateNumberOfMessagesVisible` over the shard queues (metric math).
 */
export const workerBacklogScaling = new aws.appautoscaling.Policy(
  "WorkerBacklogScaling",
  {
    serviceNamespace: "ecs",
    scalableDimension: "ecs:service:DesiredCount",
    resourceId: $interpolate`service/${cluster.nodes.cluster.name}/${worker.nodes.service.name}`,
    policyType: "TargetTrackingScaling",
    targetTrackingScalingPolicyConfiguration: {
      targetValue: WORKER_BACKLOG_TARGET,
      scaleOutCooldown: 60,
      scaleInCooldown: 300,
      customizedMetricSpecification: {
        metrics: [
          ...sends.map((q, i) => ({
            id: `m${i}`,
            returnData: false,
            metricStat: {
              metric: {
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: [{ name: "QueueName", value: q.nodes.queue.name }],
              },
              stat: "Sum",
            },
          })),
          { id: "backlog", label: "sends due and not yet taken", expression: sends.map((_, i) => `m${i}`).join(" + "), returnData: true },
        ],
      },
    },
  },
  { dependsOn: [worker] },
);
