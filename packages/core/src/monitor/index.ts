import type { Store } from "../port";

export { cleanKeywords, compile, fold } from "../keywords";
export * from "./port";
export { AvailableGroupView, GroupMessageView, MonitoredGroupView } from "./view";

import { safeMessageId } from "../conversation";
import type { Uses } from "../deps";
import { conflict, notFound, unprocessable } from "../error";
import { looksLikeId } from "../id";
import { cleanKeywords, compileLists, foldMessage } from "../keywords";
import * as Lead from "../lead";
import { normalize } from "../phone";
import { type InboundEvent, iso, type PageRequest } from "../port";
import { activeCollectors, collectorLists, hitsOf, type KeywordHits } from "../review";
import type { Collector } from "../review/port";
import { expiresAt, planLimitError, requireFeature, settingsOf, tenantPlan } from "../tenant";
import { leadOf } from "./lead-rule";
import type { GroupMessage, MonitorExtras, MonitoredGroup, MonitorMode, MonitorPatch, OnGroupMessageRecorded } from "./port";
import type { AvailableGroupView, GroupMessageView, MonitoredGroupView } from "./view";

type D = Uses<
  | "activity"
  | "contacts"
  | "conversations"
  | "groups"
  | "jobs"
  | "leads"
  | "monitors"
  | "optouts"
  | "recipients"
  | "reviews"
  | "sessions"
  | "tenants"
  | "waGroups",
  "clock" | "events" | "ids" | "queue"
>;

export const view = (g: MonitoredGroup): MonitoredGroupView => ({
  id: g.id,
  session_id: g.session_id,
  wa_group_id: g.wa_group_id,
  name: g.name,
  monitor_mode: g.monitor_mode,
  monitor_keywords: g.monitor_keywords,
  is_active: g.is_active,
  messages_processed: g.messages_processed ?? 0,
  keyword_matches: g.keyword_matches ?? 0,
  matches_by_keyword: g.matches_by_keyword ?? {},
  leads_detected: g.leads_detected ?? 0,
  auto_respond: g.auto_respond ?? false,
  auto_label_leads: g.auto_label_leads ?? false,
  monitor_prompt: g.monitor_prompt ?? null,
  response_template: g.response_template ?? null,
  lead_label_id: g.lead_label_id ?? null,
  webhook_url: g.webhook_url ?? null,
  created_at: g.created_at,
  updated_at: g.updated_at,
});

export const messageView = (m: GroupMessage): GroupMessageView => ({
  id: m.wa_message_id,
  group_id: m.group_id,
  wa_group_id: m.wa_group_id,
  session_id: m.session_id,
  from: m.phone,
  from_lid: m.lid,
  name: m.name,
  text: m.text,
  media_type: m.media_type,
  matched_keywords: m.matched_keywords,
  timestamp: m.received_at,
});

/** MoltFlow's modes (and its client's spellings); `ai_prompt` is named, so its refusal can say why. */
const MODE_ALIASES: Record<string, MonitorMode> = {
  all: "all",
  keywords: "keywords",
  keyword: "keywords",
  first_message: "first_message",
  mentions: "mentions",
  mention: "mentions",
};
export const DEFAULT_MODE: MonitorMode = "first_message";
export const parseMode = (mode: string): MonitorMode => {
  const m = MODE_ALIASES[mode];
  if (m) return m;
  const available = ["first_message", "keywords", "mentions", "all"];
  if (mode === "ai_prompt")
    throw unprocessable(
      "group.monitor_mode_unavailable",
      'monitor_mode "ai_prompt" needs a language model, and none is configured on this server; use "keywords" (monitor_keywords), "first_message" or "mentions".',
      { field: "monitor_mode", available, reason: "no_model_configured" },
    );
  throw unprocessable("group.monitor_mode_unavailable", `monitor_mode "${mode}" is not served; use one of ${available.join(", ")}.`, {
    field: "monitor_mode",
    available,
  });
};

/** 403 `plan.feature_unavailable` when `auto_respond` is switched on in a plan without it. */
const checkAutoRespond = async (d: Pick<D, "store">, tenantId: string, on: boolean | undefined) => {
  if (!on) return;
  const { tenant } = await tenantPlan(d.store, tenantId);
  requireFeature(tenant.plan, "auto_respond", "Auto-respond is");
};

const checkKeywords = (mode: MonitorMode, keywords: string[]) => {
  if (mode === "keywords" && keywords.length === 0)
    throw unprocessable("group.keywords_required", 'monitor_mode "keywords" needs at least one keyword in monitor_keywords.', { field: "monitor_keywords" });
};

const load = async (d: Pick<D, "store">, tenantId: string, id: string, consistent = false) => {
  const g = looksLikeId("mgr", id) ? await d.store.monitors.get(tenantId, id, consistent) : undefined;
  if (!g) throw notFound("group", id);
  return g;
};

export interface CreateInput extends Partial<MonitorExtras> {
  session_id: string;
  wa_group_id: string;
  name?: string;
  /** Default `first_message`, MoltFlow's. */
  monitor_mode?: string;
  monitor_keywords?: string[];
  is_active?: boolean;
}

/** `POST /groups`: the session's WhatsApp group (known from its group sync) is monitored from now on. */
export const create = async (d: D, tenantId: string, input: CreateInput) => {
  const mode = parseMode(input.monitor_mode ?? DEFAULT_MODE);
  await checkAutoRespond(d, tenantId, input.auto_respond);
  const keywords = cleanKeywords(input.monitor_keywords ?? []);
  checkKeywords(mode, keywords);
  const session = await d.store.sessions.get(tenantId, input.session_id);
  if (!session) throw notFound("session", input.session_id);
  const wa = await d.store.waGroups.get(tenantId, input.session_id, input.wa_group_id);
  if (!wa)
    throw notFound("wa_group", `${input.wa_group_id} (not a WhatsApp group of session ${input.session_id}; see GET /groups/available/${input.session_id})`);
  const { tenant, plan } = await tenantPlan(d.store, tenantId);
  const now = iso(d.clock.now());
  const g: MonitoredGroup = {
    id: d.ids.next("mgr"),
    tenant_id: tenantId,
    session_id: input.session_id,
    wa_group_id: input.wa_group_id,
    name: input.name ?? wa.name,
    monitor_mode: mode,
    monitor_keywords: keywords,
    is_active: input.is_active ?? true,
    messages_processed: 0,
    keyword_matches: 0,
    matches_by_keyword: {},
    leads_detected: 0,
    auto_respond: input.auto_respond ?? false,
    auto_label_leads: input.auto_label_leads ?? false,
    monitor_prompt: input.monitor_prompt ?? null,
    response_template: input.response_template ?? null,
    lead_label_id: input.lead_label_id ?? null,
    webhook_url: input.webhook_url ?? null,
    created_at: now,
    updated_at: now,
  };
  const res = await d.store.monitors.create(g, plan.monitored_groups);
  if (res === "exists") throw conflict("group.already_monitored", `WhatsApp group ${input.wa_group_id} of session ${input.session_id} is monitored already.`);
  if (res === "limit") throw planLimitError("plan.monitored_group_limit", "monitored groups", plan.monitored_groups ?? 0, tenant.monitor_count ?? 0);
  return view(g);
};

export const list = async (d: Pick<D, "store">, tenantId: string) => {
  const groups = (await d.store.monitors.list(tenantId)).map(view);
  return { groups, items: groups, total: groups.length };
};

export const get = async (d: Pick<D, "store">, tenantId: string, id: string) => view(await load(d, tenantId, id));

export const update = async (d: D, tenantId: string, id: string, patch: Omit<MonitorPatch, "monitor_mode"> & { monitor_mode?: string }) => {
  const g = await load(d, tenantId, id, true);
  await checkAutoRespond(d, tenantId, patch.auto_respond);
  const mode = patch.monitor_mode === undefined ? g.monitor_mode : parseMode(patch.monitor_mode);
  const keywords = patch.monitor_keywords === undefined ? g.monitor_keywords : cleanKeywords(patch.monitor_keywords);
  checkKeywords(mode, keywords);
  const next = await d.store.monitors.update(
    tenantId,
    id,
    {
      ...patch,
      monitor_mode: patch.monitor_mode === undefined ? undefined : mode,
      monitor_keywords: patch.monitor_keywords === undefined ? undefined : keywords,
    },
    iso(d.clock.now()),
  );
  if (!next) throw notFound("group", id);
  return view(next);
};

/** Stops monitoring; the stored messages go afterwards (events queue). Leads stay. */
export const remove = async (d: D, tenantId: string, id: string) => {
  if (!looksLikeId("mgr", id) || !(await d.store.monitors.remove(tenantId, id))) throw notFound("group", id);
  await d.queue.send("events", [{ body: { type: "purge", kind: "monitor", tenant_id: tenantId, id } }]);
};

/** `GET /groups/available/{session_id}`: the session's WhatsApp groups (from its group sync), each saying whether it is monitored. */
export const available = async (d: Pick<D, "store">, tenantId: string, sessionId: string, page: PageRequest) => {
  if (!(await d.store.sessions.get(tenantId, sessionId))) throw notFound("session", sessionId);
  const monitored = new Map((await d.store.monitors.list(tenantId)).filter((g) => g.session_id === sessionId).map((g) => [g.wa_group_id, g.id]));
  const p = await d.store.waGroups.list(tenantId, sessionId, page);
  const groups: AvailableGroupView[] = p.items.map((g) => ({
    wa_group_id: g.wa_group_id,
    session_id: g.session_id,
    name: g.name,
    participant_count: g.participant_count,
    monitored: monitored.has(g.wa_group_id),
    monitored_group_id: monitored.get(g.wa_group_id) ?? null,
  }));
  return { groups, items: groups, total: groups.length, next_cursor: p.next_cursor };
};

/** `GET /groups/{id}/messages` *(ours)*: stored messages in time order, `matched=true` only those that matched a keyword. */
export const messages = async (d: Pick<D, "store">, tenantId: string, id: string, q: { matched?: boolean; order?: "asc" | "desc" }, page: PageRequest) => {
  const g = await load(d, tenantId, id);
  const p = await d.store.monitors.messages(tenantId, g.id, q, page);
  return { messages: p.items.map(messageView), next_cursor: p.next_cursor };
};

export type GroupOutcome = {
  stored: boolean;
  reason?: string;
  matched: string[];
  lead: boolean;
  message?: GroupMessage;
  /** The session's active review collectors and their keywords found in the message (the same pass). */
  collectors?: Collector[];
  hits?: ReadonlyMap<string, KeywordHits>;
};

/**
 * A message in a WhatsApp group: stored only when the group is monitored (and active), once per
 * WhatsApp message id, matched against its keywords; a match makes the member a lead (source
 * `group`, once per member per group) and the stored message is reported as `group.message`.
 */
export const onGroupMessage = async (d: D & { onRecorded: readonly OnGroupMessageRecorded[] }, tenantId: string, e: InboundEvent): Promise<GroupOutcome> => {
  if (!e.waGroupId) return { stored: false, reason: "not a group message", matched: [], lead: false };
  const g = await d.store.monitors.byWaGroup(tenantId, e.sessionId, e.waGroupId);
  if (!g) return { stored: false, reason: "group not monitored", matched: [], lead: false };
  if (!g.is_active) return { stored: false, reason: "monitoring paused", matched: [], lead: false };
  const from = e.from ? normalize(e.from) : undefined;
  const phone = from?.ok ? from.e164 : null;
  // One pass for the group's keywords and those of every collector reading the session.
  const collectors = (await activeCollectors(d, tenantId)).filter((c) => c.session_id === e.sessionId);
  const found = compileLists([g.monitor_keywords, ...collectorLists(collectors)]).match(foldMessage(e.text));
  const hits = hitsOf(collectors, found, 1);
  const matched = found[0] ?? [];
  const { retention_days } = settingsOf(await d.store.tenants.get(tenantId));
  const m: GroupMessage = {
    tenant_id: tenantId,
    group_id: g.id,
    session_id: e.sessionId,
    wa_group_id: e.waGroupId,
    wa_message_id: safeMessageId(e),
    phone,
    lid: e.fromLid ?? null,
    name: e.name?.slice(0, 255) ?? null,
    text: e.text,
    media_type: e.mediaType ?? null,
    matched_keywords: matched,
    received_at: iso(e.at),
    expires_at: expiresAt(e.at, retention_days),
  };
  // "keywords" mode stores every message (counts and the messages list need them) but only matches make leads.
  if (!(await d.store.monitors.recordMessage(m))) return { stored: false, reason: "duplicate", matched, lead: false };
  await d.events?.emit(tenantId, [
    {
      type: "group.message",
      key: `${g.id}|${m.wa_message_id}`,
      at: m.received_at,
      data: {
        group_id: g.id,
        wa_group_id: g.wa_group_id,
        group_name: g.name,
        session_id: g.session_id,
        message_id: m.wa_message_id,
        from: m.phone,
        name: m.name,
        message: m.text,
        media_type: m.media_type,
        matched_keywords: matched,
        timestamp: m.received_at,
      },
    },
  ]);
  let lead = false;
  if (phone && (await leadOf(d, tenantId, g, e, matched))) {
    const made = await Lead.detect(d, tenantId, {
      phone,
      name: m.name,
      session_id: g.session_id,
      source: "group",
      source_group_id: g.id,
      source_wa_group_id: g.wa_group_id,
      keyword: matched[0] ?? null,
      at: e.at,
    });
    lead = made !== undefined;
    // A new lead is answered once when the group says so (the plan's feature was checked when it was switched on).
    if (made && g.auto_respond && g.response_template) await Lead.respond(d, tenantId, made, { group_name: g.name, response_template: g.response_template });
  }
  for (const subscriber of d.onRecorded) await subscriber({ tenant_id: tenantId, message: m, collectors, hits });
  return { stored: true, matched, lead, message: m, collectors, hits };
};

/** A deleted monitored group's messages, chunk by chunk: how many items went (0 when nothing is left). */
export const purgeLeftovers = async (d: { store: Pick<Store, "monitors"> }, tenantId: string, id: string, max: number): Promise<number> =>
  d.store.monitors.purge(tenantId, id, max);
