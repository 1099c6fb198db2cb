export {
  compile,
  createLifecycle,
  firstRun,
  MIN_INTERVAL_MS,
  parseScheduledTime,
  type Recurrence,
  runAfter,
  SCHEDULE_TYPES,
  type ScheduleType,
  type Timing,
  timingOf,
  WEEKDAYS,
  type Weekday,
} from "../timing";
export type * from "./port";
export * from "./preview";
export * as Scheduled from "./service";
export * from "./view";
