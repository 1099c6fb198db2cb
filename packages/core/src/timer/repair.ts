import type { Uses } from "../deps";
import type { MessageOf } from "../message";

/** One timer's run fired (`fire` in `./index`). */
export type Fire<D> = (d: D, t: Omit<MessageOf<"timer.fire">, "type">) => Promise<unknown>;

/**
 * The repair sweep (at start locally, every 5 minutes on AWS): fires every overdue run once, and
 * re-arms the timers of runs due within `armWithinMs` (all of them when omitted), in case a timer was lost.
 * Firing is given (`repair` in `./index` gives `fire`), so a sweep that finds nothing overdue needs
 * none of what a run uses (recurrence, reports): the repair Lambda imports this module alone
 * (`@outreach/core/timer/repair`) and the firing code at the first overdue run.
 */
export const repairWith =
  <D extends Uses<"timers", "clock" | "timers">>(fire: Fire<D>) =>
  async (d: D, opts: { armWithinMs?: number } = {}) => {
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
