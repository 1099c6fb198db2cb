import { z } from "@hono/zod-openapi";
import * as Conversation from "@outreach/core/conversation";
import { ConversationsQuery, MessagesQuery } from "../routes/conversations";
import { SendBody } from "../routes/messages";
import { Phone } from "../schemas";
import { type Tool, tool } from "./tool";

/** Conversations: who waits for an answer, what they wrote, and answering them. */
export const conversationTools: Tool[] = [
  tool({
    name: "conversations_unanswered",
    title: "Conversations waiting for an answer",
    description:
      "Lists the contacts whose last message is theirs and who have not opted out (latest first): who is waiting for an answer. Free: changes nothing.",
    scopes: ["messages:read"],
    readOnly: true,
    input: ConversationsQuery.omit({ status: true }),
    run: ({ deps, tenantId }, q) => Conversation.list(deps, tenantId, { session_id: q.session_id, status: "unanswered" }, q),
  }),
  tool({
    name: "conversations_read",
    title: "Read a conversation",
    description:
      "Shows one contact's messages in time order, what they wrote and what was sent to them (bulk sends, replies). Free: changes nothing; message texts may hold personal data.",
    scopes: ["messages:read"],
    readOnly: true,
    input: MessagesQuery.extend({ phone: Phone.describe("The contact's number, E.164.") }),
    run: ({ deps, tenantId }, { phone, session_id, order, ...page }) => Conversation.messages(deps, tenantId, phone, { session_id, order }, page),
  }),
  tool({
    name: "message_send",
    title: "Send one message (reply)",
    description:
      "Sends one text message to one person through a session, once (an opted-out number is refused). Uses one message of the month's quota; it really reaches the person, so answer only what they asked. A reply to someone who wrote within 24 h is not held by the session's burst limit.",
    scopes: ["messages:manage"],
    destructive: true,
    input: SendBody,
    run: ({ deps, tenantId }, input) => Conversation.send(deps, tenantId, input),
  }),
  tool({
    name: "message_status",
    title: "Status of a sent message",
    description: "Shows a message sent with message_send: queued, sent, delivered, read, failed, skipped or cancelled. Free: changes nothing.",
    scopes: ["messages:read"],
    readOnly: true,
    input: z.object({ message_id: z.string().min(1).max(100).describe("The message's id (msg_…).") }),
    run: ({ deps, tenantId }, { message_id }) => Conversation.sent(deps, tenantId, message_id),
  }),
];
