import { policyOf } from "./permissions";
import { events } from "./queues";

/** Outreach's EventBridge schedules live in their own group. */
export const scheduleGroup = new aws.scheduler.ScheduleGroup("ScheduleGroup", {
  name: `${$app.name}-${$app.stage}`,
});

/** The role EventBridge Scheduler assumes to deliver a timer: it may only send to the events queue (grants: `scheduler`). */
export const schedulerRole = new aws.iam.Role("SchedulerRole", {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "scheduler.amazonaws.com" }),
  inlinePolicies: [{ name: "send-to-events-queue", policy: policyOf("scheduler", { events: [events.arn] }) }],
});

/** What the code reads to arm timers (`Resource.Scheduler`): the group, the role and the target. */
export const scheduler = new sst.Linkable("Scheduler", {
  properties: { groupName: scheduleGroup.name, roleArn: schedulerRole.arn, queueArn: events.arn },
});
