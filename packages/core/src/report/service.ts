import * as Contact from "../contact";
import type { Uses } from "../deps";
import { normalizeAsync } from "../e164";
import { DomainError, isDomainError, notFound } from "../error";
import { idAt } from "../id";
import * as Jobs from "../job";
import { validZone } from "../job";
import { iso, type PageRequest } from "../port";
import * as Session from "../session";
import { planLimitError, requireFeature, tenantPlan } from "../tenant";
import { createLifecycle, patchTiming, type TimingInput, timedFields, timedView } from "../timing";
import type { Delivery, Execution, Period, Report, TemplateId } from "./port";
import { compute, TEMPLATES, type Window } from "./templates";
import { summary } from "./text";
import type { ReportView } from "./view";

/** What this module uses. */
type D = Uses<
  | "activity"
  | "contacts"
  | "conversations"
  | "executions"
  | "groups"
  | "jobs"
  | "leads"
  | "monitors"
  | "optouts"
  | "recipients"
  | "reportRuns"
  | "reports"
  | "reviews"
  | "scheduleRuns"
  | "schedules"
  | "sessions"
  | "tenants"
  | "waGroups",
  "clock" | "events" | "ids" | "queue" | "timers"
>;

export type ReportInput = TimingInput & {
  name: string;
  template_id: TemplateId;
  delivery_method?: "dashboard" | "whatsapp";
  session_id?: string | null;
  recipient_phone?: string | null;
  period?: Period;
  threshold_hours?: number | null;
};

const lifecycle = (d: D) => createLifecycle<Report>({ repo: d.store.reports, timers: d.timers, clock: d.clock }, "report", "rpt", "report");

export const view = (r: Report): ReportView => ({
  ...timedView(r),
  template_id: r.template_id,
  delivery_method: r.delivery_method,
  session_id: r.session_id,
  recipient_phone: r.recipient_phone,
  period: r.period,
  threshold_hours: r.threshold_hours ?? null,
});

const DAY = 86_400_000;

/** The period an execution covers, ending at `end`. */
export const periodWindow = async (d: D, r: Report, end: number): Promise<Window> => {
  switch (r.period) {
    case "last_day":
      return { start: end - DAY, end };
    case "last_7_days":
      return { start: end - 7 * DAY, end };
    case "last_30_days":
      return { start: end - 30 * DAY, end };
    case "since_last_run": {
      const last = (await d.store.executions.list(r.id, { limit: 1 })).items[0];
      const start = last ? Date.parse(last.period_end) : Date.parse(r.created_at);
      return { start: Math.min(start, end), end };
    }
  }
};

/**
 * A report goes by WhatsApp only to the session's own number, or — on plans with bulk send — to a
 * member of one of the tenant's groups who has not opted out: never to a stranger.
 */
const checkRecipient = async (d: D, tenantId: string, phone: string) => {
  const { tenant } = await tenantPlan(d.store, tenantId);
  requireFeature(tenant.plan, "bulk_send", "Delivering a report by WhatsApp to a number other than the session's own is");
  if (!(await Contact.isReachable(d, tenantId, phone))) {
    throw new DomainError(
      "unprocessable",
      "report.recipient_not_allowed",
      "recipient_phone must be the session's own number or a member of one of your groups who has not opted out.",
    );
  }
};

const build = async (d: D, tenantId: string, input: ReportInput, base?: Report): Promise<Report> => {
  if (!TEMPLATES.some((t) => t.id === input.template_id))
    throw new DomainError("invalid", "report.unknown_template", `Unknown template_id "${input.template_id}"; see GET /reports/templates.`);
  const delivery = input.delivery_method ?? "dashboard";
  const session = input.session_id ? await Session.get(d, tenantId, input.session_id) : undefined;
  let recipient: string | null = null;
  if (input.recipient_phone) {
    const p = await normalizeAsync(input.recipient_phone);
    if (!p.ok) throw new DomainError("invalid", "phone.invalid", `recipient_phone is not a valid phone number (${p.reason}).`);
    recipient = p.e164;
  }
  if (delivery === "whatsapp" && recipient && recipient !== session?.phone) await checkRecipient(d, tenantId, recipient);
  return {
    id: base?.id ?? d.ids.next("rpt"),
    tenant_id: tenantId,
    ...timedFields(input, base, d.clock.now()),
    template_id: input.template_id,
    delivery_method: delivery,
    session_id: input.session_id ?? null,
    recipient_phone: recipient,
    period: input.period ?? "since_last_run",
    threshold_hours: input.threshold_hours ?? null,
  };
};

export const create = async (d: D, tenantId: string, input: ReportInput, id?: string) => {
  const { tenant, plan } = await tenantPlan(d.store, tenantId);
  const r = { ...(await build(d, tenantId, input)), ...(id ? { id } : {}) };
  const limit = plan.reports;
  if ((await lifecycle(d).createCounted(r, limit)) === "limit")
    throw planLimitError("plan.report_limit", "scheduled reports", limit ?? 0, tenant.report_count ?? 0);
  return view(r);
};

export const list = async (d: D, tenantId: string, page: PageRequest) => {
  const p = await d.store.reports.list(tenantId, page);
  return { items: p.items.map(view), next_cursor: p.next_cursor };
};

export const get = async (d: D, tenantId: string, id: string) => {
  const r = await lifecycle(d).get(tenantId, id);
  return { ...view(r), executions: (await d.store.executions.list(r.id, { limit: 5 })).items };
};

export const update = async (d: D, tenantId: string, id: string, patch: Partial<ReportInput>) => {
  const lc = lifecycle(d);
  const cur = await lc.get(tenantId, id);
  const next = await build(d, tenantId, patchTiming(cur, patch) as unknown as ReportInput, cur);
  return view(await lc.save(next, [cur.status], "change", cur.next_run_at));
};

export const pause = async (d: D, t: string, id: string) => view(await lifecycle(d).pause(t, id));
export const resume = async (d: D, t: string, id: string) => view(await lifecycle(d).resume(t, id));

export const remove = async (d: D, tenantId: string, id: string) => {
  await lifecycle(d).removeCounted(tenantId, id);
  await d.queue.send("events", [{ body: { type: "purge", kind: "report", tenant_id: tenantId, id } }]);
};

/** Sends the summary through the normal send path: the report's session (or the first working one), to recipient_phone or the session's own number. */
const deliver = async (d: D, r: Report, exe: Omit<Execution, "delivery">, due: number): Promise<Delivery> => {
  if (r.delivery_method === "dashboard") return { method: "dashboard", status: "kept", to: null, bulk_send_id: null, error: null };
  try {
    const sessions = await d.store.sessions.list(r.tenant_id);
    const session = r.session_id ? sessions.find((s) => s.id === r.session_id) : sessions.find((s) => s.status === "working");
    if (!session) throw new DomainError("conflict", "session.not_working", "No working session to deliver the report through.");
    const to = r.recipient_phone ?? session.phone;
    if (!to) throw new DomainError("conflict", "session.no_phone", `Session ${session.id} has no phone number yet.`);
    // Checked again at each delivery: the contact may have left the groups or opted out since.
    if (to !== session.phone) await checkRecipient(d, r.tenant_id, to);
    const job = await Jobs.createDirect(d, r.tenant_id, {
      session_id: session.id,
      to: [to],
      text: exe.text,
      jobId: idAt("bulk", due, `${exe.id}:delivery`),
    });
    return { method: "whatsapp", status: "queued", to, bulk_send_id: job.id, error: null };
  } catch (e) {
    if (!isDomainError(e)) throw e;
    return { method: "whatsapp", status: "failed", to: r.recipient_phone, bulk_send_id: null, error: e.message };
  }
};

/** Generates (once per id) and delivers one execution covering the period that ends at `end`. */
const execute = async (d: D, r: Report, end: number, id: string): Promise<Execution> => {
  const existing = await d.store.executions.get(r.id, id);
  if (existing) return existing;
  const w = await periodWindow(d, r, end);
  const data = await compute(d, r.template_id, r.tenant_id, w, { threshold_hours: r.threshold_hours ?? null });
  const base = {
    id,
    report_id: r.id,
    template_id: r.template_id,
    generated_at: iso(d.clock.now()),
    period_start: iso(w.start),
    period_end: iso(w.end),
    data,
    text: summary(r.template_id, data, w, r.timezone),
  };
  const exe: Execution = { ...base, delivery: await deliver(d, r, base, end) };
  if (await d.store.executions.put(exe)) {
    // *(ours)* `report.executed`: the summary and how it was delivered; the full data is one GET away.
    await d.events?.emit(r.tenant_id, [
      {
        type: "report.executed",
        key: `${r.id}|${id}`,
        at: base.generated_at,
        data: {
          report_id: r.id,
          execution_id: id,
          template_id: r.template_id,
          period_start: base.period_start,
          period_end: base.period_end,
          text: base.text,
          delivery: exe.delivery,
        },
      },
    ]);
  }
  return exe;
};

/** The periods a report run once can cover (`since_last_run` needs a report that ran before). */
export const ONCE_PERIODS = ["last_day", "last_7_days", "last_30_days"] as const;

/**
 * *(ours)* `POST /reports/run`: a template computed once for a period ending now, without a report,
 * a schedule or a delivery; nothing is stored. The summary's times are in `timezone` (UTC by default).
 */
export const runOnce = async (
  d: D,
  tenantId: string,
  input: { template_id: TemplateId; period?: (typeof ONCE_PERIODS)[number]; threshold_hours?: number | null; timezone?: string | null },
): Promise<Execution> => {
  const zone = input.timezone ?? "UTC";
  if (!validZone(zone))
    throw new DomainError("unprocessable", "report.invalid_timezone", `Unknown time zone "${zone}"; use an IANA name like America/Sao_Paulo.`);
  const end = d.clock.now();
  const days = { last_day: 1, last_7_days: 7, last_30_days: 30 }[input.period ?? "last_7_days"];
  const w = { start: end - days * DAY, end };
  const data = await compute(d, input.template_id, tenantId, w, { threshold_hours: input.threshold_hours ?? null });
  return {
    id: d.ids.next("exe"),
    report_id: "",
    template_id: input.template_id,
    generated_at: iso(end),
    period_start: iso(w.start),
    period_end: iso(w.end),
    data,
    text: summary(input.template_id, data, w, zone),
    delivery: { method: "dashboard", status: "kept", to: null, bulk_send_id: null, error: null },
  };
};

/** POST /reports/{id}/run: one execution now. */
export const runNow = async (d: D, tenantId: string, id: string, executionId?: string) => {
  const r = await lifecycle(d).get(tenantId, id);
  return execute(d, r, d.clock.now(), executionId ?? d.ids.next("exe"));
};

export const history = async (d: D, tenantId: string, id: string, page: PageRequest) => {
  await lifecycle(d).get(tenantId, id);
  return d.store.executions.list(id, page);
};

export const execution = async (d: D, tenantId: string, id: string, executionId: string) => {
  const r = await lifecycle(d).get(tenantId, id);
  const e = await d.store.executions.get(r.id, executionId);
  if (!e) throw notFound("execution", executionId);
  return { report: r, execution: e };
};

/** A timer fired for (report, run time): one execution per run time, then the next run is armed. */
export const fire = (d: D, tenantId: string, id: string, runAt: string) =>
  lifecycle(d).fire(tenantId, id, runAt, async (r, due) => {
    const exeId = idAt("exe", due, `${r.id}@${runAt}`);
    await d.store.reportRuns.claim(r.id, { run_at: runAt, status: "running", execution_id: exeId, created_at: iso(d.clock.now()) });
    await execute(d, r, due, exeId);
    await d.store.reportRuns.update(r.id, runAt, { status: "done" });
  });
