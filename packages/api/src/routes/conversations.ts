import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import * as Conversation from "@outreach/core/conversation";
import type { Env } from "../app/env";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { errors, json, PageQuery, Phone } from "../schemas";

const ConversationSchema = z.object(Conversation.ConversationView.shape).openapi("Conversation");
const MessageSchema = z.object(Conversation.ConversationMessageView.shape).openapi("ConversationMessage");
const SessionFilter = z.string().min(1).max(100).optional().openapi({ description: "Only this session's conversation(s)." });
/** The query of `GET /conversations` (also the MCP tools' input). */
export const ConversationsQuery = PageQuery.extend({ session_id: SessionFilter, status: z.enum(Conversation.CONVERSATION_STATUSES).default("all") });
/** The query of `GET /conversations/{phone}/messages`. */
export const MessagesQuery = PageQuery.extend({ session_id: SessionFilter, order: z.enum(["asc", "desc"]).default("asc") });

const read = requireScope("messages:read");

/** Conversations *(ours)*: who wrote, who is waiting for an answer, and every message both ways. */
export const conversationRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["Conversations"];
  return app
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags,
        summary: "Conversations, latest activity first",
        description:
          "A conversation is one contact with one session; it is listed once the contact wrote, or once you wrote to them with " +
          "`POST /messages/send` (a bulk send alone does not list it, but its messages are counted and shown). `unanswered`: the " +
          "contact's message is the last one and they have not opted out; `answered`: ours is the last one.",
        middleware: [read],
        request: { query: ConversationsQuery },
        responses: { 200: json(z.object({ conversations: z.array(ConversationSchema), next_cursor: z.string().nullable() }), "Conversations"), ...errors },
      }),
      async (c) => {
        const { session_id, status, ...page } = c.req.valid("query");
        return c.json(await Conversation.list(c.get("deps"), c.get("tenantId"), { session_id, status }, page), 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{phone}/messages",
        tags,
        summary: "A contact's messages in time order, inbound and outbound",
        description:
          "What the contact wrote (kept for the tenant's retention, 90 days by default) and what was sent to them — bulk sends " +
          "(`job_id`), scheduled runs, report deliveries and `POST /messages/send` messages (`message_id`) — oldest first " +
          "(`order=desc`: newest first). 404 when there is no conversation with the number (with `session_id`, if given).",
        middleware: [read],
        request: {
          params: z.object({ phone: Phone.openapi({ param: { name: "phone", in: "path" } }) }),
          query: MessagesQuery,
        },
        responses: { 200: json(z.object({ messages: z.array(MessageSchema), next_cursor: z.string().nullable() }), "Messages"), ...errors },
      }),
      async (c) => {
        const { session_id, order, ...page } = c.req.valid("query");
        return c.json(await Conversation.messages(c.get("deps"), c.get("tenantId"), c.req.valid("param").phone, { session_id, order }, page), 200);
      },
    );
};
