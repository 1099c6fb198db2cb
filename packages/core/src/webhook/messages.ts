import * as z from "zod/mini";
import { idAt } from "../id";

/**
 * One attempt to deliver one event to one webhook (events queue). `body` is the exact payload every
 * attempt sends; `not_before` carries a retry delay longer than the queue's 15 minutes (the message
 * hops until then). `manual`: a retry asked for through the API, which does not schedule more.
 */
export const WebhookDeliver = z.object({
  type: z.literal("webhook.deliver"),
  tenant_id: z.string(),
  webhook_id: z.string(),
  delivery_id: z.string(),
  event_id: z.string(),
  event: z.string(),
  body: z.string(),
  attempt: z.int().check(z.minimum(1)),
  not_before: z.optional(z.number()),
  manual: z.optional(z.boolean()),
});
export type WebhookDeliver = z.infer<typeof WebhookDeliver>;

/** The delivery of event `eventIdValue` to `webhookId`: one id whatever retries, sortable by the event's time. */
export const deliveryId = (webhookId: string, eventIdValue: string, at: string) => idAt("dlv", Date.parse(at), `${webhookId}|${eventIdValue}`);
