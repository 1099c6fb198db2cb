import { safeMessageId } from "../conversation";
import type { Uses } from "../deps";
import { normalizeAsync } from "../e164";
import { compileLists, foldMessage } from "../keywords";
import * as Lead from "../lead";
import { type InboundEvent, iso } from "../port";
import { activeCollectors, collectorLists, hitsOf, type KeywordHits } from "../review";
import type { Collector } from "../review/port";
import { expiresAt, settingsOf } from "../tenant";
import { leadOf } from "./lead-rule";
import type { GroupMessage, OnGroupMessageRecorded } from "./port";

/** What a group message uses: the monitor's own store, leads (and their auto-response), review collectors. */
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
  const from = e.from ? await normalizeAsync(e.from) : undefined;
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
