import * as z from "zod";
import { EVENT_TYPES } from "../event";

const Event = z.enum([...EVENT_TYPES, "webhook.test", "webhook.disabled"]);

/** A webhook as the API shows it (no secret: it is shown once, at creation). */
export const WebhookView = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  events: z.array(Event),
  is_active: z.boolean(),
  /** *(ours)* Why it was turned off: the receiver answered 410 Gone, or every delivery failed for 3 days. */
  disabled_reason: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type WebhookView = z.infer<typeof WebhookView>;

/** *(ours)* One event's delivery to one webhook: its attempts so far and what the last one got. */
export const DeliveryView = z.object({
  id: z.string(),
  webhook_id: z.string(),
  event_id: z.string(),
  event: Event,
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  duration_ms: z.number().int().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  delivered_at: z.string().nullable(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;
