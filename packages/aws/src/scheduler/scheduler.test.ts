import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { atExpression, createEventBridgeTimers } from ".";

/** EventBridge Scheduler has no emulator: these tests pin the exact requests the adapter makes. */
const mock = mockClient(SchedulerClient);
const timers = createEventBridgeTimers({
  client: new SchedulerClient({ region: "eu-west-1" }),
  groupName: "outreach-prod",
  queueArn: "arn:aws:sqs:eu-west-1:123456789012:outreach-events",
  roleArn: "arn:aws:iam::123456789012:role/outreach-scheduler",
});
const target = { kind: "schedule" as const, tenantId: "ten_1", id: "sch_01jcabcdefghjkmnpqrstvwxyz", runAt: "2026-12-01T09:30:00.000Z" };

const expected = {
  Name: "outreach-schedule-sch_01jcabcdefghjkmnpqrstvwxyz",
  GroupName: "outreach-prod",
  ScheduleExpression: "at(2026-12-01T09:30:00)",
  ScheduleExpressionTimezone: "UTC",
  FlexibleTimeWindow: { Mode: "OFF" },
  ActionAfterCompletion: "DELETE",
  State: "ENABLED",
  Target: {
    Arn: "arn:aws:sqs:eu-west-1:123456789012:outreach-events",
    RoleArn: "arn:aws:iam::123456789012:role/outreach-scheduler",
    Input: JSON.stringify({
      type: "timer.fire",
      kind: "schedule",
      tenant_id: "ten_1",
      id: "sch_01jcabcdefghjkmnpqrstvwxyz",
      run_at: "2026-12-01T09:30:00.000Z",
    }),
    RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
  },
};

describe("EventBridge Scheduler timers", () => {
  beforeEach(() => mock.reset());

  it("creates one at() schedule per record, deleted after completion, targeting the events queue", async () => {
    mock.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn" });
    await timers.arm(target);
    expect(mock.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input)).toEqual([expected]);
    expect(expected.Name.length).toBeLessThanOrEqual(64);
  });

  it("replaces an existing schedule with the whole definition when arming again", async () => {
    mock.on(CreateScheduleCommand).rejects(new ConflictException({ message: "exists", Message: "exists", $metadata: {} }));
    mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: "arn" });
    await timers.arm({ ...target, runAt: "2026-12-02T09:30:00.000Z" });
    const update = mock.commandCalls(UpdateScheduleCommand)[0]?.args[0].input;
    expect(update).toMatchObject({
      ...expected,
      ScheduleExpression: "at(2026-12-02T09:30:00)",
      Target: { ...expected.Target, Input: expect.stringContaining("2026-12-02T09:30:00.000Z") },
    });
  });

  it("deletes on disarm and ignores a schedule that is already gone", async () => {
    mock
      .on(DeleteScheduleCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: "gone", Message: "gone", $metadata: {} }))
      .resolves({});
    await timers.disarm(target);
    await timers.disarm({ kind: "report", tenantId: "ten_1", id: "rpt_x" });
    expect(mock.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: "outreach-schedule-sch_01jcabcdefghjkmnpqrstvwxyz", GroupName: "outreach-prod" },
      { Name: "outreach-report-rpt_x", GroupName: "outreach-prod" },
    ]);
  });

  it("propagates other errors", async () => {
    mock.on(CreateScheduleCommand).rejects(new Error("AccessDenied"));
    await expect(timers.arm(target)).rejects.toThrow("AccessDenied");
  });

  it("writes at() in UTC without milliseconds", () => {
    expect(atExpression("2026-03-08T07:00:00.000Z")).toBe("at(2026-03-08T07:00:00)");
  });
});
