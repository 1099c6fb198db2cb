import type { z } from "zod";
import { conflict, notFound, unprocessable } from "../error";
import type { IdPrefix } from "../id";
import { looksLikeId } from "../id";
import { type Clock, iso, type Timers } from "../port";
import type { ScheduleStatus, TimedRecord, TimedRepo, TimerKind } from "../schedule/port";
import { compile, type Timing } from "./recurrence";
import { TimedView } from "./view";

export * from "./recurrence";
export { TimedView };

/**
 * The lifecycle shared by scheduled messages and reports: compute the next run, keep exactly one
 * timer armed per active record, pause / resume / cancel / delete with conditional writes.
 */

export const timingOf = (r: TimingFields): Timing & TimingFields => ({
  schedule_type: r.schedule_type,
  timezone: r.timezone,
  scheduled_time: r.scheduled_time,
  cron_expression: r.cron_expression,
  time_of_day: r.time_of_day,
  days_of_week: r.days_of_week,
  day_of_month: r.day_of_month,
});

type TimingFields = Pick<TimedRecord, "schedule_type" | "timezone" | "scheduled_time" | "cron_expression" | "time_of_day" | "days_of_week" | "day_of_month">;

/** Timing fields as clients send them (all optional but `schedule_type`). */
export interface TimingInput {
  schedule_type: TimedRecord["schedule_type"];
  timezone?: string;
  scheduled_time?: string | null;
  cron_expression?: string | null;
  time_of_day?: string | null;
  days_of_week?: TimedRecord["days_of_week"];
  day_of_month?: number | null;
}

/**
 * The fields every timed record (re)computes from its input: timing (checked in every state, 422 when
 * wrong), status, next run (only an active record has one) and bookkeeping kept from `base`.
 */
export const timedFields = (input: TimingInput & { name: string }, base: TimedRecord | undefined, now: number) => {
  const timing = {
    schedule_type: input.schedule_type,
    timezone: input.timezone ?? "UTC",
    scheduled_time: input.scheduled_time ?? null,
    cron_expression: input.cron_expression ?? null,
    time_of_day: input.time_of_day ?? null,
    days_of_week: input.days_of_week ?? null,
    day_of_month: input.day_of_month ?? null,
  };
  const status = base?.status ?? "active";
  const next = firstRun(timing, now);
  return {
    name: input.name,
    status,
    ...timing,
    next_run_at: status === "active" ? next : null,
    last_run_at: base?.last_run_at ?? null,
    run_count: base?.run_count ?? 0,
    created_at: base?.created_at ?? iso(now),
    updated_at: iso(now),
  };
};

/** A PATCH over a record: switching the way a recurrence is given (cron or time of day) drops the other way's fields. */
export const patchTiming = <T extends object>(cur: T, patch: Partial<TimingInput> & object): T => {
  const merged = { ...cur, ...patch } as T & Partial<TimingInput>;
  if (patch.cron_expression)
    Object.assign(merged, { time_of_day: patch.time_of_day ?? null, days_of_week: patch.days_of_week ?? null, day_of_month: patch.day_of_month ?? null });
  if (patch.time_of_day && patch.cron_expression === undefined) merged.cron_expression = null;
  return merged;
};

/** The first run after `now`; a one_time in the past is refused with 422. */
export const firstRun = (t: TimingFields, now: number): string => {
  const rec = compile(timingOf(t), now);
  const next = rec.next(now);
  if (next === null) {
    throw unprocessable(
      "schedule.in_the_past",
      t.schedule_type === "one_time" ? `scheduled_time ${t.scheduled_time} is in the past.` : "This schedule has no future run.",
    );
  }
  return iso(next);
};

/** The run after a fire at `runAt`; overdue runs are not repeated: the next one is after now. */
export const runAfter = (t: TimingFields, runAt: number, now: number): string | null => {
  const next = compile(timingOf(t), now).next(Math.max(runAt, now));
  return next === null ? null : iso(next);
};

export const createLifecycle = <T extends TimedRecord>(
  d: { repo: TimedRepo<T>; timers: Timers; clock: Clock },
  kind: TimerKind,
  prefix: IdPrefix,
  noun: string,
) => {
  const get = async (tenantId: string, id: string) => {
    const r = looksLikeId(prefix, id) ? await d.repo.get(tenantId, id) : undefined;
    if (!r) throw notFound(noun, id);
    return r;
  };

  /** Arms or disarms the record's timer to match its state. */
  const syncTimer = async (r: T) => {
    if (r.status === "active" && r.next_run_at) await d.timers.arm({ kind, tenantId: r.tenant_id, id: r.id, runAt: r.next_run_at });
    else await d.timers.disarm({ kind, tenantId: r.tenant_id, id: r.id });
  };

  const save = async (next: T, from: ScheduleStatus[], action: string, nextRunAt?: string | null) => {
    if (!(await d.repo.replace(next, { from, nextRunAt }))) {
      const cur = await get(next.tenant_id, next.id);
      throw conflict(`${noun}.invalid_state`, `Cannot ${action} a ${noun.replace(/_/g, " ")} that is ${cur.status}.`, { status: cur.status });
    }
    await syncTimer(next);
    return next;
  };

  const transition = async (tenantId: string, id: string, action: string, from: ScheduleStatus[], change: (r: T, now: number) => Partial<T>) => {
    const r = await get(tenantId, id);
    if (!from.includes(r.status))
      throw conflict(`${noun}.invalid_state`, `Cannot ${action} a ${noun.replace(/_/g, " ")} that is ${r.status}.`, { status: r.status });
    const now = d.clock.now();
    return save({ ...r, ...change(r, now), updated_at: iso(now) }, [r.status], action);
  };

  /**
   * A timer fired for (record, run time): stale fires (paused, changed, already advanced) do nothing,
   * an early one waits for its second (or re-arms when more than a minute early), `run` does the
   * work (it must be idempotent per run time), then the next run is computed from the later of the
   * run time and now (an overdue record runs once, not once per missed run) and armed.
   */
  const fire = async (tenantId: string, id: string, runAt: string, run: (r: T, due: number) => Promise<void>) => {
    const r = await d.repo.get(tenantId, id);
    if (r?.status !== "active" || r.next_run_at !== runAt) return "stale";
    const due = Date.parse(runAt);
    const early = due - d.clock.now();
    if (early > 60_000) {
      await syncTimer(r);
      return "early";
    }
    if (early > 0) await d.clock.sleep(early);
    await run(r, due);
    const now = d.clock.now();
    const next = runAfter(r, due, now);
    const moved: T = { ...r, next_run_at: next, status: next ? "active" : "completed", last_run_at: runAt, run_count: r.run_count + 1, updated_at: iso(now) };
    if (await d.repo.replace(moved, { from: ["active"], nextRunAt: runAt })) await syncTimer(moved);
    return "fired";
  };

  return {
    get,
    syncTimer,
    save,
    fire,
    async create(r: T) {
      await d.repo.create(r);
      await syncTimer(r);
      return r;
    },
    /** Creates a record counted against the tenant's plan limit; "limit" when the plan is full. */
    async createCounted(r: T, limit: number | null): Promise<T | "limit"> {
      if ((await d.repo.createCounted(r, limit)) === "limit") return "limit";
      await syncTimer(r);
      return r;
    },
    /** Deletes a counted record (in any state) and its timer. */
    async removeCounted(tenantId: string, id: string) {
      await get(tenantId, id);
      if (!(await d.repo.deleteCounted(tenantId, id))) throw notFound(noun, id);
      await d.timers.disarm({ kind, tenantId, id });
    },
    pause: (tenantId: string, id: string) => transition(tenantId, id, "pause", ["active"], () => ({ status: "paused", next_run_at: null }) as Partial<T>),
    /** `extra`: fields set with the resume (e.g. the agent's recipient cap of the key that resumed it). */
    resume: (tenantId: string, id: string, extra: (r: T) => Partial<T> = () => ({})) =>
      transition(tenantId, id, "resume", ["paused"], (r, now) => {
        const next = runAfter(r, now, now);
        if (!next) throw conflict(`${noun}.no_future_run`, `This ${noun.replace(/_/g, " ")} has no future run; change its timing with PATCH first.`);
        return { ...extra(r), status: "active", next_run_at: next } as Partial<T>;
      }),
    cancel: (tenantId: string, id: string) =>
      transition(tenantId, id, "cancel", ["active", "paused"], () => ({ status: "cancelled", next_run_at: null }) as Partial<T>),
    async remove(tenantId: string, id: string, from: ScheduleStatus[]) {
      const r = await get(tenantId, id);
      if (!from.includes(r.status) || !(await d.repo.delete(tenantId, id, from))) {
        throw conflict(
          `${noun}.invalid_state`,
          `Only a ${from.join(" or ")} ${noun.replace(/_/g, " ")} can be deleted; this one is ${r.status}. Cancel it first.`,
          {
            status: r.status,
          },
        );
      }
      await d.timers.disarm({ kind, tenantId, id });
    },
  };
};

/** The public fields every timed record shows (an allow-list: internal fields added later stay inside). */
export const timedView = (r: TimedRecord): z.infer<typeof TimedView> => ({
  id: r.id,
  name: r.name,
  status: r.status,
  ...timingOf(r),
  next_run_at: r.next_run_at,
  last_run_at: r.last_run_at,
  run_count: r.run_count,
  created_at: r.created_at,
  updated_at: r.updated_at,
});
