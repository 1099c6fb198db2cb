import { events } from "./queues";

/** Outreach's EventBridge schedules live in their own group. */
export const scheduleGroup = new aws.scheduler.ScheduleGroup("ScheduleGroup", {
  name: `${$app.name}-${$app.stage}`,
});

/** The role EventBridge Scheduler assumes to deliver a timer: it may only send to the events queue. */
export const schedulerRole = new aws.iam.Role("SchedulerRole", {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "scheduler.amazonaws.com" }),
  inlinePolicies: [
    {
      name: "send-to-events-queue",
      policy: $jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: events.arn }],
      }),
    },
  ],
});

const region = aws.getRegionOutput().name;
const account = aws.getCallerIdentityOutput().accountId;

/** What the code reads to arm timers (`Resource.Scheduler`): the group, the role and the target. */
export const scheduler = new sst.Linkable("Scheduler", {
  properties: { groupName: scheduleGroup.name, roleArn: schedulerRole.arn, queueArn: events.arn },
});

/**
 * Arming and disarming timers (packages/aws/src/scheduler: CreateSchedule, then UpdateSchedule when it
 * exists, DeleteSchedule) on this group only, and `iam:PassRole` on the scheduler role only.
 */
export const armTimers = [
  {
    actions: ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"],
    resources: [$interpolate`arn:aws:scheduler:${region}:${account}:schedule/${scheduleGroup.name}/*`],
  },
  { actions: ["iam:PassRole"], resources: [schedulerRole.arn] },
];
