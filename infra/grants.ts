/**
 * What each role may do, as data: the one table that infra builds every IAM statement from
 * (infra/permissions.ts) and that the stage test (`npm run test:stage`) enforces on every AWS call the
 * built bundles make, failing a call outside it the way AWS does (AccessDenied). Plain data with no SST
 * globals, so both can import it.
 *
 * The actions are those of the SDK commands in packages/aws: the store sends Get, Put, Update, Delete,
 * Query (also on gsi1), BatchGet, BatchWrite and TransactWrite (IAM checks each item of a transaction
 * as its own action: Put/Update/Delete/ConditionCheck); the queue adapter sends SendMessageBatch
 * (`sqs:SendMessage`), ReceiveMessage, DeleteMessageBatch (`sqs:DeleteMessage`) and
 * ChangeMessageVisibility(Batch) (`sqs:ChangeMessageVisibility`); timers send Create/Update/Delete
 * Schedule and pass the scheduler's role.
 */

/** Who acts: the three Lambdas, the worker task (and its execution role, which ECS uses to inject the key), and EventBridge Scheduler. */
export type Role = "api" | "events" | "repair" | "worker" | "workerExecution" | "scheduler";

/**
 * On what: the table (and its index), the events queue, every shard's sends queue, the schedules of
 * Outreach's group, the role the scheduler assumes, the SSM parameter holding the auth-state key.
 */
export type Target = "table" | "events" | "sends" | "schedules" | "schedulerRole" | "authStateKey";

export interface Grant {
  target: Target;
  actions: readonly string[];
  /** Added by an SST component itself (the queue subscription's event source mapping), not by infra's `permissions`. */
  by?: "sst";
}

const TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
] as const;

const useTable: Grant = { target: "table", actions: TABLE_ACTIONS };
const sendTo = (target: "events" | "sends"): Grant => ({ target, actions: ["sqs:SendMessage"] });
const armTimers: Grant[] = [
  { target: "schedules", actions: ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"] },
  { target: "schedulerRole", actions: ["iam:PassRole"] },
];

export const GRANTS: Record<Role, readonly Grant[]> = {
  /**
   * The HTTP API: the store; events (job snapshot/plan/finalize, session sync/pair, purges); the shard
   * sends queues (`POST /messages/send` and the MCP send tool queue the one message on its session's
   * shard); timers (schedules and reports).
   */
  api: [useTable, sendTo("events"), sendTo("sends"), ...armTimers],
  /** The events consumer: re-plans and snapshots (events), planned messages and session control (sends), timers. */
  events: [
    useTable,
    sendTo("events"),
    sendTo("sends"),
    ...armTimers,
    {
      target: "events",
      actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
      by: "sst",
    },
  ],
  /** The 5-minute repair sweep: fired schedules create jobs and stalled jobs are planned again (events), timers re-armed. */
  repair: [useTable, sendTo("events"), ...armTimers],
  /** The worker task: its consumers on the shard queues (and their depth, for the backlog metric), sends handed back to them, recovery's re-plans on events. No timers. */
  worker: [
    useTable,
    { target: "sends", actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:SendMessage", "sqs:GetQueueAttributes"] },
    sendTo("events"),
  ],
  /** ECS reads the auth-state key's parameter to inject it into the task (`ssm`/`valueFrom`), and nothing else. */
  workerExecution: [{ target: "authStateKey", actions: ["ssm:GetParameters"] }],
  /** EventBridge Scheduler delivers a timer to the events queue. */
  scheduler: [sendTo("events")],
};

/** Whether `role` may do `action` on `target` (the stage's check, and the tests'). */
export const allows = (grants: Record<Role, readonly Grant[]>, role: Role, action: string, target: Target): boolean =>
  grants[role].some((g) => g.target === target && g.actions.includes(action));

/** `grants` without one action of one role (tests: a removed grant must fail its flow loudly). */
export const withoutGrant = (grants: Record<Role, readonly Grant[]>, role: Role, action: string, target: Target): Record<Role, readonly Grant[]> => ({
  ...grants,
  [role]: grants[role].map((g) => (g.target === target ? { ...g, actions: g.actions.filter((a) => a !== action) } : g)).filter((g) => g.actions.length > 0),
});
