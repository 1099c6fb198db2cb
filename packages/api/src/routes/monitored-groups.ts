import * as Monitor from "@outreach/core/monitor";
import type { Env } from "../app/env";
import { idempotency } from "../app/idempotency";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { body, Deleted, errors, IdParam, json, Name, PageQuery, QueryBool } from "../schemas";

const GroupSchema = z.object(Monitor.MonitoredGroupView.shape).openapi("MonitoredGroup");
const MessageSchema = z.object(Monitor.GroupMessageView.shape).openapi("GroupMessage");
const AvailableSchema = z.object(Monitor.AvailableGroupView.shape).openapi("AvailableWaGroup");

const Keywords = z
  .array(z.string().max(100))
  .max(100)
  .openapi({ example: ["price", "looking for", "价格"] });
/** Any string: an unknown mode (and `ai_prompt`, which needs a model this server does not have) gets a 422 naming the served ones. */
const Mode = z.string().min(1).max(50).openapi({
  description:
    '"first_message" (the default, MoltFlow\'s: a member\'s first message since monitoring began makes them a lead), "keywords" (a message matching monitor_keywords; "keyword" is read the same), "mentions" (a message that @-mentions the session\'s own number), "all" (every message stored; keyword matches make leads). "ai_prompt": 422 group.monitor_mode_unavailable (no model configured).',
  example: "first_message",
});
/** MoltFlow's settings: `auto_respond` + `response_template` act; the others are stored and echoed. */
const Extras = {
  auto_respond: z.boolean().optional(),
  auto_label_leads: z.boolean().optional(),
  monitor_prompt: z.string().max(4000).nullish(),
  response_template: z.string().max(4096).nullish(),
  lead_label_id: z.string().max(200).nullish(),
  webhook_url: z.string().max(2048).nullish(),
};
export const CreateMonitoredGroupBody = z
  .object({
    session_id: z.string().min(1).max(100),
    wa_group_id: z.string().min(1).max(200).openapi({ example: "120363012345678901@g.us" }),
    name: Name.optional(),
    monitor_mode: Mode.optional(),
    monitor_keywords: Keywords.optional(),
    is_active: z.boolean().optional(),
    ...Extras,
  })
  .openapi("MonitoredGroupCreate");
const PatchBody = z
  .object({ name: Name.optional(), monitor_mode: Mode.optional(), monitor_keywords: Keywords.optional(), is_active: z.boolean().optional(), ...Extras })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Send at least one field to change." })
  .openapi("MonitoredGroupPatch");
const SessionParam = z.object({
  session_id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "session_id", in: "path" } }),
});
const read = requireScope("groups:read");
const manage = requireScope("groups:manage");

/** MoltFlow's `/groups`: monitored WhatsApp groups (not the contact lists of `/custom-groups`). */
export const monitoredGroupRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["Monitored groups"];
  return app
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags,
        summary: "List monitored groups",
        description: "`{ groups, items, total }`: `items` repeats `groups` for MoltFlow's client, which reads `items`.",
        middleware: [read],
        responses: {
          200: json(z.object({ groups: z.array(GroupSchema), items: z.array(GroupSchema), total: z.number().int() }), "Monitored groups"),
          ...errors,
        },
      }),
      async (c) => c.json(await Monitor.list(c.get("deps"), c.get("tenantId")), 200),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/available/{session_id}",
        tags,
        summary: "The session's WhatsApp groups, and whether each is monitored",
        description: "Each of the session's WhatsApp groups (its group sync) with `monitored` and `monitored_group_id`.",
        middleware: [read],
        request: { params: SessionParam, query: PageQuery },
        responses: {
          200: json(
            z.object({ groups: z.array(AvailableSchema), items: z.array(AvailableSchema), total: z.number().int(), next_cursor: z.string().nullable() }),
            "WhatsApp groups",
          ),
          ...errors,
        },
      }),
      async (c) => c.json(await Monitor.available(c.get("deps"), c.get("tenantId"), c.req.valid("param").session_id, c.req.valid("query")), 200),
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags,
        summary: "Monitor a WhatsApp group",
        description:
          "The group must be one the session is in (`GET /groups/available/{session_id}`). Every message of the group is stored from now on. `monitor_mode` (default `first_message`) says which make the member a lead, once per member per group: `first_message` their first message, `keywords` a match of `monitor_keywords` (required then; case- and accent-insensitive, whole words; Chinese/Japanese/Korean/Thai keywords as substrings), `mentions` an @-mention of the session's own number. Members known only by a LID are stored, never leads. `auto_respond: true` with a `response_template` (`{{name}}`, `{{group_name}}`, `{{keyword}}`) answers each new lead once in a 1:1 chat from the session, through its pacing and the month's quota, never to an opted-out number; the lead shows `responded_at` and `response_message_id` (or `response_error`). Auto-respond needs the starter plan or above (`403 plan.feature_unavailable`). `auto_label_leads`, `monitor_prompt`, `lead_label_id`, `webhook_url` are stored and echoed. Plans: 2, 5, 20, 100 monitored groups (`403 plan.monitored_group_limit`).",
        middleware: [manage, idempotency()],
        request: body(CreateMonitoredGroupBody),
        responses: { 201: json(GroupSchema, "Monitored"), 409: errors[404], ...errors },
      }),
      async (c) => c.json(await Monitor.create(c.get("deps"), c.get("tenantId"), c.req.valid("json")), 201),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}",
        tags,
        summary: "One monitored group, with its counts",
        description: "Counts: `messages_processed`, `keyword_matches`, `matches_by_keyword`, `leads_detected`.",
        middleware: [read],
        request: { params: IdParam },
        responses: { 200: json(GroupSchema, "Monitored group"), ...errors },
      }),
      async (c) => c.json(await Monitor.get(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )
    .openapi(
      createRoute({
        method: "patch",
        path: "/{id}",
        tags,
        summary: "Change monitoring settings",
        description: "`is_active: false` pauses monitoring (nothing is stored while paused).",
        middleware: [manage],
        request: { params: IdParam, ...body(PatchBody) },
        responses: { 200: json(GroupSchema, "Monitored group"), ...errors },
      }),
      async (c) => c.json(await Monitor.update(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}",
        tags,
        summary: "Stop monitoring (its stored messages are deleted; leads stay)",
        description: "Answers `200` `{ id, deleted: true }`; the group's stored messages are removed through the events queue, its leads stay.",
        middleware: [manage],
        request: { params: IdParam },
        responses: { 200: json(Deleted, "Deleted"), ...errors },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        await Monitor.remove(c.get("deps"), c.get("tenantId"), id);
        return c.json({ id, deleted: true as const }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/messages",
        tags,
        summary: "Stored messages of a monitored group (ours)",
        description:
          "In time order (`order=desc`: newest first), within the tenant's retention; `matched=true`: only those that matched a keyword, with the keywords.",
        middleware: [read],
        request: { params: IdParam, query: PageQuery.extend({ matched: QueryBool.optional(), order: z.enum(["asc", "desc"]).default("asc") }) },
        responses: { 200: json(z.object({ messages: z.array(MessageSchema), next_cursor: z.string().nullable() }), "Messages"), ...errors },
      }),
      async (c) => {
        const { matched, order, ...page } = c.req.valid("query");
        return c.json(await Monitor.messages(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, { matched, order }, page), 200);
      },
    );
};
