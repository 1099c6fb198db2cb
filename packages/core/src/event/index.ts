import { idAt } from "../id";

/**
 * What happened, told to the tenant's own systems (webhooks). MoltFlow's events first, then ours
 * (API.md "Round 2", **Webhooks**). `webhook.test` is only ever sent by `POST /webhooks/{id}/test`.
 */
export const EVENT_TYPES = [
  "message.received",
  "message.sent",
  "session.connected",
  "session.disconnected",
  "lead.detected",
  "group.message",
  "message.delivered",
  "message.read",
  "message.failed",
  "bulk_send.completed",
  "bulk_send.paused",
  "scheduled_message.run",
  "report.executed",
  "contact.opted_out",
] as const;
/** Subscribable events, and the two that are not: a test delivery and the notice that a webhook was turned off. */
export type EventType = (typeof EVENT_TYPES)[number] | "webhook.test" | "webhook.disabled";

export const isEventType = (v: string): v is (typeof EVENT_TYPES)[number] => (EVENT_TYPES as readonly string[]).includes(v);

/**
 * One event as its source reports it. `key` names the thing it is about (a message id, a job id and
 * its state): a source that reports the same change twice (a retried handler) gives the same key, so
 * the event keeps its id and receivers can deduplicate.
 */
export interface DomainEvent {
  type: EventType;
  key: string;
  /** When it happened (ISO). */
  at: string;
  /** The payload's `data`: public fields only, never internal keys or the tenant id. */
  data: Record<string, unknown>;
}

/** Where sources report events. Emitting never fails the change it reports (errors are logged). */
export interface Events {
  emit(tenantId: string, events: DomainEvent[]): Promise<void>;
  /** The tenant's subscriptions changed: read them again at the next event (this process). */
  forget?(tenantId: string): void;
}

/** The event's id: the same for the same (type, key, instant), sortable by time. */
export const eventId = (e: Pick<DomainEvent, "type" | "key" | "at">) => idAt("evt", Date.parse(e.at), `${e.type}|${e.key}`);
