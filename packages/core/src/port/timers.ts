import type { TimerKind } from "../schedule/port";

/** What a timer fires: a schedule's or a report's run at a given instant. */
export interface TimerTarget {
  kind: TimerKind;
  tenantId: string;
  id: string;
  /** ISO instant of the run this timer is for; the fire is idempotent per (id, runAt). */
  runAt: string;
}

/**
 * Timers port: exactly one armed timer per active schedule or report, at its next run.
 * Adapters: EventBridge Scheduler (AWS), in-process (local). Both deliver `timerMessage(target)` to the events queue.
 */
export interface Timers {
  arm(target: TimerTarget): Promise<void>;
  disarm(target: Pick<TimerTarget, "kind" | "tenantId" | "id">): Promise<void>;
}

export const timerName = (t: Pick<TimerTarget, "kind" | "id">) => `outreach-${t.kind}-${t.id}`;

/** The `timer.fire` message a timer puts on the events queue. */
export const timerMessage = (t: TimerTarget) => ({ type: "timer.fire" as const, kind: t.kind, tenant_id: t.tenantId, id: t.id, run_at: t.runAt });
