import { EVENT_TYPES } from "@outreach/core/event";
import * as Webhook from "@outreach/core/webhook";
import type { Env } from "../app/env";
import { idempotency } from "../app/idempotency";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { body, Deleted, errors, IdParam, json, Name, PageQuery } from "../schemas";

const WebhookSchema = z.object(Webhook.WebhookView.shape).openapi("Webhook");
const DeliverySchema = z.object(Webhook.DeliveryView.shape).openapi("WebhookDelivery");

const Url = z.string().trim().min(1).max(2048).openapi({ example: "https://example.com/hooks/outreach" });
/** Event names are checked by the domain (400 naming the known ones), so an unknown one is not a generic enum error. */
const Events = z
  .array(z.string().max(64))
  .min(1, "subscribe to at least one event")
  .max(EVENT_TYPES.length)
  .openapi({ description: `Any of: ${EVENT_TYPES.join(", ")}.`, example: ["message.received", "message.sent"] });
const Secret = z.string().min(16, "must be at least 16 characters").max(256);

const CreateBody = z.object({ name: Name, url: Url, events: Events, secret: Secret.optional() }).openapi("WebhookCreate");
const PatchBody = z
  .object({ name: Name.optional(), url: Url.optional(), events: Events.optional(), is_active: z.boolean().optional() })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Send at least one of name, url, events, is_active." })
  .openapi("WebhookPatch");
const DeliveryParams = IdParam.extend({
  delivery_id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "delivery_id", in: "path" } }),
});

const read = requireScope("webhooks:read");
const manage = requireScope("webhooks:manage");

/** MoltFlow's `/webhooks`, plus *(ours)* the delivery log and manual retries. */
export const webhookRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["Webhooks"];
  const forget = (c: { get(k: "deps"): { events?: { forget?(t: string): void } } }, tenantId: string) => c.get("deps").events?.forget?.(tenantId);

  return app
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags,
        summary: "List webhooks",
        middleware: [read],
        responses: { 200: json(z.object({ webhooks: z.array(WebhookSchema) }), "Webhooks"), ...errors },
      }),
      async (c) => c.json({ webhooks: await Webhook.list(c.get("deps"), c.get("tenantId")) }, 200),
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags,
        summary: "Create a webhook",
        description:
          "The URL must be public http(s) (no loopback, private or link-local addresses; checked again at every delivery; redirects are not followed). Without `secret` one is generated (`whsec_…`); either way it is returned only here.",
        middleware: [manage, idempotency()],
        request: body(CreateBody),
        responses: { 201: json(WebhookSchema.extend({ secret: z.string() }), "Created (with its secret, shown once)"), ...errors },
      }),
      async (c) => {
        const tenantId = c.get("tenantId");
        const created = await Webhook.create(c.get("deps"), tenantId, c.req.valid("json"));
        forget(c, tenantId);
        return c.json(created, 201);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}",
        tags,
        summary: "One webhook",
        description: "With *(ours)* `disabled_reason` when it was turned off (every attempt failed for 3 days, or the receiver answered `410 Gone`).",
        middleware: [read],
        request: { params: IdParam },
        responses: { 200: json(WebhookSchema, "Webhook"), ...errors },
      }),
      async (c) => c.json(await Webhook.get(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )
    .openapi(
      createRoute({
        method: "patch",
        path: "/{id}",
        tags,
        summary: "Change a webhook",
        description: "`is_active: true` turns a disabled webhook on again (and clears `disabled_reason`).",
        middleware: [manage],
        request: { params: IdParam, ...body(PatchBody) },
        responses: { 200: json(WebhookSchema, "Webhook"), ...errors },
      }),
      async (c) => {
        const tenantId = c.get("tenantId");
        const updated = await Webhook.update(c.get("deps"), tenantId, c.req.valid("param").id, c.req.valid("json"));
        forget(c, tenantId);
        return c.json(updated, 200);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}",
        tags,
        summary: "Delete a webhook (and its delivery log)",
        description: "Answers `200` `{ id, deleted: true }`; its delivery log goes with it.",
        middleware: [manage],
        request: { params: IdParam },
        responses: { 200: json(Deleted, "Deleted"), ...errors },
      }),
      async (c) => {
        const tenantId = c.get("tenantId");
        const { id } = c.req.valid("param");
        await Webhook.remove(c.get("deps"), tenantId, id);
        forget(c, tenantId);
        return c.json({ id, deleted: true as const }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/{id}/test",
        tags,
        summary: "Send a webhook.test delivery now",
        description: "One attempt, made during this request (up to 10 s), recorded in the delivery log and not retried. Answers with its outcome.",
        middleware: [manage],
        request: { params: IdParam },
        responses: {
          200: json(
            z.object({
              success: z.boolean(),
              status_code: z.number().int().nullable(),
              duration_ms: z.number().int().nullable(),
              error: z.string().nullable(),
              delivery: DeliverySchema,
            }),
            "The attempt's outcome",
          ),
          ...errors,
        },
      }),
      async (c) => c.json(await Webhook.test(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/deliveries",
        tags,
        summary: "The delivery log (newest first, kept 30 days)",
        description:
          "*(ours)* `{ deliveries }`, newest first, kept 30 days: `event_id`, `event`, `status` (`pending`, `delivered`, `failed`), `attempts`, `last_status_code`, `last_error`, `next_attempt_at`, `duration_ms`.",
        middleware: [read],
        request: { params: IdParam, query: PageQuery.extend({ status: z.enum(["pending", "delivered", "failed"]).optional() }) },
        responses: { 200: json(z.object({ deliveries: z.array(DeliverySchema), next_cursor: z.string().nullable() }), "Deliveries"), ...errors },
      }),
      async (c) => {
        const { status, ...page } = c.req.valid("query");
        return c.json(await Webhook.deliveries(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, status, page), 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/{id}/deliveries/{delivery_id}/retry",
        tags,
        summary: "Send a delivery again",
        description: "Queues one more attempt now, whatever the delivery's status; it is not followed by automatic retries.",
        middleware: [manage],
        request: { params: DeliveryParams },
        responses: { 202: json(DeliverySchema, "Queued"), ...errors },
      }),
      async (c) => {
        const { id, delivery_id } = c.req.valid("param");
        return c.json(await Webhook.retry(c.get("deps"), c.get("tenantId"), id, delivery_id), 202);
      },
    );
};
