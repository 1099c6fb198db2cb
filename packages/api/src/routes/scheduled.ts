import { previewRuns, Scheduled, ScheduledMessageView, SchedulePreviewView, ScheduleRunView, WEEKDAYS } from "@outreach/core/schedule";
import type { Env } from "../app/env";
import { idempotency } from "../app/idempotency";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { actionRoute, body, Deleted, errors, IdParam, json, Name, PageQuery } from "../schemas";
import { MessageFields } from "./jobs";
import { TimingFields } from "./timing";

const Fields = {
  name: Name,
  session_id: z.string().min(1).max(100),
  custom_group_id: z.string().min(1).max(100),
  ...MessageFields,
  ...TimingFields,
};
/** The create body, exported: the MCP tools validate with the same schema. */
export const CreateScheduledBody = z.object(Fields);
const Run = z.object(ScheduleRunView.shape).openapi("ScheduleRun");
const Out = z.object(ScheduledMessageView.shape).openapi("ScheduledMessage");
const PatchBody = z.object(Fields).partial();
const Preview = z.object(SchedulePreviewView.shape).openapi("SchedulePreview");
const DAY = WEEKDAYS.join("|");
/** The timing fields of a create body as query parameters (days_of_week comma-separated), and how many runs. */
const PreviewQuery = z.object({
  schedule_type: TimingFields.schedule_type,
  timezone: z.string().min(1).max(64).default("UTC").openapi({ example: "Europe/Berlin" }),
  scheduled_time: z.string().max(64).optional().openapi({ example: "2026-02-15T09:00:00" }),
  cron_expression: z.string().max(200).optional().openapi({ example: "0 9 * * MON-FRI" }),
  time_of_day: z.string().max(5).optional().openapi({ example: "09:00" }),
  days_of_week: z
    .string()
    .max(27)
    .regex(new RegExp(`^(${DAY})(,(${DAY}))*$`), "comma-separated days: sun,mon,tue,wed,thu,fri,sat")
    .optional()
    .openapi({ example: "mon,thu" }),
  day_of_month: z.coerce.number().int().min(1).max(31).optional(),
  count: z.coerce.number().int().min(1).max(20).default(5).openapi({ description: "How many runs (1–20, default 5)." }),
});

const read = requireScope("scheduled:read");
const manage = requireScope("scheduled:manage");
/** A scheduled message sends at its run times: creating, changing or resuming one needs bulk-send:manage too. */
const manageSends = requireScope("scheduled:manage", "bulk-send:manage");

export const scheduledRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["Scheduled messages"];

  return app
    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags,
        summary: "Schedule a message to a custom group",
        middleware: [manageSends, idempotency()],
        request: body(CreateScheduledBody),
        responses: { 201: json(Out, "Created"), ...errors },
      }),
      async (c) => c.json(await Scheduled.create(c.get("deps"), c.get("tenantId"), c.req.valid("json")), 201),
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags,
        summary: "List scheduled messages",
        middleware: [read],
        request: { query: PageQuery },
        responses: { 200: json(z.object({ messages: z.array(Out), next_cursor: z.string().nullable() }), "Scheduled messages"), ...errors },
      }),
      async (c) => {
        const p = await Scheduled.list(c.get("deps"), c.get("tenantId"), c.req.valid("query"));
        return c.json({ messages: p.items, next_cursor: p.next_cursor }, 200);
      },
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/preview",
        tags,
        summary: "The next runs of a timing, before saving it (ours)",
        description:
          "The same recurrence rules that run schedules: the next `count` runs as instants and in the schedule's time zone. Refuses what creating would refuse (422).",
        middleware: [read],
        request: { query: PreviewQuery },
        responses: { 200: json(Preview, "The next runs"), ...errors },
      }),
      async (c) => {
        const { count, days_of_week, ...timing } = c.req.valid("query");
        const days = days_of_week ? (days_of_week.split(",") as (typeof WEEKDAYS)[number][]) : undefined;
        return c.json(previewRuns({ ...timing, days_of_week: days }, c.get("deps").clock.now(), count), 200);
      },
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/{id}",
        tags,
        summary: "A scheduled message with its latest executions",
        middleware: [read],
        request: { params: IdParam },
        responses: { 200: json(Out.extend({ executions: z.array(Run) }), "Scheduled message"), ...errors },
      }),
      async (c) => c.json(await Scheduled.get(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )

    .openapi(
      createRoute({
        method: "patch",
        path: "/{id}",
        tags,
        summary: "Change anything; the next run is recomputed",
        middleware: [manageSends],
        request: { params: IdParam, ...body(PatchBody) },
        responses: { 200: json(Out, "Updated"), 409: errors[404], ...errors },
      }),
      async (c) => c.json(await Scheduled.update(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("json")), 200),
    )

    .openapi(actionRoute("/{id}/pause", { tags, summary: "Pause a scheduled message", middleware: manage, out: Out, name: "Scheduled message" }), async (c) =>
      c.json(await Scheduled.pause(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )

    .openapi(
      actionRoute("/{id}/resume", { tags, summary: "Resume a scheduled message", middleware: manageSends, out: Out, name: "Scheduled message" }),
      async (c) => c.json(await Scheduled.resume(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )

    .openapi(actionRoute("/{id}/cancel", { tags, summary: "Cancel a scheduled message", middleware: manage, out: Out, name: "Scheduled message" }), async (c) =>
      c.json(await Scheduled.cancel(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )

    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}",
        tags,
        summary: "Delete a cancelled or completed scheduled message",
        middleware: [manage],
        request: { params: IdParam },
        responses: { 200: json(Deleted, "Deleted"), 409: errors[404], ...errors },
      }),
      async (c) => {
        const id = c.req.valid("param").id;
        await Scheduled.remove(c.get("deps"), c.get("tenantId"), id);
        return c.json({ id, deleted: true as const }, 200);
      },
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/history",
        tags,
        summary: "Executions, newest first",
        middleware: [read],
        request: { params: IdParam, query: PageQuery },
        responses: { 200: json(z.object({ executions: z.array(Run), next_cursor: z.string().nullable() }), "History"), ...errors },
      }),
      async (c) => {
        const p = await Scheduled.history(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("query"));
        return c.json({ executions: p.items, next_cursor: p.next_cursor }, 200);
      },
    );
};
