import type { Uses } from "../deps";
import { DomainError, invalid, notFound } from "../error";
import { EVENT_TYPES, type EventType, eventId, isEventType } from "../event";
import { looksLikeId } from "../id";
import { refuseForbiddenUrl } from "../net";
import type { Store } from "../port";
import { iso, type PageRequest } from "../port";
import { planLimitError, tenantPlan } from "../tenant";
import { attempt, deliveryView } from "./delivery";
import { deliveryId, type WebhookDeliver } from "./messages";
import type { DeliveryStatus, Webhook } from "./port";
import { generateSecret } from "./sign";
import type { WebhookView } from "./view";

export { ATTEMPT_TIMEOUT_MS, createDelivery, DISABLE_AFTER_MS, MAX_CONCURRENT, RETRY_DELAYS_S } from "./delivery";
export { createEmitter, payload } from "./emitter";
export { deliveryId, WebhookDeliver } from "./messages";
export * from "./port";
export { generateSecret, signatureHeaders } from "./sign";
export { DeliveryView, WebhookView } from "./view";

type D = Uses<"activity" | "tenants" | "webhooks", "clock" | "events" | "ids" | "net" | "post" | "queue">;

export const view = (w: Webhook): WebhookView => ({
  id: w.id,
  name: w.name,
  url: w.url,
  events: w.events,
  is_active: w.is_active,
  disabled_reason: w.disabled_reason,
  created_at: w.created_at,
  updated_at: w.updated_at,
});

/** 400 naming the known events when one is not. Duplicates are dropped. */
const checkEvents = (events: string[]): EventType[] => {
  const unknown = events.filter((e) => !isEventType(e));
  if (unknown.length > 0) {
    throw invalid("webhook.unknown_event", `Unknown event${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}. Known events: ${EVENT_TYPES.join(", ")}.`, {
      field: "events",
      known: EVENT_TYPES,
    });
  }
  return [...new Set(events as EventType[])];
};

/** The webhook or 404 (a malformed id is a 404 too, never a store error). */
const load = async (d: Pick<D, "store">, tenantId: string, id: string, consistent = false) => {
  const w = looksLikeId("whk", id) ? await d.store.webhooks.get(tenantId, id, consistent) : undefined;
  if (!w) throw notFound("webhook", id);
  return w;
};

export const create = async (d: D, tenantId: string, input: { name: string; url: string; events: string[]; secret?: string }) => {
  const events = checkEvents(input.events);
  refuseForbiddenUrl("url", input.url, d.net);
  const { tenant, plan } = await tenantPlan(d.store, tenantId);
  const now = iso(d.clock.now());
  const w: Webhook = {
    id: d.ids.next("whk"),
    tenant_id: tenantId,
    name: input.name,
    url: input.url,
    events,
    secret: input.secret ?? generateSecret(),
    is_active: true,
    disabled_reason: null,
    disabled_at: null,
    failing_since: null,
    created_at: now,
    updated_at: now,
  };
  if ((await d.store.webhooks.create(w, plan.webhooks)) === "limit") {
    throw planLimitError("plan.webhook_limit", "webhooks", plan.webhooks ?? 0, tenant.webhook_count ?? 0);
  }
  return { ...view(w), secret: w.secret };
};

export const list = async (d: Pick<D, "store">, tenantId: string) => (await d.store.webhooks.list(tenantId)).map(view);

export const get = async (d: Pick<D, "store">, tenantId: string, id: string) => view(await load(d, tenantId, id));

/** Changes what was given; turning a disabled webhook on again clears why it was off. */
export const update = async (d: D, tenantId: string, id: string, patch: { name?: string; url?: string; events?: string[]; is_active?: boolean }) => {
  await load(d, tenantId, id);
  const events = patch.events ? checkEvents(patch.events) : undefined;
  if (patch.url !== undefined) refuseForbiddenUrl("url", patch.url, d.net);
  const next = await d.store.webhooks.update(
    tenantId,
    id,
    {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(events ? { events } : {}),
      ...(patch.is_active === true ? { is_active: true, disabled_reason: null, disabled_at: null, failing_since: null } : {}),
      ...(patch.is_active === false ? { is_active: false, disabled_reason: null, disabled_at: iso(d.clock.now()) } : {}),
    },
    iso(d.clock.now()),
  );
  if (!next) throw notFound("webhook", id);
  return view(next);
};

/** Deletes the webhook; its delivery log goes afterwards (events queue). */
export const remove = async (d: D, tenantId: string, id: string) => {
  if (!looksLikeId("whk", id) || !(await d.store.webhooks.remove(tenantId, id))) throw notFound("webhook", id);
  await d.queue.send("events", [{ body: { type: "purge", kind: "webhook", tenant_id: tenantId, id } }]);
};

/**
 * `POST /webhooks/{id}/test`: one `webhook.test` delivery now, on the request (the one delivery that
 * is), recorded in the log like any other and not retried. Answers with its outcome.
 */
export const test = async (d: D, tenantId: string, id: string) => {
  const w = await load(d, tenantId, id, true);
  const at = iso(d.clock.now());
  const e = {
    type: "webhook.test" as const,
    key: `${id}|${d.ids.next("req")}`,
    at,
    data: { webhook_id: w.id, message: "This is a test delivery from Outreach." },
  };
  const evt = eventId(e);
  const m: WebhookDeliver = {
    type: "webhook.deliver",
    tenant_id: tenantId,
    webhook_id: w.id,
    delivery_id: deliveryId(w.id, evt, at),
    event_id: evt,
    event: e.type,
    body: JSON.stringify({ id: evt, event: e.type, timestamp: at, data: e.data }),
    attempt: 1,
    manual: true,
  };
  const outcome = await attempt(d, w, m);
  return {
    success: outcome.delivery.status === "delivered",
    status_code: outcome.delivery.last_status_code,
    duration_ms: outcome.delivery.duration_ms,
    error: outcome.delivery.last_error,
    delivery: deliveryView(outcome.delivery),
  };
};

export const deliveries = async (d: Pick<D, "store">, tenantId: string, id: string, status: DeliveryStatus | undefined, page: PageRequest) => {
  await load(d, tenantId, id);
  const res = await d.store.webhooks.deliveries.list(tenantId, id, status, page);
  return { deliveries: res.items.map(deliveryView), next_cursor: res.next_cursor };
};

/** Sends a delivery again now (whatever its status); one attempt, not followed by automatic retries. */
export const retry = async (d: D, tenantId: string, id: string, deliveryIdParam: string) => {
  const w = await load(d, tenantId, id, true);
  const dl = looksLikeId("dlv", deliveryIdParam) ? await d.store.webhooks.deliveries.get(tenantId, id, deliveryIdParam) : undefined;
  if (!dl) throw notFound("delivery", deliveryIdParam);
  if (!w.is_active) {
    throw new DomainError(
      "conflict",
      "webhook.disabled",
      `Webhook ${id} is disabled${w.disabled_reason ? ` (${w.disabled_reason})` : ""}; enable it with PATCH first.`,
    );
  }
  const now = iso(d.clock.now());
  const next = { ...dl, status: "pending" as const, next_attempt_at: now, updated_at: now };
  await d.store.webhooks.deliveries.put(tenantId, next);
  await d.queue.send("events", [
    {
      body: {
        type: "webhook.deliver",
        tenant_id: tenantId,
        webhook_id: id,
        delivery_id: dl.id,
        event_id: dl.event_id,
        event: dl.event,
        body: dl.body,
        attempt: dl.attempts + 1,
        manual: true,
      },
    },
  ]);
  return deliveryView(next);
};

/** A deleted webhook's deliveries, chunk by chunk: how many items went (0 when nothing is left). */
export const purgeLeftovers = async (d: { store: Pick<Store, "webhooks"> }, tenantId: string, id: string, max: number): Promise<number> =>
  d.store.webhooks.deliveries.purge(tenantId, id, max);
