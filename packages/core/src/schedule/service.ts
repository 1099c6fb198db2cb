import type { Uses } from "../deps";
import { conflict, isDomainError } from "../error";
import type { DomainEvent } from "../event";
import * as Group from "../group";
import { idAt } from "../id";
import * as Jobs from "../job";
import { iso, type PageRequest } from "../port";
import * as Session from "../session";
import { requireFeature, tenantPlan } from "../tenant";
import { createLifecycle, patchTiming, type TimingInput, timedFields, timedView } from "../timing";
import type { ScheduledMessage } from "./port";
import type { ScheduledMessageView } from "./view";

/** What this module uses. */
type D = Uses<
  "activity" | "contacts" | "groups" | "jobs" | "optouts" | "recipients" | "scheduleRuns" | "schedules" | "sessions" | "tenants" | "waGroups",
  "clock" | "events" | "ids" | "net" | "queue" | "timers"
>;

/** A scheduled message: a bulk send's message and pacing fields, a name and a timing. */
export type ScheduleInput = Omit<Jobs.CreateInput, "start_at"> & TimingInput & { name: string };

const lifecycle = (d: D) =>
  createLifecycle<ScheduledMessage>({ repo: d.store.schedules, timers: d.timers, clock: d.clock }, "schedule", "sch", "scheduled_message");

/** A scheduled message as the API shows it. */
export const view = (s: ScheduledMessage): ScheduledMessageView => ({
  ...timedView(s),
  session_id: s.session_id,
  custom_group_id: s.custom_group_id,
  message_type: s.message_type,
  message_content: s.message_content,
  media_url: s.media_url,
  min_delay_seconds: s.min_delay_seconds,
  max_delay_seconds: s.max_delay_seconds,
  daily_limit: s.daily_limit,
  send_window: s.send_window,
  max_consecutive_failures: s.max_consecutive_failures,
});

const checkPlan = async (d: D, tenantId: string) => {
  const { tenant } = await tenantPlan(d.store, tenantId);
  requireFeature(tenant.plan, "scheduled_messages", "Scheduled messages are");
};

/** Builds the record from input, checking ownership, content and timing (422 with a clear message). */
const build = async (d: D, tenantId: string, input: ScheduleInput, base?: ScheduledMessage): Promise<ScheduledMessage> => {
  await Session.get(d, tenantId, input.session_id);
  await Group.get(d, tenantId, input.custom_group_id);
  Jobs.checkContent(input, d.net);
  return {
    id: base?.id ?? d.ids.next("sch"),
    tenant_id: tenantId,
    ...timedFields(input, base, d.clock.now()),
    session_id: input.session_id,
    custom_group_id: input.custom_group_id,
    message_type: input.message_type ?? (input.media_url && !input.message_content ? "media" : "text"),
    message_content: input.message_content ?? null,
    media_url: input.media_url ?? null,
    min_delay_seconds: input.min_delay_seconds ?? null,
    max_delay_seconds: input.max_delay_seconds ?? null,
    daily_limit: input.daily_limit ?? null,
    send_window: input.send_window ?? null,
    max_consecutive_failures: input.max_consecutive_failures ?? null,
    agent_max_recipients: base?.agent_max_recipients ?? null,
  };
};

/** What an agent's create or resume binds to the schedule: the key's cap, checked at every run. */
export interface AgentBound {
  agentMaxRecipients?: number;
  /** The id to create under (an agent's confirmed create: a retry finds the same one). */
  id?: string;
}
const tighter = (a: number | null | undefined, b: number | undefined) => (b === undefined ? (a ?? null) : Math.min(a ?? b, b));

export const create = async (d: D, tenantId: string, input: ScheduleInput, agent: AgentBound = {}) => {
  await checkPlan(d, tenantId);
  const r = await build(d, tenantId, input);
  return view(await lifecycle(d).create({ ...r, ...(agent.id ? { id: agent.id } : {}), agent_max_recipients: tighter(null, agent.agentMaxRecipients) }));
};

export const get = async (d: D, tenantId: string, id: string) => {
  const s = await lifecycle(d).get(tenantId, id);
  return { ...view(s), executions: await d.store.scheduleRuns.latest(s.id, 5) };
};

export const list = async (d: D, tenantId: string, page: PageRequest) => {
  const p = await d.store.schedules.list(tenantId, page);
  return { items: p.items.map((s) => view(s)), next_cursor: p.next_cursor };
};

/** PATCH: any field; the next run is recomputed and the timer re-armed. */
export const update = async (d: D, tenantId: string, id: string, patch: Partial<ScheduleInput>) => {
  const lc = lifecycle(d);
  const cur = await lc.get(tenantId, id);
  if (cur.status === "cancelled" || cur.status === "completed")
    throw conflict("scheduled_message.invalid_state", `A ${cur.status} scheduled message cannot be changed.`);
  const next = await build(d, tenantId, patchTiming(cur, patch) as unknown as ScheduleInput, cur);
  return view(await lc.save(next, [cur.status], "change", cur.next_run_at));
};

export const pause = async (d: D, t: string, id: string) => view(await lifecycle(d).pause(t, id));
export const resume = async (d: D, t: string, id: string, agent: AgentBound = {}) =>
  view(await lifecycle(d).resume(t, id, (r) => ({ agent_max_recipients: tighter(r.agent_max_recipients, agent.agentMaxRecipients) })));
export const cancel = async (d: D, t: string, id: string) => view(await lifecycle(d).cancel(t, id));
export const remove = async (d: D, t: string, id: string) => {
  await lifecycle(d).remove(t, id, ["cancelled", "completed"]);
  await d.queue.send("events", [{ body: { type: "purge", kind: "schedule", tenant_id: t, id } }]);
};

export const history = async (d: D, tenantId: string, id: string, page: PageRequest) => {
  await lifecycle(d).get(tenantId, id);
  return d.store.scheduleRuns.list(id, page);
};

/**
 * A timer fired for (schedule, run time). Idempotent: the run is recorded once, its bulk send has an id
 * derived from (schedule, run time), and the next run is armed only by the fire that moves next_run_at.
 */
export const fire = (d: D, tenantId: string, id: string, runAt: string) =>
  lifecycle(d).fire(tenantId, id, runAt, async (s, due) => {
    const { run } = await d.store.scheduleRuns.claim(s.id, {
      run_at: runAt,
      status: "running",
      bulk_send_id: null,
      error: null,
      created_at: iso(d.clock.now()),
    });
    if (run.status !== "running") return;
    try {
      const job = await Jobs.create(
        d,
        tenantId,
        {
          name: s.name,
          session_id: s.session_id,
          custom_group_id: s.custom_group_id,
          message_type: s.message_type,
          message_content: s.message_content,
          media_url: s.media_url,
          min_delay_seconds: s.min_delay_seconds ?? undefined,
          max_delay_seconds: s.max_delay_seconds ?? undefined,
          daily_limit: s.daily_limit,
          send_window: s.send_window,
          max_consecutive_failures: s.max_consecutive_failures ?? undefined,
        },
        { scheduledMessageId: s.id, jobId: idAt("bulk", due, `${s.id}@${runAt}`), maxRecipients: s.agent_max_recipients ?? undefined },
      );
      await d.store.scheduleRuns.update(s.id, runAt, { status: "created", bulk_send_id: job.id });
      await d.events?.emit(tenantId, [runEvent(s.id, runAt, d.clock.now(), { status: "created", bulk_send_id: job.id, error: null })]);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      // A refused run (session down, quota, group deleted) is recorded; the schedule goes on. A group with
      // nobody to send to is not a failure: the run is skipped, with the reason.
      // A run over the agent's recipient cap is skipped the same way (the group grew after it was set).
      const status = e.code === "bulk_send.no_recipients" || e.code === "mcp.recipient_limit" ? "skipped" : "failed";
      await d.store.scheduleRuns.update(s.id, runAt, { status, error: e.message });
      await d.events?.emit(tenantId, [runEvent(s.id, runAt, d.clock.now(), { status, bulk_send_id: null, error: e.message })]);
    }
  });

/** *(ours)* `scheduled_message.run`: what a run did — the bulk send it created, or why it was skipped or refused. */
const runEvent = (
  scheduleId: string,
  runAt: string,
  atMs: number,
  r: { status: "created" | "skipped" | "failed"; bulk_send_id: string | null; error: string | null },
): DomainEvent => ({
  type: "scheduled_message.run",
  key: `${scheduleId}|${runAt}`,
  at: iso(atMs),
  data: { scheduled_message_id: scheduleId, run_at: runAt, ...r },
});
