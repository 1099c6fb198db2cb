import * as Report from "@outreach/core/report";
import { PERIODS, TEMPLATE_IDS } from "@outreach/core/report";
import type { Context } from "hono";
import type { Env } from "../app/env";
import { idempotency } from "../app/idempotency";
import { validationHook } from "../app/validation";
import { assertScopes, requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { actionRoute, body, Deleted, errors, IdParam, json, Name, PageQuery, Phone } from "../schemas";
import { TimingFields } from "./timing";

const Fields = {
  name: Name,
  template_id: z.enum(TEMPLATE_IDS).openapi({
    description: `One of ${TEMPLATE_IDS.join(", ")} (MoltFlow's ten).`,
  }),
  ...TimingFields,
  delivery_method: z.enum(["dashboard", "whatsapp"]).optional(),
  session_id: z.string().min(1).max(100).nullish(),
  recipient_phone: Phone.nullish(),
  period: z.enum(PERIODS).optional(),
  threshold_hours: z
    .number()
    .min(0)
    .max(720)
    .nullish()
    .openapi({ description: "unanswered_contacts: list contacts who have waited at least this many hours (default 4)." }),
};

/** The create body, exported: the MCP tools validate with the same schema. */
export const CreateReportBody = z.object(Fields);

/** *(ours)* Run a template once, without a report or schedule. */
export const RunOnceBody = z.object({
  template_id: Fields.template_id,
  period: z.enum(Report.ONCE_PERIODS).optional().openapi({ description: "The period ending now (default last_7_days)." }),
  threshold_hours: Fields.threshold_hours,
  timezone: z.string().min(1).max(64).nullish().openapi({ description: "IANA time zone for the summary's times (default UTC)." }),
});
const RunOnceOut = z
  .object({ ...Report.ExecutionView.omit({ report_id: true, delivery: true }).shape, html: z.string(), csv: z.string() })
  .openapi("ReportRunOnce");

const Out = z.object(Report.ReportView.shape).openapi("Report");
const ExecutionSchema = z.object(Report.ExecutionView.shape).openapi("ReportExecution");

const read = requireScope("reports:read");
/** A report delivered by WhatsApp sends a message: creating, changing, running or resuming one needs bulk-send:manage too. */
const sends = async (c: Context<Env>, id: string) => (await Report.get(c.get("deps"), c.get("tenantId"), id)).delivery_method === "whatsapp";
const manage = requireScope("reports:manage");

export const reportRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["Reports"];

  return app
    .openapi(
      createRoute({
        method: "get",
        path: "/templates",
        tags,
        summary: "Templates this system can generate",
        middleware: [read],
        responses: { 200: json(z.array(z.object({ id: z.string(), name: z.string(), description: z.string() })), "Templates"), ...errors },
      }),
      (c) => c.json(Report.TEMPLATES, 200),
    )

    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags,
        summary: "Create a scheduled report",
        middleware: [manage, idempotency()],
        request: body(CreateReportBody),
        responses: { 201: json(Out, "Created"), ...errors },
      }),
      async (c) => {
        const input = c.req.valid("json");
        if (input.delivery_method === "whatsapp") assertScopes(c.get("apiKey"), "reports:manage", "bulk-send:manage");
        return c.json(await Report.create(c.get("deps"), c.get("tenantId"), input), 201);
      },
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags,
        summary: "List reports",
        middleware: [read],
        request: { query: PageQuery },
        responses: { 200: json(z.object({ reports: z.array(Out), next_cursor: z.string().nullable() }), "Reports"), ...errors },
      }),
      async (c) => {
        const p = await Report.list(c.get("deps"), c.get("tenantId"), c.req.valid("query"));
        return c.json({ reports: p.items, next_cursor: p.next_cursor }, 200);
      },
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/{id}",
        tags,
        summary: "A report with its latest executions",
        middleware: [read],
        request: { params: IdParam },
        responses: { 200: json(Out.extend({ executions: z.array(ExecutionSchema) }), "Report"), ...errors },
      }),
      async (c) => c.json(await Report.get(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )

    .openapi(
      createRoute({
        method: "patch",
        path: "/{id}",
        tags,
        summary: "Change schedule or settings; the next run is recomputed",
        middleware: [manage],
        request: { params: IdParam, ...body(z.object(Fields).partial()) },
        responses: { 200: json(Out, "Updated"), 409: errors[404], ...errors },
      }),
      async (c) => {
        const patch = c.req.valid("json");
        if (patch.delivery_method === "whatsapp" || (await sends(c, c.req.valid("param").id)))
          assertScopes(c.get("apiKey"), "reports:manage", "bulk-send:manage");
        return c.json(await Report.update(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, patch), 200);
      },
    )

    .openapi(actionRoute("/{id}/pause", { tags, summary: "Pause a report", middleware: manage, out: Out, name: "Report" }), async (c) =>
      c.json(await Report.pause(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )

    .openapi(actionRoute("/{id}/resume", { tags, summary: "Resume a report", middleware: manage, out: Out, name: "Report" }), async (c) => {
      // Resuming a WhatsApp report lets it send again: the same rule as creating, changing and running it.
      if (await sends(c, c.req.valid("param").id)) assertScopes(c.get("apiKey"), "reports:manage", "bulk-send:manage");
      return c.json(await Report.resume(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200);
    })

    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}",
        tags,
        summary: "Delete a report",
        middleware: [manage],
        request: { params: IdParam },
        responses: { 200: json(Deleted, "Deleted"), ...errors },
      }),
      async (c) => {
        const id = c.req.valid("param").id;
        await Report.remove(c.get("deps"), c.get("tenantId"), id);
        return c.json({ id, deleted: true as const }, 200);
      },
    )

    .openapi(
      createRoute({
        method: "post",
        path: "/run",
        tags,
        summary: "(ours) Run a template once now, without a report or a schedule",
        description: "Nothing is stored, scheduled or delivered.",
        middleware: [manage],
        request: body(RunOnceBody),
        responses: { 200: json(RunOnceOut, "Result"), ...errors },
      }),
      async (c) => {
        const input = c.req.valid("json");
        const { report_id: _r, delivery: _d, ...exe } = await Report.runOnce(c.get("deps"), c.get("tenantId"), input);
        const full = { ...exe, report_id: "", delivery: { method: "dashboard" as const, status: "kept" as const, to: null, bulk_send_id: null, error: null } };
        return c.json({ ...exe, html: Report.toHtml(full, input.timezone ?? "UTC"), csv: Report.toCsv(full) }, 200);
      },
    )

    .openapi(
      createRoute({
        method: "post",
        path: "/{id}/run",
        tags,
        summary: "Generate one execution now",
        middleware: [manage],
        request: { params: IdParam },
        responses: { 201: json(ExecutionSchema, "Execution"), ...errors },
      }),
      async (c) => {
        if (await sends(c, c.req.valid("param").id)) assertScopes(c.get("apiKey"), "reports:manage", "bulk-send:manage");
        return c.json(await Report.runNow(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 201);
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
        responses: { 200: json(z.object({ executions: z.array(ExecutionSchema), next_cursor: z.string().nullable() }), "History"), ...errors },
      }),
      async (c) => {
        const p = await Report.history(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("query"));
        return c.json({ executions: p.items, next_cursor: p.next_cursor }, 200);
      },
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/history/{execution_id}",
        tags,
        summary: "One execution as JSON, CSV (?format=csv) or an HTML page with a chart (?format=html)",
        middleware: [read],
        request: {
          params: IdParam.extend({
            execution_id: z
              .string()
              .min(1)
              .max(100)
              .openapi({ param: { name: "execution_id", in: "path" } }),
          }),
          query: z.object({ format: z.enum(["json", "csv", "html"]).default("json") }),
        },
        responses: {
          200: {
            description: "Execution",
            content: { "application/json": { schema: ExecutionSchema }, "text/csv": { schema: z.string() }, "text/html": { schema: z.string() } },
          },
          ...errors,
        },
      }),
      async (c) => {
        const { id, execution_id } = c.req.valid("param");
        const { report, execution } = await Report.execution(c.get("deps"), c.get("tenantId"), id, execution_id);
        const format = c.req.valid("query").format;
        if (format === "csv") {
          c.header("Content-Disposition", `attachment; filename="${execution.id}.csv"`);
          return c.body(Report.toCsv(execution), 200, { "Content-Type": "text/csv; charset=utf-8" }) as never;
        }
        if (format === "html") return c.html(Report.toHtml(execution, report.timezone)) as never;
        return c.json(execution, 200);
      },
    );
};
