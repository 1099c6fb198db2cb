import type { Store } from "../port";

export { cleanKeywords, compile, fold } from "../keywords";
export { type GroupOutcome, onGroupMessage } from "./inbound";
export * from "./port";
export { AvailableGroupView, GroupMessageView, MonitoredGroupView } from "./view";

import type { Uses } from "../deps";
import { conflict, notFound, unprocessable } from "../error";
import { looksLikeId } from "../id";
import { cleanKeywords } from "../keywords";
import { iso, type PageRequest } from "../port";
import { planLimitError, requireFeature, tenantPlan } from "../tenant";
import type { GroupMessage, MonitorExtras, MonitoredGroup, MonitorMode, MonitorPatch } from "./port";
import type { AvailableGroupView, GroupMessageView, MonitoredGroupView } from "./view";

type D = Uses<"activity" | "monitors" | "sessions" | "tenants" | "waGroups", "clock" | "ids" | "queue">;

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

/** A deleted monitored group's messages, chunk by chunk: how many items went (0 when nothing is left). */
export const purgeLeftovers = async (d: { store: Pick<Store, "monitors"> }, tenantId: string, id: string, max: number): Promise<number> =>
  d.store.monitors.purge(tenantId, id, max);
