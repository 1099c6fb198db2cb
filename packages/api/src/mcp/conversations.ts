import * as Confirmation from "@outreach/core/confirmation";
import * as Conversation from "@outreach/core/conversation";
import * as z from "../openapi/z";
import { ConversationsQuery, MessagesQuery } from "../routes/conversations";
import { SendBody } from "../routes/messages";
import { Phone } from "../schemas";
import { ConfirmationToken, confirmed } from "./confirm";
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
      "Sends one text message to one person through a session, once (an opted-out number is refused). Uses one message of the month's quota; it really reaches the person, so answer only what they asked. Call it first without confirmation_token for a preview and a token, then again with the token. A message to a number that has not written in 24 h counts against this key's small daily allowance (agent_daily_new_contacts).",
    scopes: ["messages:manage"],
    destructive: true,
    input: SendBody.extend({ confirmation_token: ConfirmationToken }),
    run: (ctx, args) => {
      const { confirmation_token: _, ...input } = args;
      const { deps, tenantId } = ctx;
      return confirmed(ctx, "message_send", args, {
        preview: async () => {
          const to = await Conversation.recipientOfAsync(input);
          const reply = await Conversation.wroteRecently(deps, tenantId, input.session_id, to);
          const opted = (await deps.store.optouts.which(tenantId, [to])).has(to);
          return {
            to,
            session_id: input.session_id,
            message: input.message,
            reply,
            counts_against_daily_new_contacts: !reply,
            agent_daily_new_contacts: Confirmation.agentDailyNewContacts(ctx.key),
            blocked_by: opted ? [{ code: "contact.opted_out", message: `${to} opted out; no message is sent to this number.` }] : [],
          };
        },
        newId: () => deps.ids.next("msg"),
        act: async (id, replay) => {
          if (replay) return Conversation.sent(deps, tenantId, id);
          const to = await Conversation.recipientOfAsync(input);
          if (!(await Conversation.wroteRecently(deps, tenantId, input.session_id, to))) await Confirmation.takeNewContactAllowance(deps, ctx.key);
          return Conversation.send(deps, tenantId, input, { id });
        },
      });
    },
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
