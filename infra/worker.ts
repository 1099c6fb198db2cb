import { config } from "./config";
import { consume, sendTo, useTable } from "./permissions";
import { events, sends } from "./queues";
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

/**
 * The session host and sender: one task. A deployment starts the new task before it stops the old one
 * (minimum healthy 100 %, maximum 200 %): leases, not task counts, keep one owner per session. The old
 * task, on SIGTERM, hands waiting sends back to the queue, finishes and records the sends under way,
 * and releases its session leases; the new one takes each session as its lease comes free and only then
 * settles claims left by others (system/ownership; test/faults/handover.test.ts). Graviton (arm64): the image holds only the
 * esbuild bundle (Baileys' Signal code is WebAssembly, sharp is left out), so nothing is native.
 *
 * Task role: the store (`useTable`), receive/delete/change visibility on sends (its consumer),
 * `sqs:SendMessage` on sends (a message whose slot moved goes back with a delay) and on events
 * (recovery's snapshots and re-plans). No timers, no scheduler role. `scheduler` is linked for its
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
  scaling: { min: 1, max: 1 },
  link: [table, events, sends, scheduler],
  permissions: [useTable(table), consume(sends), sendTo(sends, events)],
  ssm: { [AUTH_STATE_KEY_ENV]: authStateKeyParameter.arn },
  environment: { OUTREACH_LOG_LEVEL: "info", OUTREACH_HEALTH_PORT: String(HEALTH_PORT) },
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
