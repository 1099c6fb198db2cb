export { createLifecycle, firstRun, runAfter, timingOf } from "../timing";
export type * from "./port";
export * from "./preview";
export * from "./recurrence";
export * as Scheduled from "./service";
export * from "./view";
