import { config, production } from "./config";
import { policyOf, statementsOf } from "./permissions";
import { events, sends } from "./queues";
import { METRICS_NAMESPACE, WORKER } from "./roles";
import { scheduler } from "./scheduler";
import { authStateKey, authStateKeyParameter } from "./secrets";
import { table } from "./storage";
import { arns } from "./targets";

/**
 * No NAT: an SST Service on an SST Vpc runs in the public subnets with a public IP, so a NAT was paid
 * for and never used; the worker only dials out, and the security group admits nothing from outside.
 */
export const vpc = new sst.aws.Vpc("Vpc");
export const cluster = new sst.aws.Cluster("Cluster", { vpc });

/** The port of the worker's liveness endpoint (`GET /live` on 127.0.0.1 inside the task). */
export const HEALTH_PORT = WORKER.healthPort;
/** Seconds ECS waits after SIGTERM before SIGKILL (Fargate's maximum): the lanes drain in this time. */
export const STOP_TIMEOUT_SECONDS = WORKER.stopTimeoutSeconds;

/**
 * ECS runs this in the container (node:22-slim has no curl): 200 from `/live` within 3 s is healthy.
 * Three failures 30 s apart (after a 2-minute start period) mark the task unhealthy, and the service
 * replaces it: a worker whose event loop or session host stalls does not linger. Liveness never asks
 * the store: a DynamoDB blip must not replace the whole fleet at once (the store has its own alarm).
 */
export const HEALTH_CHECK_COMMAND = [
  "CMD",
  "node",
  "-e",
  `fetch("http://127.0.0.1:"+(process.env.OUTREACH_HEALTH_PORT||${HEALTH_PORT})+"/live",{signal:AbortSignal.timeout(3000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))`,
];

/** Scaling targets: sessions per task (config), average CPU and memory of the service, sends due per task. */
export const WORKER_CPU_TARGET = 60;
export const WORKER_MEMORY_TARGET = 75;
export const WORKER_BACKLOG_TARGET = 100;
/** Every scale event moves sessions between tasks (a reconnect each): scale in only after 15 quiet minutes. */
export const SCALE_IN_COOLDOWN_SECONDS = 900;
export const SCALE_OUT_COOLDOWN_SECONDS = 60;

/** The dimension of the metrics the workers publish (embedded metric format, packages/system/src/metrics). */
export const metricDimensions = { Stage: $app.stage };

/**
 * `OUTREACH_WORKER_CAPACITY`: `fargate` (default) regular Fargate; `spot` every task on Fargate Spot
 * (cheapest; a reclaimed task is replaced, on Spot, after a two-minute warning that hands its sessions
 * over); `mixed` the first task on regular Fargate and the rest on Spot — the on-demand fallback that
 * keeps sessions up while Spot is reclaimed or has no capacity.
 */
const capacity =
  config.workerCapacity === "spot"
    ? ("spot" as const)
    : config.workerCapacity === "mixed"
      ? { fargate: { weight: 0, base: 1 }, spot: { weight: 1 } }
      : undefined;

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
 * Scaling (ECS service auto scaling, target tracking, four policies): out when sessions per task
 * pass `OUTREACH_SESSIONS_PER_TASK`, the average CPU or memory passes its target, or sends already due
 * wait untaken (every send is delayed until its slot, so a visible one means the fleet is behind); in
 * only when all agree (AWS scales in on the most conservative policy), after 15 quiet minutes.
 *
 * Task role: exactly `GRANTS.worker` (infra/grants.ts): the store, its consumers on the shard queues
 * (and their depth, for the backlog metric), sends handed back to them, re-plans on events. No timers.
 * `scheduler` is linked for its properties only (the shared composition reads them). ECS Exec's
 * `ssmmessages:*Channel` actions are added by SST. Execution role: pull the image, write logs, and
 * `GRANTS.workerExecution` (`ssm:GetParameters` on the key's parameter only).
 */
export const worker = new sst.aws.Service("Worker", {
  cluster,
  image: { context: ".", dockerfile: "packages/worker/Dockerfile" },
  architecture: "arm64",
  cpu: config.workerCpu,
  memory: config.workerMemory,
  capacity,
  scaling: {
    min: config.workerMin,
    max: config.workerMax,
    cpuUtilization: WORKER_CPU_TARGET,
    memoryUtilization: WORKER_MEMORY_TARGET,
    scaleInCooldown: `${SCALE_IN_COOLDOWN_SECONDS} seconds`,
    scaleOutCooldown: `${SCALE_OUT_COOLDOWN_SECONDS} seconds`,
  },
  // A production deploy reports success only once the new tasks are stable (a circuit-breaker rollback fails it).
  wait: production,
  // `sst dev` does not deploy the service: it runs the worker here against the stage's resources. The
  // secret is linked in dev only (a deployed task gets it from SSM by reference, never in its definition).
  dev: { command: "npm run dev:worker" },
  link: $dev ? [table, events, ...sends, scheduler, authStateKey] : [table, events, ...sends, scheduler],
  permissions: statementsOf("worker", arns),
  ssm: { [WORKER.authStateKeyEnv]: authStateKeyParameter.arn },
  environment: WORKER.environment({ shards: config.shards, stage: $app.stage, waVersion: config.waVersion }),
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
          policy: policyOf("workerExecution", arns),
        },
      ];
    },
  },
});

const workerMetric = (metricName: string, stat: "Average") => ({
  namespace: METRICS_NAMESPACE,
  metricName,
  dimensions: Object.entries(metricDimensions).map(([name, value]) => ({ name, value })),
  statistic: stat,
});

/**
 * Two more target-tracking policies on the scalable target SST creates (`service/<cluster>/<service>`),
 * on metrics each worker publishes once a minute: `Sessions` (sessions it hosts; the average over the
 * workers is sessions per task) and `SendsBacklog` (sends due and not yet taken in the queues of its
 * shards; the average is the backlog per task). One metric each, whatever K — CloudWatch's metric
 * math allows only 10 metrics, so a sum over the K queues could not deploy past K = 10. The service
 * scales out when any policy asks and in only when all agree, after 15 quiet minutes.
 */
const trackWorkerMetric = (name: string, metricName: string, target: number) =>
  $dev
    ? undefined
    : new aws.appautoscaling.Policy(
        name,
        {
          serviceNamespace: "ecs",
          scalableDimension: "ecs:service:DesiredCount",
          resourceId: $interpolate`service/${cluster.nodes.cluster.name}/${worker.nodes.service.name}`,
          policyType: "TargetTrackingScaling",
          targetTrackingScalingPolicyConfiguration: {
            targetValue: target,
            scaleInCooldown: SCALE_IN_COOLDOWN_SECONDS,
            scaleOutCooldown: SCALE_OUT_COOLDOWN_SECONDS,
            customizedMetricSpecification: workerMetric(metricName, "Average"),
          },
        },
        { dependsOn: [worker] },
      );

export const workerSessionsScaling = trackWorkerMetric("WorkerSessionsScaling", "Sessions", config.sessionsPerTask);
export const workerBacklogScaling = trackWorkerMetric("WorkerBacklogScaling", "SendsBacklog", WORKER_BACKLOG_TARGET);
