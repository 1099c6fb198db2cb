import type { Deps } from "../deps";

/**
 * The repair sweep (at start locally, every 5 minutes on AWS): fires every overdue run once, and
 * re-arms the timers of runs due within `armWithinMs` (all of them when omitted), in case a timer was lost.
 */
export const repair = async (
  d: Deps,
  fire: (kind: "schedule" | "report", tenantId: string, id: string, runAt: string) => Promise<unknown>,
  opts: { armWithinMs?: number } = {},
) => {
  const now = d.clock.now();
  let fired = 0;
  let armed = 0;
  for (const t of await d.store.timers.due()) {
    const at = Date.parse(t.next_run_at);
    if (at <= now) {
      await fire(t.kind, t.tenant_id, t.id, t.next_run_at);
      fired++;
    } else if (opts.armWithinMs === undefined || at - now <= opts.armWithinMs) {
      await d.timers.arm({ kind: t.kind, tenantId: t.tenant_id, id: t.id, runAt: t.next_run_at });
      armed++;
    }
  }
  return { fired, armed };
};
