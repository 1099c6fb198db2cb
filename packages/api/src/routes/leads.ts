import * as Lead from "@outreach/core/lead";
import { stream } from "hono/streaming";
import type { Env } from "../app/env";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { body, errors, IdParam, json, PageQuery } from "../schemas";
import { csvRow } from "./csv";

const LeadSchema = z.object(Lead.LeadView.shape).openapi("Lead");
const Status = z.enum(Lead.LEAD_STATUSES);
const LeadIds = z.array(z.string().min(1).max(100)).min(1).max(Lead.BULK_MAX, `at most ${Lead.BULK_MAX} lead_ids per request`);
const Filter = z.object({
  status: Status.optional(),
  source_group_id: z.string().max(100).optional(),
  source: z.enum(Lead.LEAD_SOURCES).optional(),
});

const read = requireScope("leads:read");
const manage = requireScope("leads:manage");

const CSV_HEADER = "id,contact_phone,contact_name,status,source,source_group_id,keyword,job_id,session_id,created_at,updated_at\r\n";

/** MoltFlow's `/leads`: contacts who replied to a bulk send or matched a keyword in a monitored group. */
export const leadRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["Leads"];
  return app
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags,
        summary: "List leads, newest first",
        description: "`total` counts every lead of the filter (MoltFlow's clients read it); `status`, `source_group_id` and *(ours)* `source` filter.",
        middleware: [read],
        request: { query: PageQuery.extend(Filter.shape) },
        responses: {
          200: json(z.object({ leads: z.array(LeadSchema), total: z.number().int(), next_cursor: z.string().nullable() }), "Leads"),
          ...errors,
        },
      }),
      async (c) => {
        const { status, source_group_id, source, ...page } = c.req.valid("query");
        return c.json(await Lead.list(c.get("deps"), c.get("tenantId"), { status, source_group_id, source }, page), 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/export/csv",
        tags,
        summary: "Export leads as CSV (streamed)",
        description: "Every lead of the filter, newest first; cells a spreadsheet would run as formulas are prefixed with `'`.",
        middleware: [read],
        request: { query: Filter },
        responses: { 200: { content: { "text/csv": { schema: z.string() } }, description: "CSV" }, ...errors },
      }),
      async (c) => {
        const deps = c.get("deps");
        const tenantId = c.get("tenantId");
        const filter = c.req.valid("query");
        c.header("Content-Type", "text/csv; charset=utf-8");
        c.header("Content-Disposition", 'attachment; filename="leads.csv"');
        return stream(c, async (s) => {
          await s.write(CSV_HEADER);
          let buf = "";
          for await (const l of Lead.all(deps, tenantId, filter)) {
            buf += csvRow(
              [
                l.id,
                l.contact_phone,
                l.contact_name ?? "",
                l.status,
                l.source,
                l.source_group_id ?? "",
                l.keyword ?? "",
                l.job_id ?? "",
                l.session_id,
                l.created_at,
                l.updated_at,
              ],
              { trusted: [1] },
            );
            if (buf.length > 16_384) {
              await s.write(buf);
              buf = "";
            }
          }
          if (buf) await s.write(buf);
        }) as never;
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/export/json",
        tags,
        summary: "Export leads as a JSON array (streamed)",
        middleware: [read],
        request: { query: Filter },
        responses: { 200: json(z.array(LeadSchema), "Leads"), ...errors },
      }),
      async (c) => {
        const deps = c.get("deps");
        const tenantId = c.get("tenantId");
        const filter = c.req.valid("query");
        c.header("Content-Type", "application/json; charset=utf-8");
        return stream(c, async (s) => {
          let buf = "[";
          let first = true;
          for await (const l of Lead.all(deps, tenantId, filter)) {
            buf += (first ? "" : ",") + JSON.stringify(l);
            first = false;
            if (buf.length > 16_384) {
              await s.write(buf);
              buf = "";
            }
          }
          await s.write(`${buf}]`);
        }) as never;
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/bulk/status",
        tags,
        summary: "Set the status of many leads",
        description: "Unknown ids are listed in `not_found`; the others are moved (each move recorded with its time).",
        middleware: [manage],
        request: body(z.object({ lead_ids: LeadIds, status: Status }).openapi("LeadsBulkStatus")),
        responses: {
          200: json(z.object({ updated: z.number().int(), status: Status, not_found: z.array(z.string()) }), "Result"),
          ...errors,
        },
      }),
      async (c) => {
        const { lead_ids, status } = c.req.valid("json");
        return c.json(await Lead.bulkStatus(c.get("deps"), c.get("tenantId"), lead_ids, status), 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/bulk/add-to-group",
        tags,
        summary: "Add the leads' contacts to a custom group",
        description: "Like `POST /custom-groups/{id}/members/add`: existing members are not added twice (`duplicates`). Needs `custom-groups:manage` as well.",
        middleware: [manage, requireScope("custom-groups:manage")],
        request: body(z.object({ lead_ids: LeadIds, custom_group_id: z.string().min(1).max(100) }).openapi("LeadsAddToGroup")),
        responses: {
          200: json(
            z.object({
              custom_group_id: z.string(),
              added: z.number().int(),
              duplicates: z.number().int(),
              invalid: z.array(z.object({ phone: z.string(), reason: z.string() })),
              not_found: z.array(z.string()),
            }),
            "Result",
          ),
          ...errors,
        },
      }),
      async (c) => {
        const { lead_ids, custom_group_id } = c.req.valid("json");
        return c.json(await Lead.addToGroup(c.get("deps"), c.get("tenantId"), lead_ids, custom_group_id), 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}",
        tags,
        summary: "One lead, with its status history",
        description: "With *(ours)* `status_history`: every status it had, with its time.",
        middleware: [read],
        request: { params: IdParam },
        responses: { 200: json(LeadSchema, "Lead"), ...errors },
      }),
      async (c) => c.json(await Lead.get(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )
    .openapi(
      createRoute({
        method: "patch",
        path: "/{id}/status",
        tags,
        summary: "Move a lead in the pipeline",
        description: "`new` → `contacted` → `qualified` → `converted` | `lost`; any move is allowed and recorded with its time in `status_history`.",
        middleware: [manage],
        request: { params: IdParam, ...body(z.object({ status: Status }).openapi("LeadStatus")) },
        responses: { 200: json(LeadSchema, "Lead"), ...errors },
      }),
      async (c) => c.json(await Lead.setStatus(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("json").status), 200),
    );
};
