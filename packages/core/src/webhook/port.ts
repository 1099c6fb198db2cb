import type { EventType } from "../event";
import type { Page, PageRequest } from "../port/page";

/** A tenant's subscription: where to POST which events, signed with `secret`. */
export interface Webhook {
  id: string;
  tenant_id: string;
  name: string;
  url: string;
  events: EventType[];
  /** Signs every delivery (HMAC-SHA256). Stored so it can sign; shown once, at creation. */
  secret: string;
  is_active: boolean;
  /** Why it was turned off (410 Gone, or failing for 3 days); null while active. */
  disabled_reason: string | null;
  disabled_at: string | null;
  /** Since when every attempt has failed (null after a success). */
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One event on its way to one webhook, with the exact body every attempt sends. */
export interface Delivery {
  id: string;
  webhook_id: string;
  event_id: string;
  event: EventType;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  duration_ms: number | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
  body: string;
}

export type WebhookPatch = Partial<Pick<Webhook, "name" | "url" | "events" | "is_active" | "disabled_reason" | "disabled_at" | "failing_since">>;

export interface WebhookRepo {
  /** Creates it unless the tenant already has `limit` webhooks (counted atomically). */
  create(w: Webhook, limit: number | null): Promise<"ok" | "limit">;
  get(tenantId: string, id: string, consistent?: boolean): Promise<Webhook | undefined>;
  /** All of a tenant's webhooks (a plan allows at most a few), oldest first. */
  list(tenantId: string): Promise<Webhook[]>;
  update(tenantId: string, id: string, patch: WebhookPatch, at: string): Promise<Webhook | undefined>;
  remove(tenantId: string, id: string): Promise<boolean>;
  /** Notes a failed attempt; returns since when it has been failing. */
  noteFailure(tenantId: string, id: string, at: string): Promise<string | undefined>;
  /** Notes a delivered attempt (clears `failing_since`, only when it was set). */
  noteSuccess(tenantId: string, id: string): Promise<void>;
  /** Takes one of the webhook's `max` delivery slots until `untilMs` (expired slots are freed first); false when all are taken. */
  acquire(tenantId: string, id: string, slot: string, untilMs: number, max: number, nowMs: number): Promise<boolean>;
  release(tenantId: string, id: string, slot: string): Promise<void>;
  deliveries: {
    /** Creates or updates the delivery record (every attempt writes its outcome). */
    put(tenantId: string, d: Delivery): Promise<void>;
    get(tenantId: string, webhookId: string, id: string): Promise<Delivery | undefined>;
    list(tenantId: string, webhookId: string, status: DeliveryStatus | undefined, page: PageRequest): Promise<Page<Delivery>>;
    /** Deletes up to `max` deliveries of a deleted webhook; returns how many. */
    purge(tenantId: string, webhookId: string, max: number): Promise<number>;
  };
}
