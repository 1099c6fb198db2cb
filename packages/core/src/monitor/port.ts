import type { InboundMediaType } from "../conversation/port";
import type { Page, PageRequest } from "../port/page";
import type { Collector, KeywordHits } from "../review/port";

/**
 * `first_message` (MoltFlow's default): a member's first message since monitoring began makes them a
 * lead; `keywords`: a message matching `monitor_keywords`; `mentions`: a message that @-mentions the
 * session's own number; `all`: every message is stored, none makes a lead by itself.
 */
export const MONITOR_MODES = ["all", "keywords", "first_message", "mentions"] as const;
export type MonitorMode = (typeof MONITOR_MODES)[number];

/** MoltFlow's settings: `auto_respond` + `response_template` answer new leads; the others are stored and echoed. */
export interface MonitorExtras {
  auto_respond: boolean;
  auto_label_leads: boolean;
  monitor_prompt: string | null;
  response_template: string | null;
  lead_label_id: string | null;
  webhook_url: string | null;
}

/** A WhatsApp group one session is in, monitored: its messages are stored and matched against its keywords. */
export interface MonitoredGroup extends MonitorExtras {
  id: string;
  tenant_id: string;
  session_id: string;
  wa_group_id: string;
  name: string;
  monitor_mode: MonitorMode;
  monitor_keywords: string[];
  /** Paused groups store nothing. */
  is_active: boolean;
  messages_processed: number;
  keyword_matches: number;
  matches_by_keyword: Record<string, number>;
  leads_detected: number;
  created_at: string;
  updated_at: string;
}

export type MonitorPatch = Partial<Pick<MonitoredGroup, "name" | "monitor_mode" | "monitor_keywords" | "is_active"> & MonitorExtras>;

/** One message written in a monitored group (TTL = the tenant's retention, like conversations). */
export interface GroupMessage {
  tenant_id: string;
  group_id: string;
  session_id: string;
  wa_group_id: string;
  wa_message_id: string;
  /** E.164 of the member who wrote it; null when WhatsApp named them only by a LID we could not resolve. */
  phone: string | null;
  lid: string | null;
  name: string | null;
  text: string;
  media_type: InboundMediaType | null;
  matched_keywords: string[];
  received_at: string;
  expires_at: number;
}

/** Monitored groups (counted per tenant for the plan limit) and their stored messages. */
export interface MonitorRepo {
  /** `exists`: the session's WhatsApp group is monitored already; `limit`: the plan's limit is reached. */
  create(g: MonitoredGroup, limit: number | null): Promise<"ok" | "limit" | "exists">;
  get(tenantId: string, id: string, consistent?: boolean): Promise<MonitoredGroup | undefined>;
  /** The monitored group of a session's WhatsApp group, if there is one. */
  byWaGroup(tenantId: string, sessionId: string, waGroupId: string): Promise<MonitoredGroup | undefined>;
  list(tenantId: string): Promise<MonitoredGroup[]>;
  update(tenantId: string, id: string, patch: MonitorPatch, at: string): Promise<MonitoredGroup | undefined>;
  /** Deletes the group (its messages go afterwards, `purge`); undefined when it did not exist. */
  remove(tenantId: string, id: string): Promise<MonitoredGroup | undefined>;
  /**
   * Stores a message once per WhatsApp message id, with the group's counters (messages, matches,
   * matches per keyword) in the same transaction; false when it was stored before.
   */
  recordMessage(m: GroupMessage): Promise<boolean>;
  /** One more lead detected in the group. */
  countLead(tenantId: string, id: string): Promise<void>;
  /** Stored messages in time order (`matched`: only those that matched a keyword); expired ones are never answered. */
  messages(
    tenantId: string,
    groupId: string,
    q: { matched?: boolean; fromIso?: string; toIso?: string; order?: "asc" | "desc" },
    page: PageRequest,
  ): Promise<Page<GroupMessage>>;
  /** Deletes up to `max` stored messages of a deleted group; 0 when none are left. */
  purge(tenantId: string, groupId: string, max: number): Promise<number>;
}

/**
 * "Group message recorded": a monitored group's message was stored (once per WhatsApp message id),
 * published with the session's active review collectors and the keywords each found in it (the
 * monitor matches its own and theirs in one pass). Review collectors subscribe; the composition
 * registers the subscribers once (`@outreach/system` host).
 */
export interface GroupMessageRecorded {
  tenant_id: string;
  message: GroupMessage;
  collectors: Collector[];
  hits: ReadonlyMap<string, KeywordHits>;
}

/** A subscriber to "group message recorded"; one that throws fails the call that recorded the message. */
export type OnGroupMessageRecorded = (e: GroupMessageRecorded) => Promise<void>;
