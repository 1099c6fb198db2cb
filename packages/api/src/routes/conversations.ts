import * as Conversation from "@outreach/core/conversation";
import type { Env } from "../app/env";
import { keyStream, StreamQuery, streamOrSnapshot, wantsStream } from "../app/key-stream";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { errors, json, PageQuery, Phone } from "../schemas";

const ConversationSchema = z.object(Conversation.ConversationView.shape).openapi("Conversation");
const MessageSchema = z.object(Conversation.ConversationMessageView.shape).openapi("ConversationMessage");
const SessionFilter = z.string().min(1).max(100).optional().openapi({ description: "Only this session's conversation(s)." });
/** The query of `GET /conversations` (also the MCP tools' input). */
export const ConversationsQuery = PageQuery.extend({ session_id: SessionFilter, status: z.enum(Conversation.CONVERSATION_STATUSES).default("all") });
/** The query of `GET /conversations/{phone}/messages`. */
export const MessagesQuery = PageQuery.extend({ session_id: SessionFilter, order: z.enum(["asc", "desc"]).default("asc") });

const read = requireScope("messages:read");

const PulseSchema = z
  .object({
    latest_activity_at: z.string().nullable().openapi({ description: "The latest activity (a message either way) of any conversation." }),
    unanswered: z.number().int().openapi({ description: "Conversations waiting for an answer, counted up to 100." }),
    unanswered_capped: z.boolean().openapi({ description: "100 or more wait: `unanswered` stopped counting." }),
  })
  .openapi("InboxPulse");

/**
 * How often a changes stream looks at the inbox (one item read), and how often it counts the
 * unanswered again: after a change at most every 10 s (counting reads the conversation list until it
 * has 100 unanswered, which for a big inbox with few of them is the whole list), else each minute.
 */
const PULSE_MS = 2000;
const RECOUNT_AFTER_CHANGE_MS = 10_000;
const RECOUNT_MS = 60_000;

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
        path: "/changes",
        tags,
        summary: "Inbox changes: a live Server-Sent Events stream, or one JSON snapshot",
        description:
          "*(ours)* With `Accept: text/event-stream` or `?stream=true`: one `data:` event whenever a conversation has new activity " +
          "(looked at every 2 s) or the unanswered count moves (counted again within 10 s of a change; sent every 15 s anyway), so an inbox refreshes at once instead of polling. " +
          "A stream lasts at most 5 minutes (reconnect to go on) and counts against the key's 5 open streams (progress streams included; " +
          "the 6th gets 429 with Retry-After). Otherwise one JSON snapshot with the same fields.",
        middleware: [read],
        request: { query: StreamQuery },
        responses: {
          200: streamOrSnapshot(PulseSchema),
          ...errors,
        },
      }),
      async (c) => {
        const deps = c.get("deps");
        const tenantId = c.get("tenantId");
        if (!wantsStream(c, c.req.valid("query").stream)) return c.json(await Conversation.pulse(deps, tenantId), 200);
        let current: Conversation.InboxPulse | undefined;
        let countedAt = 0;
        let changed = false;
        return (await keyStream(
          c,
          async () => {
            // A new latest activity is sent at once; the unanswered count follows within 10 s.
            const latest = await Conversation.latestActivity(deps, tenantId);
            if (current && latest !== current.latest_activity_at) {
              changed = true;
              current = { ...current, latest_activity_at: latest };
            }
            const since = Date.now() - countedAt;
            if (!current || since >= RECOUNT_MS || (changed && since >= RECOUNT_AFTER_CHANGE_MS)) {
              current = await Conversation.pulse(deps, tenantId, latest);
              countedAt = Date.now();
              changed = false;
            }
            return { data: JSON.stringify(current) };
          },
          PULSE_MS,
        )) as never;
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
