import { PacingPolicy } from "@outreach/core/pacing";
import * as Session from "@outreach/core/session";
import type { Env } from "../app/env";
import { idempotency } from "../app/idempotency";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { body, Deleted, errors, IdParam, json, Name, Phone } from "../schemas";

const SessionSchema = z.object(Session.SessionView.shape).openapi("Session");

const PatchBody = z
  .object({
    name: Name.optional(),
    pacing: z.object(PacingPolicy.shape).partial().strict().nullable().optional(),
  })
  .strict()
  .refine((b) => b.name !== undefined || b.pacing !== undefined, { message: "Send name, pacing, or both." })
  .openapi("SessionPatch");

const read = requireScope("sessions:read");
const manage = requireScope("sessions:manage");

export const sessionRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["Sessions"];

  return app
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags,
        summary: "List sessions",
        middleware: [read],
        responses: { 200: json(z.array(SessionSchema), "Sessions"), ...errors },
      }),
      async (c) => c.json(await Session.list(c.get("deps"), c.get("tenantId")), 200),
    )

    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags,
        summary: "Create and start a session",
        middleware: [manage, idempotency()],
        request: body(z.object({ name: Name })),
        responses: { 201: json(SessionSchema, "Created"), ...errors },
      }),
      async (c) => {
        const deps = c.get("deps");
        const s = await Session.create(deps, c.get("tenantId"), c.req.valid("json"), deps.config.transport);
        // A sandbox session hosted here connects at once: it is usable when this call returns.
        if (s.transport === "sandbox" && deps.startSession) {
          await deps.startSession(s.tenant_id, s.id);
          return c.json(Session.view(await Session.get(deps, s.tenant_id, s.id, true)), 201);
        }
        return c.json(Session.view(s), 201);
      },
    )

    .openapi(
      createRoute({
        method: "get",
        path: "/{id}",
        tags,
        summary: "One session",
        middleware: [read],
        request: { params: IdParam },
        responses: { 200: json(SessionSchema, "Session"), ...errors },
      }),
      async (c) => c.json(Session.view(await Session.get(c.get("deps"), c.get("tenantId"), c.req.valid("param").id)), 200),
    )

    .openapi(
      createRoute({
        method: "patch",
        path: "/{id}",
        tags,
        summary: "Rename a session or change its pacing policy",
        description:
          "*(ours)* `pacing` fields replace the session's current policy field by field; `pacing: null` restores the transport's " +
          "default (real numbers: at most 4 messages per 120 s, 20 s apart, warm-up for 14 days after pairing; sandbox: none). " +
          "Every job on the session sends within the policy: its effective gap is the stricter of its own delays and the policy. " +
          "The answer's `pacing_warnings` say what a policy without a safeguard risks.",
        middleware: [manage],
        request: { params: IdParam, ...body(PatchBody) },
        responses: { 200: json(SessionSchema, "Session"), ...errors },
      }),
      async (c) => c.json(await Session.update(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/qr",
        tags,
        summary: "Current pairing QR (while status is qr)",
        middleware: [read],
        request: { params: IdParam },
        responses: { 200: json(z.object({ qr: z.string(), png_data_url: z.string().nullable() }), "QR"), 409: errors[404], ...errors },
      }),
      async (c) => c.json(await Session.qr(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )

    .openapi(
      createRoute({
        method: "post",
        path: "/{id}/pairing-code",
        tags,
        summary: "Pair by phone number instead of QR",
        middleware: [manage],
        request: { params: IdParam, ...body(z.object({ phone: Phone })) },
        responses: { 200: json(z.object({ code: z.string() }), "Pairing code"), 409: errors[404], ...errors },
      }),
      async (c) => c.json(await Session.pairingCode(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("json").phone), 200),
    )

    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}",
        tags,
        summary: "Log out and delete",
        middleware: [manage],
        request: { params: IdParam },
        responses: { 200: json(Deleted, "Deleted"), ...errors },
      }),
      async (c) => {
        const id = c.req.valid("param").id;
        await Session.remove(c.get("deps"), c.get("tenantId"), id);
        return c.json({ id, deleted: true as const }, 200);
      },
    );
};
