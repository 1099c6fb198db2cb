import type { Job } from "@outreach/core/job";
import * as Jobs from "@outreach/core/job";
import type { Env } from "../app/env";
import { idempotency } from "../app/idempotency";
import { keyStream, StreamQuery, streamOrSnapshot, wantsStream } from "../app/key-stream";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { actionRoute, body, errors, IdParam, json, PageQuery } from "../schemas";

const HM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM (24 h)");
export const SendWindow = z.object({ start: HM, end: HM, timezone: z.string().min(1).max(64) });
const Delay = z.number().int().min(0).max(3600);

/** Message and pacing fields shared by bulk sends and scheduled messages. */
export const MessageFields = {
  message_type: z.enum(["text", "media"]).optional(),
  message_content: z.string().max(4096).nullish(),
  // Scheme, `localhost` and forbidden IP literals are core's rules (422 `request.forbidden_url`, naming the rule).
  media_url: z
    .string()
    .max(2048)
    .url()
    .openapi({
      description:
        "A public http(s) URL. Refused (422 `request.forbidden_url`): other schemes, `localhost`, loopback, private, link-local and other reserved IP addresses.",
    })
    .nullish(),
  min_delay_seconds: Delay.optional(),
  max_delay_seconds: Delay.optional(),
  daily_limit: z.number().int().min(1).max(100_000).nullish(),
  send_window: SendWindow.nullish(),
  max_consecutive_failures: z.number().int().min(1).max(10_000).optional(),
};

/** The create body, exported: the preview route and the MCP tools validate with the same schema. */
export const CreateBulkSendBody = z.object({
  name: z
    .string()
    .max(100)
    .nullish()
    .openapi({ description: "(ours) A name for the campaign, shown in lists, on its page, on report charts and in webhooks' data." }),
  session_id: z.string().min(1).max(100),
  custom_group_id: z.string().min(1).max(100),
  ...MessageFields,
  start_at: z.string().datetime({ offset: true }).nullish(),
});

/** The preview body: the create body plus which recipients to render (ours). */
export const PreviewBulkSendBody = CreateBulkSendBody.extend({
  sample_query: z.string().max(100).nullish().openapi({ description: "(ours) Render only recipients whose name, number or custom field contains this text." }),
  sample_offset: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .optional()
    .openapi({ description: "(ours) Start the sample at this recipient (0-based) among the matching ones; step by 1 to walk through them." }),
});

const STATUSES = Jobs.JOB_STATUSES;
const R_STATUSES = Jobs.PUBLIC_RECIPIENT_STATUSES;

const JobSchema = z.object(Jobs.BulkSendView.shape).openapi("BulkSend");
const RecipientSchema = z.object(Jobs.RecipientView.shape).openapi("Recipient");
const PreviewSchema = z.object(Jobs.BulkSendPreview.shape).openapi("BulkSendPreview");
const ProgressSchema = z.object({ ...Jobs.ProgressView.shape, job_id: z.string() }).openapi("BulkSendProgress");

const read = requireScope("bulk-send:read");
/** Recipients are contacts: reading them needs the groups' read scope as well. */
const readRecipients = requireScope("bulk-send:read", "custom-groups:read");
const manage = requireScope("bulk-send:manage");
/** A preview renders members' names and numbers: it needs the groups' read scope as well. */
const preview = requireScope("bulk-send:manage", "custom-groups:read");

/** MoltFlow's progress event plus our counts. */
export const progressEvent = Jobs.progress;

export const bulkRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["Bulk send"];

  return app
    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags,
        summary: "Create a bulk send to a custom group",
        middleware: [manage, idempotency()],
        request: body(CreateBulkSendBody),
        responses: { 201: json(JobSchema, "Created"), 409: errors[404], ...errors },
      }),
      async (c) => c.json(await Jobs.create(c.get("deps"), c.get("tenantId"), c.req.valid("json")), 201),
    )

    .openapi(
      createRoute({
        method: "post",
        path: "/preview",
        tags,
        summary: "What a bulk send would do, without creating it",
        description:
          "Takes the body of `POST /bulk-send` and answers, without sending or reserving anything: the recipients after opt-outs, " +
          "the first three rendered messages, the quota it would use and what would remain, the pacing, the estimated finish, and " +
          "`blocked_by` naming whatever would refuse the send (plan, quota, session, nobody to send to). The rendered messages show " +
          "members' names and numbers, so this needs `custom-groups:read` as well as `bulk-send:manage`.",
        middleware: [preview],
        request: body(PreviewBulkSendBody),
        responses: { 200: json(PreviewSchema, "Preview"), ...errors },
      }),
      async (c) => c.json(await Jobs.preview(c.get("deps"), c.get("tenantId"), c.req.valid("json")), 200),
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags,
        summary: "List bulk sends",
        middleware: [read],
        request: { query: PageQuery.extend({ status: z.enum(STATUSES).optional() }) },
        responses: { 200: json(z.object({ jobs: z.array(JobSchema), next_cursor: z.string().nullable() }), "Jobs"), ...errors },
      }),
      async (c) => {
        const { status, ...page } = c.req.valid("query");
        return c.json(await Jobs.list(c.get("deps"), c.get("tenantId"), status, page), 200);
      },
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/{id}",
        tags,
        summary: "A bulk send with counts and the first page of recipients",
        middleware: [readRecipients],
        request: { params: IdParam, query: PageQuery },
        responses: { 200: json(JobSchema.extend({ recipients: z.array(RecipientSchema), next_cursor: z.string().nullable() }), "Job"), ...errors },
      }),
      async (c) => c.json(await Jobs.detail(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("query")), 200),
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/recipients",
        tags,
        summary: "Per-recipient state",
        middleware: [readRecipients],
        request: { params: IdParam, query: PageQuery.extend({ status: z.enum(R_STATUSES).optional() }) },
        responses: { 200: json(z.object({ recipients: z.array(RecipientSchema), next_cursor: z.string().nullable() }), "Recipients"), ...errors },
      }),
      async (c) => {
        const { status, ...page } = c.req.valid("query");
        const { recipients, next_cursor } = await Jobs.recipients(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, status, page);
        return c.json({ recipients, next_cursor }, 200);
      },
    )

    .openapi(actionRoute("/{id}/pause", { tags, summary: "Stop sending until resumed", middleware: manage, out: JobSchema, name: "Job" }), async (c) =>
      c.json(await Jobs.pause(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )

    .openapi(actionRoute("/{id}/resume", { tags, summary: "Continue where it stopped", middleware: manage, out: JobSchema, name: "Job" }), async (c) =>
      c.json(await Jobs.resume(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )

    .openapi(
      actionRoute("/{id}/cancel", { tags, summary: "Stop for good; pending recipients become cancelled", middleware: manage, out: JobSchema, name: "Job" }),
      async (c) => c.json(await Jobs.cancel(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )

    .openapi(
      actionRoute("/{id}/retry-failed", { tags, summary: "Send again to failed recipients", middleware: manage, out: JobSchema, name: "Job" }),
      async (c) => c.json(await Jobs.retryFailed(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/progress",
        tags,
        summary: "Progress: a live Server-Sent Events stream, or one JSON snapshot",
        description:
          "With `Accept: text/event-stream` (browsers' EventSource, `curl -H`) or `?stream=true`: Server-Sent Events, one `data:` " +
          "event per change (and every 15 s), until the job is completed, cancelled or failed. A stream lasts at most 5 minutes " +
          "(reconnect to go on); a key may hold 5 streams at once (the 6th gets 429 with Retry-After). Any other request gets one " +
          "JSON snapshot with the same fields plus `job_id`, at once (MoltFlow's non-streaming clients).",
        middleware: [read],
        request: { params: IdParam, query: StreamQuery },
        responses: {
          200: streamOrSnapshot(ProgressSchema),
          ...errors,
        },
      }),
      async (c) => {
        const deps = c.get("deps");
        const tenantId = c.get("tenantId");
        const first = await Jobs.get(deps.store, tenantId, c.req.valid("param").id);
        if (!wantsStream(c, c.req.valid("query").stream)) return c.json({ job_id: first.id, ...progressEvent(first) }, 200);
        let job: Job = first;
        let reread = false;
        return (await keyStream(c, async () => {
          // The first event is the job as read above; then it is read again each second until it ends.
          if (reread) job = await Jobs.get(deps.store, tenantId, first.id, true).catch(() => job);
          reread = true;
          return { data: JSON.stringify(progressEvent(job)), last: Jobs.isFinal(job) };
        })) as never;
      },
    );
};
