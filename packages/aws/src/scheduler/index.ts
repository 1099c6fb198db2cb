import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { type Timers, type TimerTarget, timerMessage, timerName } from "@outreach/core/port";

export interface EventBridgeTimersOptions {
  client: SchedulerClient;
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
export const createEventBridgeTimers = (o: EventBridgeTimersOptions): Timers => ({
  async arm(t: TimerTarget) {
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
      await o.client.send(new CreateScheduleCommand(input));
    } catch (e) {
      if (!(e instanceof ConflictException) && (e as { name?: string }).name !== "ConflictException") throw e;
      // Already armed: UpdateSchedule replaces the whole definition (omitted fields would reset).
      await o.client.send(new UpdateScheduleCommand(input));
    }
  },

  async disarm(t) {
    try {
      await o.client.send(new DeleteScheduleCommand({ Name: timerName(t), GroupName: o.groupName }));
    } catch (e) {
      if (!(e instanceof ResourceNotFoundException) && (e as { name?: string }).name !== "ResourceNotFoundException") throw e;
    }
  },
});
