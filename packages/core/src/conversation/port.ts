import type { JobRef } from "../job/port";
import type { Page, PageRequest } from "../port/page";

/** What a contact can send besides text (a caption, when there is one, is the message's text). */
export const INBOUND_MEDIA_TYPES = ["image", "video", "audio", "document", "sticker"] as const;
export type InboundMediaType = (typeof INBOUND_MEDIA_TYPES)[number];

/** One message a contact wrote to a session (1:1 chats only; groups are not stored here). */
export interface InboundMessage {
  tenant_id: string;
  session_id: string;
  /** E.164 of the contact (resolved from a LID by the transport when WhatsApp gave only a LID). */
  phone: string;
  /** WhatsApp's id of the message: a redelivered message is stored once. */
  wa_message_id: string;
  text: string;
  media_type: InboundMediaType | null;
  received_at: string;
  /** Epoch seconds after which the store drops the message (the tenant's retention). */
  expires_at: number;
}

/**
 * A conversation: one contact with one session. Counts and times stay for good; `last_text` is a
 * message text and is shown only until `last_text_expires_at` (the retention of the message it came from).
 */
export interface Conversation {
  tenant_id: string;
  session_id: string;
  phone: string;
  name: string | null;
  last_inbound_at: string | null;
  last_outbound_at: string | null;
  last_activity_at: string;
  inbound_count: number;
  outbound_count: number;
  last_text: string | null;
  last_text_expires_at: number | null;
  /** The contact opted out (STOP, or an opt-out added through the API): never listed as unanswered. */
  opted_out: boolean;
  /** Listed by `GET /conversations`: the contact wrote, or we wrote to them directly (not only a bulk send). */
  listed: boolean;
  /** The latest bulk send (or scheduled run) that reached the contact: where a reply is attributed. */
  campaign_job_id: string | null;
  campaign_sent_at: string | null;
  campaign_quota_month: string | null;
}

/** A reply to a bulk send: the recipient gets `replied_at` and the job one more `replied_count`, once. */
export interface ReplyAttribution {
  job: JobRef;
  phone: string;
  at: string;
}

/**
 * The summary fields an inbound message sets (computed by core from the summary it read): `name` only
 * when the conversation has none; `last_text` only for the newest message; `opted_out` only to set it.
 */
export interface InboundSummaryUpdate {
  name: string | null;
  last_inbound_at: string;
  last_activity_at: string;
  last_text?: string;
  last_text_expires_at?: number;
  opted_out?: true;
}

export interface InboundRecord {
  message: InboundMessage;
  summary: InboundSummaryUpdate;
  reply: ReplyAttribution | null;
}

export type InboundResult = { stored: false } | { stored: true; replied: boolean };

/** One entry of a contact's message list, as the store keeps it (outbound ones point at their send). */
export type ConversationEntry =
  | { direction: "inbound"; at: string; session_id: string; message: InboundMessage }
  | {
      direction: "outbound";
      at: string;
      session_id: string;
      message_id: string;
      job: {
        id: string;
        origin: string;
        message_type: "text" | "media";
        message_content: string | null;
        media_url: string | null;
      } | null;
      recipient: { name: string | null; fields?: Record<string, string>; status: string; error: string | null; sent_at: string | null } | null;
    };

/**
 * Conversations: the inbound messages themselves (TTL = the tenant's retention), a summary per
 * (contact, session), and the time-ordered message list of a contact (inbound messages and the
 * message-id index entries of what was sent to them, so outbound texts are not copied).
 */
export interface ConversationRepo {
  /**
   * Stores inbound messages — at most one per conversation — in one transaction with their summary
   * updates and the days' `received` counts, each only if its WhatsApp message id was not stored before
   * (`stored: false` then: nothing of it is written). A record's `reply` also gives the bulk-send
   * recipient `replied_at` and its job one more `replied_count`, unless it replied before (then the
   * message is stored without them: `replied: false`). Results are in the order of `records`.
   */
  recordInbound(records: InboundRecord[]): Promise<InboundResult[]>;
  /** The summaries of these conversations that exist (one BatchGet). */
  getMany(tenantId: string, keys: { phone: string; session_id: string }[]): Promise<Conversation[]>;
  get(tenantId: string, phone: string, sessionId: string, consistent?: boolean): Promise<Conversation | undefined>;
  /** A contact's conversations (one per session). */
  ofPhone(tenantId: string, phone: string): Promise<Conversation[]>;
  /** Listed conversations, latest activity first; `keep` filters (the page is filled after filtering). */
  list(tenantId: string, page: PageRequest, keep: (c: Conversation) => boolean): Promise<Page<Conversation>>;
  /** Every listed conversation with activity at or after `sinceIso`, latest first (reports). */
  activeSince(tenantId: string, sinceIso: string): AsyncGenerator<Conversation>;
  /** A contact's messages in time order (`asc` or `desc`), both directions, every session unless `sessionId`. */
  messages(
    tenantId: string,
    phone: string,
    opts: { sessionId?: string; order: "asc" | "desc"; fromIso?: string; toIso?: string },
    page: PageRequest,
  ): Promise<Page<ConversationEntry>>;
  setOptedOut(tenantId: string, phone: string, optedOut: boolean): Promise<void>;
}

/** A 1:1 message as it was stored, for the nouns that read new messages (review collectors). */
export interface RecordedMessage {
  session_id: string;
  phone: string;
  /** The contact's name as the conversation now has it. */
  name: string | null;
  wa_message_id: string;
  text: string;
  received_at: string;
}

/**
 * "Messages recorded": what one batch of inbound 1:1 messages left behind, published by the recorder
 * once the messages are stored. Each noun that reacts to inbound messages subscribes in its own folder
 * (opt-outs, leads, review collectors); the composition registers them once (`@outreach/system` host).
 */
export interface MessagesRecorded {
  tenant_id: string;
  /** Stored messages that are not STOPs, in the order they were written. */
  messages: RecordedMessage[];
  /** Stored messages that were a bulk send's (or scheduled run's) reply, the first of each recipient. */
  replies: (RecordedMessage & { job_id: string })[];
  /**
   * Numbers that wrote STOP (stored now, or redelivered after a crash before the opt-out landed), with
   * the contact's name and the campaign the STOP answered (the reply rule: the last to reach them, within the window).
   */
  stops: { phone: string; name: string | null; campaign: JobRef | null }[];
  /** STOPs from senders that are not phone numbers, by the raw id the transport gave. */
  raw_stops: string[];
}

/** A subscriber to "messages recorded". Subscribers run in order; one that throws fails the call that recorded the batch. */
export type OnMessagesRecorded = (e: MessagesRecorded) => Promise<void>;
