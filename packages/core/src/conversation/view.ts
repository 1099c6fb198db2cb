import * as z from "zod";
import { INBOUND_MEDIA_TYPES } from "./port";

/** Public shapes of conversations and messages (allow-lists: internal fields of the records stay inside). */
export const CONVERSATION_STATUSES = ["unanswered", "answered", "all"] as const;
export const MESSAGE_STATUSES = ["queued", "sent", "delivered", "read", "failed", "skipped", "cancelled", "unknown"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const ConversationView = z.object({
  phone: z.string(),
  name: z.string().nullable(),
  session_id: z.string(),
  last_inbound_at: z.string().nullable(),
  last_outbound_at: z.string().nullable(),
  unanswered: z.boolean(),
  inbound_count: z.number().int(),
  outbound_count: z.number().int(),
  last_text: z.string().nullable(),
  opted_out: z.boolean(),
  /** *(ours)* The latest bulk send (or scheduled run) that reached the contact: the campaign a reply belongs to. */
  campaign_id: z.string().nullable(),
});
export type ConversationView = z.infer<typeof ConversationView>;

export const ConversationMessageView = z.object({
  /** WhatsApp's message id (inbound), or the one we chose for what we sent. */
  id: z.string(),
  direction: z.enum(["inbound", "outbound"]),
  session_id: z.string(),
  text: z.string().nullable(),
  media_type: z.enum([...INBOUND_MEDIA_TYPES]).nullable(),
  status: z.enum(MESSAGE_STATUSES).nullable(),
  job_id: z.string().nullable(),
  message_id: z.string().nullable(),
  timestamp: z.string(),
});
export type ConversationMessageView = z.infer<typeof ConversationMessageView>;

/** A message sent with `POST /messages/send`. */
export const SentMessageView = z.object({
  id: z.string(),
  session_id: z.string(),
  chat_id: z.string(),
  phone: z.string(),
  message: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  error: z.string().nullable(),
  /** The contact wrote within 24 h before it was created: exempt from burst limits. */
  reply: z.boolean(),
  created_at: z.string(),
  sent_at: z.string().nullable(),
});
export type SentMessageView = z.infer<typeof SentMessageView>;
