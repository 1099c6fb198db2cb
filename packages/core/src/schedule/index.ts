export type * from "./port";
export * from "./recurrence";
export * as Scheduled from "./service";
export { createLifecycle, firstRun, runAfter, timingOf } from "./timed";
