import type { Uses } from "../deps";
import type { MessageOf } from "../message";
import * as Report from "../report";
import { Scheduled } from "../schedule";

/** What firing uses (a report's and a schedule's run) and the timers themselves. */
type D = Parameters<typeof Report.fire>[0] & Parameters<typeof Scheduled.fire>[0] & Uses<"timers", "clock" | "timers">;

/** A timer fired: the scheduled message's or the report's run at `run_at` (idempotent per run). */
export const fire = (d: D, t: Omit<MessageOf<"timer.fire">, "type">) =>
  t.kind === "schedule" ? Scheduled.fire(d, t.tenant_id, t.id, t.run_at) : Report.fire(d, t.tenant_id, t.id, t.run_at);

/**
 * The repair sweep (at start locally, every 5 minutes on AWS): fires every overdue run once, and
 * re-arms the timers of runs due within `armWithinMs` (all of them when omitted), in case a timer was lost.
 */
export const repair = async (d: D, opts: { armWithinMs?: number } = {}) => {
  const now = d.clock.now();
  let fired = 0;
  let armed = 0;
  for (const t of await d.store.timers.due()) {
    const at = Date.parse(t.next_run_at);
    if (at <= now) {
      await fire(d, { kind: t.kind, tenant_id: t.tenant_id, id: t.id, run_at: t.next_run_at });
      fired++;
    } else if (opts.armWithinMs === undefined || at - now <= opts.armWithinMs) {
      await d.timers.arm({ kind: t.kind, tenantId: t.tenant_id, id: t.id, runAt: t.next_run_at });
      armed++;
    }
  }
  return { fired, armed };
};
