export * from "./recurrence";
export { repair } from "./repair";
export * as Scheduled from "./service";
export { createLifecycle, firstRun, type Kind, runAfter, timingOf } from "./timed";
