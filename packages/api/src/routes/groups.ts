import * as Group from "@outreach/core/group";
import { stream } from "hono/streaming";
import type { Env } from "../app/env";
import { idempotency } from "../app/idempotency";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { body, Deleted, Description, errors, IdParam, json, Name, PageQuery, Phone } from "../schemas";
import { csvRow } from "./csv";

const GroupSchema = z.object(Group.GroupView.shape).openapi("CustomGroup");
const MemberSchema = z.object(Group.MemberView.shape).openapi("Member");
const FieldsIn = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((f) => Object.keys(f).length <= Group.MAX_FIELDS, { message: `at most ${Group.MAX_FIELDS} custom fields per contact` })
  .openapi({
    description:
      '(ours) Custom fields for templates, e.g. `{"city": "Campinas"}` → `{{fields.city}}` (and `{{city}}`). Keys are matched in lower case with `_` for spaces.',
  });
const ContactIn = z.object({ phone: Phone, name: z.string().max(255).nullish(), fields: FieldsIn.nullish() });
const Invalid = z.array(z.object({ phone: z.string(), reason: z.string() }));
const AddResult = z.object({ added: z.number().int(), duplicates: z.number().int(), invalid: Invalid }).openapi("AddMembersResult");

/** Request bodies, exported: the MCP tools validate with the same schemas. */
export const CreateGroupBody = z.object({ name: Name, description: Description.optional(), members: z.array(ContactIn).max(1000).optional() });
export const AddMembersBody = z.object({ contacts: z.array(ContactIn).max(1000, "at most 1,000 contacts per request") });
export const RemoveMembersBody = z
  .object({
    member_ids: z.array(z.string().max(100)).max(1000).optional().openapi({ description: "Members' `id`s (MoltFlow's clients send these)." }),
    phones: z.array(Phone).max(1000).optional(),
  })
  .refine((b) => (b.member_ids?.length ?? 0) + (b.phones?.length ?? 0) > 0, { message: "give member_ids, phones, or both", path: ["member_ids"] });

const read = requireScope("custom-groups:read");
const manage = requireScope("custom-groups:manage");

export const groupRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tag = ["Custom groups"];

  return app
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags: tag,
        summary: "List custom groups",
        middleware: [read],
        request: { query: PageQuery },
        responses: { 200: json(z.object({ groups: z.array(GroupSchema), next_cursor: z.string().nullable() }), "Groups"), ...errors },
      }),
      async (c) => {
        const p = await Group.list(c.get("deps"), c.get("tenantId"), c.req.valid("query"));
        return c.json({ groups: p.items, next_cursor: p.next_cursor }, 200);
      },
    )

    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags: tag,
        summary: "Create a custom group, optionally with members",
        middleware: [manage, idempotency()],
        request: body(CreateGroupBody),
        responses: {
          201: json(
            GroupSchema.extend({ added: z.number().int().optional(), duplicates: z.number().int().optional(), invalid: Invalid.optional() }),
            "Created",
          ),
          ...errors,
        },
      }),
      async (c) => c.json(await Group.create(c.get("deps"), c.get("tenantId"), c.req.valid("json")), 201),
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/contacts",
        tags: tag,
        summary: "Unique contacts across all sessions and groups",
        middleware: [read],
        request: { query: PageQuery },
        responses: {
          200: json(
            z.object({
              contacts: z.array(z.object(Group.ContactView.shape).openapi("Contact")),
              next_cursor: z.string().nullable(),
            }),
            "Contacts",
          ),
          ...errors,
        },
      }),
      async (c) => {
        const p = await Group.contacts(c.get("deps"), c.get("tenantId"), c.req.valid("query"));
        return c.json({ contacts: p.items, next_cursor: p.next_cursor }, 200);
      },
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/wa-groups",
        tags: tag,
        summary: "WhatsApp groups the tenant's sessions are in",
        middleware: [read],
        request: { query: PageQuery.extend({ session_id: z.string().max(100).optional() }) },
        responses: {
          200: json(
            z.object({
              wa_groups: z.array(z.object({ wa_group_id: z.string(), session_id: z.string(), name: z.string(), participant_count: z.number().int() })),
              next_cursor: z.string().nullable(),
            }),
            "WhatsApp groups",
          ),
          ...errors,
        },
      }),
      async (c) => {
        const { session_id, ...page } = c.req.valid("query");
        const p = await Group.waGroups(c.get("deps"), c.get("tenantId"), session_id, page);
        return c.json({ wa_groups: p.items, next_cursor: p.next_cursor }, 200);
      },
    )

    .openapi(
      createRoute({
        method: "post",
        path: "/from-wa-groups",
        tags: tag,
        summary: "Create a group from the participants of WhatsApp groups",
        middleware: [manage, idempotency()],
        request: {
          ...body(
            z.object({
              name: Name,
              wa_groups: z.array(z.object({ wa_group_id: z.string().min(1).max(200), session_id: z.string().min(1).max(100) })).max(50),
            }),
          ),
        },
        responses: {
          201: json(GroupSchema.extend({ imported: z.number().int(), skipped_without_phone: z.number().int() }), "Created"),
          ...errors,
        },
      }),
      async (c) => c.json(await Group.fromWaGroups(c.get("deps"), c.get("tenantId"), c.req.valid("json")), 201),
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/{id}",
        tags: tag,
        summary: "A group with the first page of its members",
        middleware: [read],
        request: { params: IdParam, query: PageQuery },
        responses: { 200: json(GroupSchema.extend({ members: z.array(MemberSchema), next_cursor: z.string().nullable() }), "Group"), ...errors },
      }),
      async (c) => c.json(await Group.detail(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("query")), 200),
    )

    .openapi(
      createRoute({
        method: "patch",
        path: "/{id}",
        tags: tag,
        summary: "Rename or describe a group",
        middleware: [manage],
        request: { params: IdParam, ...body(z.object({ name: Name.optional(), description: Description.optional() })) },
        responses: { 200: json(GroupSchema, "Updated"), ...errors },
      }),
      async (c) => c.json(await Group.update(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("json")), 200),
    )

    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}",
        tags: tag,
        summary: "Delete a group and its members",
        middleware: [manage],
        request: { params: IdParam },
        responses: { 200: json(Deleted, "Deleted"), ...errors },
      }),
      async (c) => {
        const id = c.req.valid("param").id;
        await Group.remove(c.get("deps"), c.get("tenantId"), id);
        return c.json({ id, deleted: true as const }, 200);
      },
    )

    .openapi(
      createRoute({
        method: "post",
        path: "/{id}/members/add",
        tags: tag,
        summary: "Add up to 1,000 contacts",
        middleware: [manage],
        request: { params: IdParam, ...body(AddMembersBody) },
        responses: { 200: json(AddResult, "Result"), ...errors },
      }),
      async (c) => c.json(await Group.addMembers(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("json").contacts), 200),
    )

    .openapi(
      createRoute({
        method: "post",
        path: "/{id}/members/remove",
        tags: tag,
        summary: "Remove members by member id, by phone, or both",
        middleware: [manage],
        request: { params: IdParam, ...body(RemoveMembersBody) },
        responses: { 200: json(z.object({ removed: z.number().int(), not_found: z.number().int() }), "Result"), ...errors },
      }),
      async (c) => {
        const b = c.req.valid("json");
        return c.json(await Group.removeMembers(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, b.phones ?? [], b.member_ids ?? []), 200);
      },
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/export/csv",
        tags: tag,
        summary: "Export members as CSV (streamed)",
        middleware: [read],
        request: { params: IdParam },
        responses: { 200: { content: { "text/csv": { schema: z.string() } }, description: "CSV" }, ...errors },
      }),
      async (c) => {
        const deps = c.get("deps");
        const group = await Group.get(deps, c.get("tenantId"), c.req.valid("param").id);
        c.header("Content-Type", "text/csv; charset=utf-8");
        c.header("Content-Disposition", `attachment; filename="${group.id}.csv"`);
        return stream(c, async (s) => {
          // Custom fields become columns after `added_at` (ours): a first pass learns their keys.
          const keys = new Set<string>();
          for await (const m of Group.members(deps, group.id)) for (const k of Object.keys(m.fields ?? {})) keys.add(k);
          const extra = [...keys].sort();
          await s.write(csvRow(["phone", "name", "added_at", ...extra]));
          let buf = "";
          for await (const m of Group.members(deps, group.id)) {
            buf += csvRow([m.phone, m.name ?? "", m.added_at, ...extra.map((k) => m.fields?.[k] ?? "")]);
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
        path: "/{id}/export/json",
        tags: tag,
        summary: "Export members as a JSON array (streamed)",
        middleware: [read],
        request: { params: IdParam },
        responses: { 200: json(z.array(MemberSchema), "Members"), ...errors },
      }),
      async (c) => {
        const deps = c.get("deps");
        const group = await Group.get(deps, c.get("tenantId"), c.req.valid("param").id);
        c.header("Content-Type", "application/json; charset=utf-8");
        return stream(c, async (s) => {
          let buf = "[";
          let first = true;
          for await (const m of Group.members(deps, group.id)) {
            buf += (first ? "" : ",") + JSON.stringify(Group.memberView(m));
            first = false;
            if (buf.length > 16_384) {
              await s.write(buf);
              buf = "";
            }
          }
          await s.write(`${buf}]`);
        }) as never;
      },
    );
};
