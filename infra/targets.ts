import type { TargetArns } from "./permissions";
import { events, sends } from "./queues";
import { scheduleGroup, schedulerRole } from "./scheduler";
import { authStateKeyParameter } from "./secrets";
import { table } from "./storage";

const region = aws.getRegionOutput().name;
const account = aws.getCallerIdentityOutput().accountId;

/** What each target of infra/grants.ts is on this stage. */
export const arns: TargetArns = {
  table: [table.arn, $interpolate`${table.arn}/index/*`],
  events: [events.arn],
  sends: sends.map((q) => q.arn),
  schedules: [$interpolate`arn:aws:scheduler:${region}:${account}:schedule/${scheduleGroup.name}/*`],
  schedulerRole: [schedulerRole.arn],
  authStateKey: [authStateKeyParameter.arn],
};
