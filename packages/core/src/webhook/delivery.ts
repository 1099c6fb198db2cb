import type { Uses } from "../deps";
import { idAt } from "../id";
import type { HandlerContext } from "../message/port";
import { isFetchError } from "../net";
import { iso } from "../port";
import type { WebhookDeliver } from "./messages";
import type { Delivery, Webhook } from "./port";
import { signatureHeaders } from "./sign";
import type { DeliveryView } from "./view";

/**
 * Seconds before attempt 2, 3, …: 1 min, 5 min, 15 min, 1 h, 3 h, then 6 h three times — 9 attempts
 * over ~22 h (each delay ±20 % jitter, so ~18–27 h in all). Beyond 15 minutes a message hops through
 * the queue (`not_before`).
 */
export const RETRY_DELAYS_S = [60, 300, 900, 3600, 10_800, 21_600, 21_600, 21_600] as const;
/** One attempt: connection, request and answer. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** At most this many attempts in flight per webhook, across every process. */
export const MAX_CONCURRENT = 10;
/** A webhook whose every attempt failed for this long is turned off. */
export const DISABLE_AFTER_MS = 3 * 24 * 3600_000;
/** A slot not released (its process died) frees itself after this. */
const SLOT_MS = ATTEMPT_TIMEOUT_MS + 20_000;
/** The longest delay SQS takes. */
const MAX_QUEUE_DELAY_S = 900;

type D = Uses<"webhooks", "clock" | "post" | "queue" | "webhookRetryDelaysS">;

export const deliveryView = (x: Delivery): DeliveryView => ({
  id: x.id,
  webhook_id: x.webhook_id,
  event_id: x.event_id,
  event: x.event,
  status: x.status,
  attempts: x.attempts,
  last_status_code: x.last_status_code,
  last_error: x.last_error,
  next_attempt_at: x.next_attempt_at,
  duration_ms: x.duration_ms,
  created_at: x.created_at,
  updated_at: x.updated_at,
  delivered_at: x.delivered_at,
});

const jitter = (seconds: number) => Math.round(seconds * (0.8 + Math.random() * 0.4));

/** Messages of one webhook that wait in this process for one of its slots; more go back to the queue. */
const LOCAL_WAITERS = 1000;
/** The longest a message waits here for a slot before it goes back to the queue (within the queue's visibility timeout). */
const LOCAL_WAIT_MS = 60_000;

/**
 * The `webhook.deliver` handler (one per process): waits (by hopping through the queue) until the
 * attempt is due, then takes one of the webhook's `MAX_CONCURRENT` delivery slots — first in this
 * process (a wait in line that holds no consumer slot), then in the store, where every process's
 * attempts are counted. A message that finds no slot goes back to the queue, delayed by about the
 * time the line ahead of it takes (from the webhook's recent attempt times), so it comes back once
 * instead of many times. While the receiver answers, the message gives its consumer slot back: a
 * slow receiver holds at most `MAX_CONCURRENT` attempts and nothing of anyone else's.
 */
export const createDelivery = (d: D) => {
  const lines = new Map<string, { active: number; waiting: (() => void)[]; avgMs: number }>();
  const lineOf = (id: string) => {
    const line = lines.get(id) ?? { active: 0, waiting: [], avgMs: 1000 };
    lines.set(id, line);
    return line;
  };
  const requeue = (m: WebhookDeliver) => {
    const line = lines.get(m.webhook_id);
    const ahead = line ? line.active + line.waiting.length : 0;
    const seconds = Math.min(MAX_QUEUE_DELAY_S, Math.max(2, Math.ceil((ahead * (line?.avgMs ?? 1000)) / MAX_CONCURRENT / 1000)));
    return d.queue.send("events", [{ body: { ...m, not_before: undefined }, delaySeconds: jitter(seconds) }]);
  };
  /** A place in this process's line for the webhook; false when the line is too long or the wait too long. */
  const enter = async (id: string, ctx?: HandlerContext) => {
    const line = lineOf(id);
    if (line.active < MAX_CONCURRENT) {
      line.active++;
      return true;
    }
    if (line.waiting.length >= LOCAL_WAITERS) return false;
    ctx?.waiting();
    let turn: () => void = () => {};
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        line.waiting.splice(line.waiting.indexOf(turn), 1);
        resolve(false);
      }, LOCAL_WAIT_MS);
      turn = () => {
        clearTimeout(timer);
        resolve(true);
      };
      line.waiting.push(turn);
    });
  };
  const leave = (id: string, tookMs: number | undefined) => {
    const line = lines.get(id);
    if (!line) return;
    if (tookMs !== undefined) line.avgMs = line.avgMs * 0.8 + tookMs * 0.2;
    const next = line.waiting.shift();
    if (next) return next(); // the slot passes on
    line.active--;
    if (line.active === 0) lines.delete(id);
  };

  return async (m: WebhookDeliver, ctx?: HandlerContext) => {
    const now = d.clock.now();
    if (m.not_before !== undefined && m.not_before > now + 1000) {
      await d.queue.send("events", [{ body: m, delaySeconds: Math.min(MAX_QUEUE_DELAY_S, Math.ceil((m.not_before - now) / 1000)) }]);
      return;
    }
    if (!(await enter(m.webhook_id, ctx))) return requeue(m);
    const started = d.clock.now();
    let took: number | undefined;
    try {
      const w = await d.store.webhooks.get(m.tenant_id, m.webhook_id, true);
      if (!w) return; // deleted: its log goes with it
      if (!w.is_active) return void (await attempt(d, w, m));
      if (!(await d.store.webhooks.acquire(m.tenant_id, w.id, m.delivery_id, d.clock.now() + SLOT_MS, MAX_CONCURRENT, d.clock.now()))) return await requeue(m);
      ctx?.waiting();
      try {
        await attempt(d, w, m);
        took = d.clock.now() - started;
      } finally {
        await d.store.webhooks.release(m.tenant_id, w.id, m.delivery_id);
      }
    } finally {
      leave(m.webhook_id, took);
    }
  };
};

/**
 * One attempt and its consequences: the outcome is recorded on the delivery; a failure schedules the
 * next attempt (unless it was the last, or a manual one); a 410 turns the webhook off at once, as does
 * failing continuously for `DISABLE_AFTER_MS`.
 */
export const attempt = async (d: D, w: Webhook, m: WebhookDeliver): Promise<{ delivery: Delivery }> => {
  const started = d.clock.now();
  let status: number | null = null;
  let error: string | null = null;
  let duration: number | null = null;
  if (!w.is_active) {
    error = `the webhook is disabled${w.disabled_reason ? `: ${w.disabled_reason}` : ""}`;
  } else if (!d.post) {
    error = "this process cannot make outbound requests";
  } else {
    try {
      const headers = {
        "content-type": "application/json",
        "x-webhook-event": m.event,
        "x-webhook-id": m.event_id,
        "x-webhook-delivery": m.delivery_id,
        ...signatureHeaders(w.secret, m.body, started),
      };
      const r = await d.post(w.url, { body: m.body, headers, timeoutMs: ATTEMPT_TIMEOUT_MS });
      status = r.status;
      duration = r.durationMs;
      if (status < 200 || status >= 300) error = status === 410 ? "the receiver answered 410 Gone" : `the receiver answered ${status}`;
    } catch (e) {
      duration = d.clock.now() - started;
      error = isFetchError(e) ? e.message : `the request failed (${(e as Error).message ?? "error"})`;
    }
  }
  const now = d.clock.now();
  let disabled: string | null = null;
  if (error === null) {
    if (w.failing_since) await d.store.webhooks.noteSuccess(w.tenant_id, w.id);
  } else if (w.is_active) {
    if (status === 410) disabled = "the receiver answered 410 Gone";
    else {
      const since = (await d.store.webhooks.noteFailure(w.tenant_id, w.id, iso(now))) ?? iso(now);
      if (now - Date.parse(since) >= DISABLE_AFTER_MS) disabled = `every delivery failed for 3 days (since ${since})`;
    }
    if (disabled) await disable(d, w, disabled, now);
  }
  const delays = d.webhookRetryDelaysS ?? RETRY_DELAYS_S;
  const delay = error !== null && !disabled && w.is_active && !m.manual ? delays[m.attempt - 1] : undefined;
  const nextAt = delay !== undefined ? now + jitter(delay) * 1000 : null;
  if (nextAt !== null) {
    await d.queue.send("events", [
      { body: { ...m, attempt: m.attempt + 1, not_before: nextAt }, delaySeconds: Math.min(MAX_QUEUE_DELAY_S, Math.ceil((nextAt - now) / 1000)) },
    ]);
  }
  const delivery: Delivery = {
    id: m.delivery_id,
    webhook_id: w.id,
    event_id: m.event_id,
    event: m.event as Delivery["event"],
    status: error === null ? "delivered" : nextAt !== null ? "pending" : "failed",
    attempts: m.attempt,
    last_status_code: status,
    last_error: error,
    next_attempt_at: nextAt !== null ? iso(nextAt) : null,
    duration_ms: duration,
    created_at: iso(started),
    updated_at: iso(now),
    delivered_at: error === null ? iso(now) : null,
    body: m.body,
  };
  await d.store.webhooks.deliveries.put(w.tenant_id, delivery);
  return { delivery };
};

/** Turns the webhook off and leaves a `webhook.disabled` notice in its delivery log. */
const disable = async (d: D, w: Webhook, reason: string, now: number) => {
  const at = iso(now);
  await d.store.webhooks.update(w.tenant_id, w.id, { is_active: false, disabled_reason: reason, disabled_at: at }, at);
  const id = idAt("dlv", now, `${w.id}|disabled`);
  await d.store.webhooks.deliveries.put(w.tenant_id, {
    id,
    webhook_id: w.id,
    event_id: "",
    event: "webhook.disabled",
    status: "failed",
    attempts: 0,
    last_status_code: null,
    last_error: reason,
    next_attempt_at: null,
    duration_ms: null,
    created_at: at,
    updated_at: at,
    delivered_at: null,
    body: "",
  });
};
