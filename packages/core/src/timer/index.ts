import type { Uses } from "../deps";
import type { MessageOf } from "../message";
import * as Report from "../report";
import { Scheduled } from "../schedule";
import { repairWith } from "./repair";

/** What firing uses (a report's and a schedule's run) and the timers themselves. */
type D = Parameters<typeof Report.fire>[0] & Parameters<typeof Scheduled.fire>[0] & Uses<"timers", "clock" | "timers">;

/** A timer fired: the scheduled message's or the report's run at `run_at` (idempotent per run). */
export const fire = (d: D, t: Omit<MessageOf<"timer.fire">, "type">) =>
  t.kind === "schedule" ? Scheduled.fire(d, t.tenant_id, t.id, t.run_at) : Report.fire(d, t.tenant_id, t.id, t.run_at);

/** The repair sweep (`./repair`), firing overdue runs with `fire`. */
export const repair = (d: D, opts: { armWithinMs?: number } = {}) => repairWith<D>(fire)(d, opts);
