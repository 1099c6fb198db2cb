import type { CreateScheduleCommandInput, SchedulerClient } from "@aws-sdk/client-scheduler";
import { type Timers, type TimerTarget, timerMessage, timerName } from "@outreach/core/port";

type SchedulerSdk = typeof import("@aws-sdk/client-scheduler");

/**
 * The Scheduler SDK, loaded when a timer is first armed or disarmed: most cold starts of the Lambdas
 * (every repair sweep, most events) never touch a timer, and its client is ≈ 16 KiB of their load.
 */
const loadSdk = (() => {
  let sdk: Promise<SchedulerSdk> | undefined;
  return () => (sdk ??= import("@aws-sdk/client-scheduler"));
})();

export interface EventBridgeTimersOptions {
  /** The client, or how to make it (from the SDK once it is loaded), at the first timer. */
  client: SchedulerClient | ((sdk: SchedulerSdk) => SchedulerClient);
  /** Schedule group holding Outreach's schedules. */
  groupName: string;
  /** ARN of the events queue (the target). */
  queueArn: string;
  /** Role EventBridge Scheduler assumes to send to the queue. */
  roleArn: string;
}

/** `at(...)` wants UTC wall time without zone or milliseconds. */
export const atExpression = (iso: string) => `at(${new Date(iso).toISOString().slice(0, 19)})`;

/**
 * The Timers port on EventBridge Scheduler: one one-time `at(...)` schedule per active schedule or
 * report, named after it (so arming again replaces it), deleted after it ran. Its target is the events
 * queue; the message body is the same `timer.fire` event the local timers put there.
 */
export const createEventBridgeTimers = (o: EventBridgeTimersOptions): Timers => {
  let client: SchedulerClient | undefined;
  const ready = async () => {
    const sdk = await loadSdk();
    client ??= typeof o.client === "function" ? o.client(sdk) : o.client;
    return { sdk, client };
  };
  return {
    async arm(t: TimerTarget) {
      const { sdk, client } = await ready();
      const input: CreateScheduleCommandInput = {
        Name: timerName(t),
        GroupName: o.groupName,
        ScheduleExpression: atExpression(t.runAt),
        ScheduleExpressionTimezone: "UTC",
        FlexibleTimeWindow: { Mode: "OFF" },
        ActionAfterCompletion: "DELETE",
        Target: {
          Arn: o.queueArn,
          RoleArn: o.roleArn,
          Input: JSON.stringify(timerMessage(t)),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        },
        State: "ENABLED",
      };
      try {
        await client.send(new sdk.CreateScheduleCommand(input));
      } catch (e) {
        if (!(e instanceof sdk.ConflictException) && (e as { name?: string }).name !== "ConflictException") throw e;
        // Already armed: UpdateSchedule replaces the whole definition (omitted fields would reset).
        await client.send(new sdk.UpdateScheduleCommand(input));
      }
    },

    async disarm(t) {
      const { sdk, client } = await ready();
      try {
        await client.send(new sdk.DeleteScheduleCommand({ Name: timerName(t), GroupName: o.groupName }));
      } catch (e) {
        if (!(e instanceof sdk.ResourceNotFoundException) && (e as { name?: string }).name !== "ResourceNotFoundException") throw e;
      }
    },
  };
};
