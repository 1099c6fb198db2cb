import type { Uses } from "../deps";
import { type DomainEvent, type Events, eventId } from "../event";
import type { WebhookDeliver } from "./messages";
import { deliveryId } from "./messages";
import type { Webhook } from "./port";

/** What this module uses. */
type D = Uses<"webhooks", "clock" | "queue">;

/** A queue message holds at most 256 KB and carries the body escaped once more: longer texts are cut. */
const MAX_BODY = 96 * 1024;

/**
 * The payload every attempt sends: MoltFlow's `{event, timestamp, data}` plus *(ours)* `id`, unique
 * per event and the same on every retry. A `message` text that would not fit a queue message is cut
 * and marked `message_truncated: true`.
 */
export const payload = (e: DomainEvent) => {
  const body = JSON.stringify({ id: eventId(e), event: e.type, timestamp: e.at, data: e.data });
  const text = e.data.message;
  if (Buffer.byteLength(body) <= MAX_BODY || typeof text !== "string") return body;
  const over = Buffer.byteLength(body) - MAX_BODY;
  const cut = Buffer.from(text)
    .subarray(0, Math.max(0, Buffer.byteLength(text) - over - 64))
    .toString("utf8")
    .replace(/\uFFFD$/, "");
  return JSON.stringify({ id: eventId(e), event: e.type, timestamp: e.at, data: { ...e.data, message: cut, message_truncated: true } });
};

/** How long a process trusts its copy of a tenant's webhooks (a change elsewhere applies within it). */
export const SUBSCRIPTIONS_TTL_MS = 10_000;

/**
 * Where sources report events: for each event, one `webhook.deliver` message per active webhook of the
 * tenant subscribed to it, on the events queue. A tenant's webhooks are read once per
 * `SUBSCRIPTIONS_TTL_MS` per process, so a source with no subscriber pays nothing but a cache lookup.
 * Emitting never fails the change being reported: an error goes to `onError`.
 */
export const createEmitter = (d: D, onError: (err: unknown, tenantId: string, events: DomainEvent[]) => void): Events & { forget(tenantId: string): void } => {
  const cache = new Map<string, { until: number; hooks: Promise<Webhook[]> }>();
  const hooksOf = (tenantId: string) => {
    const now = d.clock.now();
    const hit = cache.get(tenantId);
    if (hit && hit.until > now) return hit.hooks;
    const hooks = d.store.webhooks.list(tenantId).then((ws) => ws.filter((w) => w.is_active));
    cache.set(tenantId, { until: now + SUBSCRIPTIONS_TTL_MS, hooks });
    hooks.catch(() => cache.delete(tenantId));
    if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
    return hooks;
  };
  return {
    async emit(tenantId, events) {
      try {
        const hooks = await hooksOf(tenantId);
        if (hooks.length === 0 || events.length === 0) return;
        const messages: { body: WebhookDeliver }[] = [];
        for (const e of events) {
          const to = hooks.filter((w) => w.events.includes(e.type));
          if (to.length === 0) continue;
          const evt = eventId(e);
          const body = payload(e);
          for (const w of to) {
            messages.push({
              body: {
                type: "webhook.deliver",
                tenant_id: tenantId,
                webhook_id: w.id,
                delivery_id: deliveryId(w.id, evt, e.at),
                event_id: evt,
                event: e.type,
                body,
                attempt: 1,
              },
            });
          }
        }
        if (messages.length > 0) await d.queue.send("events", messages);
      } catch (err) {
        onError(err, tenantId, events);
      }
    },
    forget: (tenantId) => void cache.delete(tenantId),
  };
};
