import type { Uses } from "../deps";
import { chatIdOf, loadNormalize } from "../e164";
import { conflict, DomainError, invalid, notFound, unprocessable } from "../error";
import { looksLikeId } from "../id";
import { jobRecord, WATCH_GRACE_MS } from "../job";
import type { SendMessage } from "../job/messages";
import type { Job, Recipient } from "../job/port";
import type { Normalize } from "../phone";
import { iso } from "../port";
import * as Session from "../session";
import { expiresAt, REPLY_EXEMPT_HOURS, settingsOf, tenantPlan } from "../tenant";
import type { MessageStatus, SentMessageView } from "./view";

/** What this module uses. */
type D = Uses<"activity" | "conversations" | "jobs" | "optouts" | "recipients" | "sessions" | "tenants", "clock" | "ids" | "log" | "queue">;

export interface SendInput {
  session_id: string;
  chat_id?: string | null;
  phone?: string | null;
  message: string;
}

/**
 * The pacing of one message sent with `POST /messages/send`: when it may go and its own gap to the
 * session's previous message. A single message has no campaign pace of its own (0); the session's
 * pacing policy (burst limit, floor, day caps, warm-up) is enforced by the sender at send time, for
 * every message of the session alike — except that a reply (the contact wrote within 24 h, `job.reply`)
 * is exempt from the burst limit and from running campaigns' gaps there. The one place where a
 * per-session rule specific to single messages would decide (or refuse, with a `DomainError`) before
 * the message is queued. Whatever it decides, the message is sent once only (the recipient claim), in
 * the session's lane, one message at a time.
 */
export const directPacing = async (_d: D, _session: Session.Session, m: { reply: boolean; now: number }): Promise<{ slotAt: number; minGapMs: number }> => ({
  slotAt: m.now,
  minGapMs: 0,
});

const CHAT_ID = /^(\d{5,20})@(c\.us|s\.whatsapp\.net)$/;

/** The recipient's E.164 from `chat_id` or `phone` (exactly one, or both naming the same number). */
export const recipientWith =
  (normalize: Normalize) =>
  (input: Pick<SendInput, "chat_id" | "phone">): string => {
    let fromChat: string | undefined;
    if (input.chat_id) {
      if (/@g\.us$/.test(input.chat_id))
        throw unprocessable("message.group_chat", "Sending to WhatsApp groups is not supported; use a person's chat_id or phone.");
      const m = CHAT_ID.exec(input.chat_id);
      const r = m ? normalize(`+${m[1]}`) : undefined;
      if (!r?.ok) throw invalid("chat_id.invalid", `chat_id must be a person's WhatsApp chat id, like 5511999999999@c.us.`);
      fromChat = r.e164;
    }
    let fromPhone: string | undefined;
    if (input.phone) {
      const r = normalize(input.phone);
      if (!r.ok) throw invalid("phone.invalid", `phone is not a valid phone number (${r.reason}).`);
      fromPhone = r.e164;
    }
    if (fromChat && fromPhone && fromChat !== fromPhone)
      throw unprocessable("message.recipient_mismatch", "chat_id and phone name different numbers; give one of them.");
    const to = fromChat ?? fromPhone;
    if (!to) throw unprocessable("request.missing_field", "Missing required field: chat_id or phone.", { fields: ["chat_id", "phone"] });
    return to;
  };

/** `recipientOf` with the phone tables loaded at the first call (`e164`). */
export const recipientOfAsync = async (input: Pick<SendInput, "chat_id" | "phone">) => recipientWith(await loadNormalize())(input);

/** What a recipient's state shows as a message's status (`pending`/`sending` have not gone out yet). */
export const messageStatus = (s: Recipient["status"]): MessageStatus => (s === "pending" || s === "sending" ? "queued" : s);

export const sentMessage = (job: Job, r: Pick<Recipient, "phone" | "status" | "error" | "sent_at">): SentMessageView => ({
  id: job.id,
  session_id: job.session_id,
  chat_id: chatIdOf(r.phone),
  phone: r.phone,
  message: job.message_content ?? "",
  status: messageStatus(r.status),
  error: r.error ?? null,
  reply: job.reply ?? false,
  created_at: job.created_at,
  sent_at: r.sent_at ?? null,
});

const quotaRefused = async (d: D, tenantId: string, month: string, limit: number | null) => {
  const usage = await d.store.tenants.quota(tenantId, month);
  const max = limit ?? 0;
  const used = usage.total_messages + usage.reserved_messages;
  return new DomainError("forbidden", "plan.monthly_limit", `This month's plan (${max} messages) is used up; the message was not sent.`, {
    limit: max,
    used,
    remaining: Math.max(0, max - used),
    required: 1,
  });
};

/**
 * `POST /messages/send`: one text message to one person, through the same path as every send — the
 * month's quota is reserved, an opted-out number is refused (403 `contact.opted_out`) and checked
 * again at the claim, the message goes through the session's lane once (a one-recipient job, `msg_…`,
 * whose recipient is claimed before it is sent; a crash between send and record ends `unknown`,
 * never sent twice). Answers at once with status `queued`; `GET /messages/{id}` follows it.
 */
/** Whether `phone` wrote to the session within the last 24 hours (a message to it is a reply). */
export const wroteRecently = async (d: D, tenantId: string, sessionId: string, phone: string) => {
  const conv = await d.store.conversations.get(tenantId, phone, sessionId);
  return !!conv?.last_inbound_at && d.clock.now() - Date.parse(conv.last_inbound_at) <= REPLY_EXEMPT_HOURS * 3_600_000;
};

export const send = async (d: D, tenantId: string, input: SendInput, opts: { id?: string } = {}): Promise<SentMessageView> => {
  const phone = await recipientOfAsync(input);
  const text = input.message;
  if (!text.trim()) throw unprocessable("request.missing_field", "message must not be empty.", { fields: ["message"] });
  const { tenant, plan } = await tenantPlan(d.store, tenantId);
  const session = await Session.get(d, tenantId, input.session_id, true);
  if (session.status !== "working")
    throw conflict("session.not_working", `Session ${session.id} is ${session.status}; it must be working to send.`, { status: session.status });
  if ((await d.store.optouts.which(tenantId, [phone])).has(phone))
    throw new DomainError("forbidden", "contact.opted_out", `${phone} opted out; no message is sent to this number.`, { phone });
  const now = d.clock.now();
  const conv = await d.store.conversations.get(tenantId, phone, session.id);
  const reply = !!conv?.last_inbound_at && now - Date.parse(conv.last_inbound_at) <= REPLY_EXEMPT_HOURS * 3_600_000;
  const pace = await directPacing(d, session, { reply, now });
  const job: Job = {
    ...jobRecord(
      {
        id: opts.id ?? d.ids.next("msg"),
        tenant_id: tenantId,
        session_id: session.id,
        custom_group_id: null,
        origin: "message",
        message_content: text,
        min_delay_seconds: 0,
        max_delay_seconds: 0,
        status: "running",
        started_at: iso(now),
        direct_recipients: [{ phone, name: null }],
        total_recipients: 1,
        pending_count: 1,
        quota_held: 1,
        snapshot_done: true,
        snapshot_settled: true,
        snapshot_count: 1,
        snapshot_cursor: phone,
        plan_done: true,
        // Past this, with nothing sent, the watchdog plans it again (its queued send was lost).
        watch_at: Math.max(now, pace.slotAt) + pace.minGapMs + WATCH_GRACE_MS,
      },
      now,
    ),
    reply,
    ttl: expiresAt(now, settingsOf(tenant).retention_days),
  };
  const recipient: Recipient = { phone, name: null, status: "pending", attempts: 0, sent_at: null, error: null, message_id: null };
  const created = await d.store.jobs.createMessage(job, recipient, plan.messages_per_month);
  if (created === "quota") throw await quotaRefused(d, tenantId, job.quota_month, plan.messages_per_month);
  const body: SendMessage = {
    type: "send",
    tenant_id: tenantId,
    job_id: job.id,
    session_id: session.id,
    phone,
    slot_at: pace.slotAt,
    epoch: job.plan_epoch,
    attempt: 1,
    min_gap_ms: pace.minGapMs,
    name: null,
  };
  // The job is stored: from here nothing may fail the request (a retry would send a second message).
  // If the queue cannot take the send now, the watchdog plans the job again after `watch_at`; the
  // refusal is logged at `error` (an AccessDenied here is a deployment missing a grant).
  await d.queue
    .send("sends", [{ body, delaySeconds: Math.max(0, Math.floor((pace.slotAt - now) / 1000) - 2) }])
    .catch((e: unknown) =>
      d.log?.error(
        { err: e, code: (e as { name?: string }).name, message_id: job.id, session_id: session.id },
        "message stored but not queued; the repair sweep plans it again after its watch time",
      ),
    );
  return sentMessage(job, recipient);
};

/** `GET /messages/{id}`: a message sent with `POST /messages/send`, with its current status. */
export const sent = async (d: D, tenantId: string, id: string) => {
  const job = looksLikeId("msg", id) ? await d.store.jobs.get(tenantId, id, true) : undefined;
  const phone = job?.direct_recipients?.[0]?.phone;
  if (job?.origin !== "message" || !phone) throw notFound("message", id);
  const r = await d.store.recipients.get(job.id, phone);
  return sentMessage(job, r ?? { phone, status: "unknown", error: null, sent_at: null });
};
