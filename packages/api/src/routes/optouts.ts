import * as OptOut from "@outreach/core/optout";
import type { Env } from "../app/env";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { body, errors, json, PageQuery, Phone } from "../schemas";

const OptOutSchema = z
  .object({
    phone: z.string(),
    source: z.enum(["api", "inbound"]),
    created_at: z.string(),
    name: z.string().nullable().openapi({ description: "*(ours)* The contact's name when they wrote STOP, if known." }),
    bulk_send_id: z.string().nullable().openapi({
      description: "*(ours)* The bulk send a STOP answered: the one whose message reached the contact last, within the reply window (the rule replies follow).",
    }),
  })
  .openapi("OptOut");

/** The list's query, exported: the MCP tool takes the same. */
export const OptOutQuery = PageQuery.extend({
  q: z
    .string()
    .max(100)
    .optional()
    .openapi({ description: "*(ours)* Only numbers containing these digits, or names containing this text (case-insensitive)." }),
  bulk_send_id: z.string().max(64).optional().openapi({ description: "*(ours)* Only the opt-outs that answered this bulk send." }),
});

/** The add body, exported: the MCP tools validate with the same schema. */
export const AddOptOutsBody = z.object({ phones: z.array(Phone).min(1).max(1000) });

/** Opt-outs belong to bulk sending: the bulk-send scopes govern them. */
export const optOutRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["Opt-outs"];
  return app
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags,
        summary: "List opted-out numbers",
        middleware: [requireScope("bulk-send:read")],
        description:
          "Newest numbers first as stored. `q` and `bulk_send_id` *(ours)* narrow the list; a page may then hold fewer than `limit`: follow `next_cursor`.",
        request: { query: OptOutQuery },
        responses: { 200: json(z.object({ opt_outs: z.array(OptOutSchema), next_cursor: z.string().nullable() }), "Opt-outs"), ...errors },
      }),
      async (c) => {
        const { q, bulk_send_id, ...page } = c.req.valid("query");
        const p = await OptOut.list(c.get("deps"), c.get("tenantId"), page, { q, bulk_send_id });
        return c.json({ opt_outs: p.items, next_cursor: p.next_cursor }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags,
        summary: "Add opted-out numbers",
        middleware: [requireScope("bulk-send:manage")],
        request: body(AddOptOutsBody),
        responses: {
          200: json(
            z.object({ added: z.number().int(), already_opted_out: z.number().int(), invalid: z.array(z.object({ phone: z.string(), reason: z.string() })) }),
            "Result",
          ),
          ...errors,
        },
      }),
      async (c) => c.json(await OptOut.add(c.get("deps"), c.get("tenantId"), c.req.valid("json").phones, "api"), 200),
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/{phone}",
        tags,
        summary: "Remove an opt-out",
        middleware: [requireScope("bulk-send:manage")],
        request: {
          params: z.object({
            phone: z
              .string()
              .max(64)
              .openapi({ param: { name: "phone", in: "path" } }),
          }),
        },
        responses: { 200: json(z.object({ phone: z.string(), deleted: z.literal(true) }), "Removed"), ...errors },
      }),
      async (c) => c.json(await OptOut.remove(c.get("deps"), c.get("tenantId"), c.req.valid("param").phone), 200),
    );
};
