import { chatIdOf } from "../e164";
import type { DomainEvent } from "../event";
import { iso } from "../port";
import { view } from "./job";
import type { Job } from "./port";

/**
 * What an outbound message came from: a bulk send (or a scheduled message's run) — `bulk_send_id` —
 * or `POST /messages/send` — `sent_message_id`, the id `GET /messages/{id}` knows.
 */
const source = (jobId: string) => (jobId.startsWith("msg_") ? { bulk_send_id: null, sent_message_id: jobId } : { bulk_send_id: jobId, sent_message_id: null });

/**
 * `message.sent`, `.delivered`, `.read`, `.failed`: MoltFlow's `session_id`, `chat_id`, `direction`
 * (and `message` where there is one), plus *(ours)* `message_id` (WhatsApp's, the same for all four),
 * `to` and where the message came from. `session_id` is known to the sender, not to receipts.
 */
export const messageEvent = (
  type: "message.sent" | "message.delivered" | "message.read" | "message.failed",
  m: { jobId: string; sessionId?: string; phone: string; messageId: string; at: number },
  extra: Record<string, unknown> = {},
): DomainEvent => ({
  type,
  key: m.messageId,
  at: iso(m.at),
  data: {
    ...(m.sessionId ? { session_id: m.sessionId } : {}),
    chat_id: chatIdOf(m.phone),
    to: m.phone,
    direction: "outbound",
    message_id: m.messageId,
    ...source(m.jobId),
    ...extra,
  },
});

/**
 * `bulk_send.completed` and `bulk_send.paused` (with `pause_reason`) for a bulk send that just got
 * there: the bulk send as the API shows it. Single messages and report deliveries are not bulk sends.
 * The key holds the planning epoch, so pausing again after a resume is a new event.
 */
export const jobEvent = (j: Job | undefined, at: number): DomainEvent[] => {
  if (!j || j.origin === "message" || j.origin === "report") return [];
  if (j.status !== "completed" && j.status !== "paused") return [];
  const type = j.status === "completed" ? "bulk_send.completed" : "bulk_send.paused";
  return [{ type, key: `${j.id}|${j.status}|${j.plan_epoch}`, at: iso(at), data: { bulk_send_id: j.id, ...view(j) } }];
};
