/** What a timer fires: a schedule's or a report's run at a given instant. */
export interface TimerTarget {
  kind: "schedule" | "report";
  tenantId: string;
  id: string;
  /** ISO instant of the run this timer is for; the fire is idempotent per (id, runAt). */
  runAt: string;
}

/**
 * Timers port: exactly one armed timer per active schedule or report, at its next run.
 * Adapters: EventBridge Scheduler (AWS), in-process (local).
 */
export interface Timers {
  arm(target: TimerTarget): Promise<void>;
  disarm(target: Pick<TimerTarget, "kind" | "tenantId" | "id">): Promise<void>;
}

export const timerName = (t: Pick<TimerTarget, "kind" | "id">) => `outreach-${t.kind}-${t.id}`;
