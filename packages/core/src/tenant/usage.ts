import type { DayActivity } from "../activity";
import type { Uses } from "../deps";
import { featuresOf, PLAN_NAMES, planEntry } from "../plan";
import { tenantPlan } from "./tenant";

/**
 * Usage history (issue 30, MoltFlow's `admin.py`): read from the counters every send, receipt, lead
 * and request already writes — the month's `USAGE#` item (messages counted against the plan) and
 * the day's `ACT#` item (sent, received, API calls, leads; the month's API calls are its days', added
 * up by the store) — never by scanning messages.
 *
 * `total_messages` is what counts against the plan (messages sent), as in `/usage/current`.
 * Periods are UTC calendar months and days, the periods the monthly quota itself resets on: a month
 * of the history is exactly the month the plan's `limit_messages` was enforced over.
 */
type D = Uses<"activity" | "tenants", "clock">;

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `months` calendar months ending with this one, oldest first: `["2026-07", …, "2026-12"]`. */
export const lastMonths = (now: number, months: number) => {
  const d = new Date(now);
  return Array.from({ length: months }, (_, i) => {
    const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (months - 1 - i), 1));
    return m.toISOString().slice(0, 7);
  });
};

const sum = (days: DayActivity[], f: (x: DayActivity) => number | undefined) => days.reduce((n, x) => n + (f(x) ?? 0), 0);

/** `GET /usage/history?months=N`: one entry per calendar month, oldest first, this month last. */
export const usageHistory = async (d: D, tenantId: string, months: number) => {
  const { plan } = await tenantPlan(d.store, tenantId);
  const periods = lastMonths(d.clock.now(), months);
  const [usages, days] = await Promise.all([
    Promise.all(periods.map((p) => d.store.tenants.usage(tenantId, p))),
    d.store.activity.range(tenantId, `${periods[0]}-01`, `${periods[periods.length - 1]}-31`),
  ]);
  const history = periods.map((period, i) => {
    const u = usages[i] as (typeof usages)[number];
    const inMonth = days.filter((x) => x.day.startsWith(period));
    const received = sum(inMonth, (x) => x.received);
    return {
      period,
      messages_sent: u.total_messages,
      messages_received: received,
      total_messages: u.total_messages,
      api_calls: u.api_calls,
      leads_detected: sum(inMonth, (x) => x.leads),
      limit_messages: plan.messages_per_month,
    };
  });
  return { history, months };
};

/** `GET /usage/daily?days=N`: one entry per day, oldest first, today last (days without activity are zeros). */
export const dailyUsage = async (d: D, tenantId: string, days: number) => {
  const now = d.clock.now();
  const dates = Array.from({ length: days }, (_, i) => day(now - (days - 1 - i) * DAY_MS));
  const found = new Map((await d.store.activity.range(tenantId, dates[0] as string, dates[dates.length - 1] as string)).map((x) => [x.day, x]));
  return {
    days: dates.map((date) => {
      const x = found.get(date);
      const sent = x?.sent ?? 0;
      const received = x?.received ?? 0;
      return {
        date,
        messages_sent: sent,
        messages_received: received,
        total_messages: sent,
        api_calls: x?.api_calls ?? 0,
        leads_detected: x?.leads ?? 0,
      };
    }),
  };
};

/** `GET /billing/subscription`: the tenant's plan and this period's use against each of its limits. */
export const subscription = async (d: D, tenantId: string) => {
  const { tenant, plan } = await tenantPlan(d.store, tenantId);
  const period = new Date(d.clock.now()).toISOString().slice(0, 7);
  const [usage, t] = await Promise.all([d.store.tenants.usage(tenantId, period), d.store.tenants.get(tenantId, true)]);
  const live = t ?? tenant;
  return {
    plan: tenant.plan,
    name: PLAN_NAMES[tenant.plan],
    status: "active" as const,
    period,
    usage: {
      messages_per_month: usage.total_messages,
      reserved_messages: usage.reserved_messages,
      sessions: live.session_count ?? 0,
      custom_groups: live.group_count ?? 0,
      monitored_groups: live.monitor_count ?? 0,
      webhooks: live.webhook_count ?? 0,
      collectors: (live as { collector_count?: number }).collector_count ?? 0,
      reports: live.report_count ?? 0,
      api_keys: live.key_count ?? 0,
      api_calls: usage.api_calls,
    },
    limits: planEntry(tenant.plan).limits,
    features: featuresOf(plan),
  };
};
