import type { Store } from "../port";

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

/** A deleted scheduled message's runs, chunk by chunk: how many items went (0 when nothing is left). */
export const purgeLeftovers = async (d: { store: Pick<Store, "scheduleRuns"> }, _tenantId: string, id: string, max: number): Promise<number> =>
  d.store.scheduleRuns.purge(id, max);
