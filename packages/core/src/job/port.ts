import type { WaitingReason } from "../pacing";
import type { Page, PageRequest } from "../port/page";
import type { SlotState } from "../session/port";

export interface SendWindow {
  start: string;
  end: string;
  timezone: string;
}

export type JobStatus = "pending" | "running" | "paused" | "completed" | "cancelled" | "failed";
export type RecipientStatus = "pending" | "sending" | "sent" | "delivered" | "read" | "failed" | "skipped" | "cancelled" | "unknown";

export interface JobCounts {
  total_recipients: number;
  pending_count: number;
  sent_count: number;
  delivered_count: number;
  read_count: number;
  failed_count: number;
  skipped_count: number;
  cancelled_count: number;
  unknown_count: number;
}

/** A bulk send as the store keeps it: MoltFlow's fields, its counters and its internal planning state. */
export interface Job extends JobCounts {
  id: string;
  tenant_id: string;
  session_id: string;
  /** Null for direct sends (a report delivered by WhatsApp). */
  custom_group_id: string | null;
  /**
   * Who created it: the API, a scheduled message, a report delivery or `POST /messages/send` (the last
   * two are not listed as bulk sends; a message's id is `msg_…`).
   */
  origin: "api" | "schedule" | "report" | "message";
  /** The campaign's name (ours): given at creation, or the scheduled message's name for its runs. */
  name?: string | null;
  direct_recipients?: { phone: string; name: string | null; fields?: Record<string, string> }[];
  message_type: "text" | "media";
  message_content: string | null;
  media_url: string | null;
  min_delay_seconds: number;
  max_delay_seconds: number;
  daily_limit: number | null;
  send_window: SendWindow | null;
  start_at: string | null;
  max_consecutive_failures: number;
  status: JobStatus;
  pause_reason: "user" | "failures" | "session" | "restricted" | null;
  /** Why WhatsApp restricted the session (pause_reason `restricted`), for a person. */
  pause_detail?: string | null;
  /** When WhatsApp says the restriction ends (ISO), where it does. */
  restricted_until?: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  scheduled_message_id: string | null;
  /** Internal: snapshot done, planning epoch and cursor, quota held, failures in a row. */
  snapshot_done: boolean;
  plan_epoch: number;
  plan_cursor: string | null;
  plan_done: boolean;
  quota_held: number;
  quota_month: string;
  consecutive_failures: number;
  snapshot_cursor?: string | null;
  snapshot_count?: number;
  snapshot_settled?: boolean;
  /** Epoch ms by which the job should have shown activity; past it (plus grace) its queued messages are presumed lost. */
  watch_at?: number;
  /** Epoch ms of the last claim that ended (sent, failed, unknown): a job still sending is not stalled. */
  progress_at?: number;
  /** The planning timeline of the current epoch (reset when the epoch changes). */
  plan_slots?: SlotState | null;
  /** Messages really sent per day (`yyyy-mm-dd` in the send window's zone, else UTC): `daily_limit` counts these. */
  sent_days?: Record<string, number>;
  /** The effective pacing under the session's policy (set at creation and by each planning pass). */
  pace?: { min_gap_seconds: number; per_message_ms: number };
  /** Why the next message waits beyond the job's own delay, and until when (cleared by the next send). */
  waiting_reason?: WaitingReason | null;
  next_send_at?: number | null;
  /** A message of `POST /messages/send` to a contact who wrote within 24 h (exempt from burst limits). */
  reply?: boolean;
  /** Recipients who replied within the tenant's reply window after their message (once each). */
  replied_count?: number;
  /** Recipients who wrote STOP in answer to this job (the reply rule), once each. */
  opted_out_count?: number;
  /** Epoch seconds when the store drops the item (messages sent with `POST /messages/send`: the tenant's retention). */
  ttl?: number;
}

export interface Recipient {
  phone: string;
  name: string | null;
  /** The member's custom fields at the snapshot (rendered into the template). */
  fields?: Record<string, string>;
  status: RecipientStatus;
  attempts: number;
  sent_at: string | null;
  error: string | null;
  message_id: string | null;
  lease_until?: number;
  /** When the contact first replied to this message (within the reply window). */
  replied_at?: string | null;
}

/** A recipient being sent: which job, which phone, and the process that claimed it. */
export interface SendingClaim {
  tenant_id: string;
  job_id: string;
  phone: string;
  claimed_by?: string;
}

export interface JobRef {
  tenant_id: string;
  id: string;
  quota_month: string;
}

/** Where a message id leads: enough to move its recipient without reading the job. */
export interface MessageRef {
  tenant_id: string;
  job_id: string;
  phone: string;
  quota_month: string;
}

export interface SentMessage {
  phone: string;
  messageId: string;
  /** Epoch ms the transport took it. */
  at: number;
  /** The day it counts on for the job's `daily_limit` (`yyyy-mm-dd` in the job's send-window zone; UTC without one). */
  day?: string;
  /** The recipient's name (kept on the conversation when it has none) and the start of the text sent. */
  name?: string | null;
  text?: string;
}

/**
 * Where sent messages show in conversations: their message-id index entries join the contact's
 * message list (kept for the tenant's retention, at least as long as receipts may come), and the
 * conversation summary counts them.
 */
export interface ConversationContext {
  session_id: string;
  origin: Job["origin"];
  retention_days: number;
}

/** One job's sent messages in a record of several jobs (`markSentMany`), with `markSent`'s options. */
export interface SentRecord {
  job: JobRef;
  sent: SentMessage[];
  sessionId?: string;
  conversation?: ConversationContext;
}

/** One job's recipients in a move of several jobs' receipts. */
export interface ReceiptBatch {
  job: JobRef;
  phones: Iterable<string>;
}

/** Recipients that moved, and those refused because they were no longer in the expected state. */
export interface Moved {
  moved: string[];
  refused: string[];
}

/** A job as the reconciler's list names it. */
export type ListedJob = { tenant_id: string; id: string; status: JobStatus; session_id: string; origin: Job["origin"] };

export interface JobRepo {
  /** "exists" when a job with this id was created before (deterministic ids of scheduled runs). */
  create(job: Job, reserve: number, limit: number | null): Promise<"ok" | "quota" | "exists">;
  get(tenantId: string, id: string, consistent?: boolean): Promise<Job | undefined>;
  list(tenantId: string, status: JobStatus | undefined, page: PageRequest, opts?: { excludeOrigins?: Job["origin"][] }): Promise<Page<Job>>;
  createdBetween(tenantId: string, fromId: string, toId: string): Promise<Job[]>;
  active(): Promise<ListedJob[]>;
  /**
   * The active jobs and the ended ones that still count pending recipients: every job that may hold a
   * claim (`sending`), as a cancel leaves the sends under way to be recorded.
   */
  listed(): Promise<ListedJob[]>;
  /**
   * A one-recipient job of `POST /messages/send`, running at once: the job, its recipient (`pending`)
   * and the month's reservation in one transaction ("exists" when the id was used before).
   */
  createMessage(job: Job, recipient: Recipient, limit: number | null): Promise<"ok" | "quota" | "exists">;
  /** Applies `set` only from one of `from` (and at `epoch` when given); undefined when the job was elsewhere. */
  transition(tenantId: string, id: string, from: JobStatus[], set: Partial<Job>, opts?: { epoch?: number; bumpEpoch?: boolean }): Promise<Job | undefined>;
  /** Completes a running job whose snapshot is settled and nothing is pending; undefined otherwise. */
  completeIfDrained(tenantId: string, id: string, at: string): Promise<Job | undefined>;
  /** Settles the snapshot once: the total written and the quota still held. */
  settleSnapshot(tenantId: string, id: string, set: Pick<Job, "total_recipients" | "quota_held">): Promise<Job | undefined>;
  /** Moves the planning cursor (only from `from`, at `epoch`) and records when the job is next expected to show activity. */
  /**
   * Moves the planning cursor forward, only from where this planner started (a redelivered plan message
   * is a no-op), with the epoch's timeline, the effective pace and why the job waits (null: it does not).
   */
  advanceCursor(
    tenantId: string,
    id: string,
    epoch: number,
    from: string | null,
    plan: {
      to: string | null;
      done: boolean;
      watchAt: number;
      slots?: SlotState;
      pace?: Job["pace"];
      waiting?: { reason: WaitingReason; at: number | null } | null;
    },
  ): Promise<boolean>;
  /** Says why a running job's next message waits and until when (the session's burst limit, daily cap or warm-up); null: it no longer waits. */
  setWaiting(tenantId: string, id: string, reason: WaitingReason | null, at: number | null): Promise<void>;
  releaseQuota(tenantId: string, month: string, n: number): Promise<void>;
  reserveQuota(tenantId: string, month: string, n: number, limit: number | null): Promise<boolean>;
}

/**
 * Recipients of a job. Every state change moves from one known state, with the job's counters and
 * the month's quota in the same transaction, so the counts always equal the recipients by state.
 */
export interface RecipientRepo {
  writeSnapshotChunk(job: JobRef, recipients: Recipient[], from: string | null, to: string, done: boolean): Promise<boolean>;
  get(jobId: string, phone: string): Promise<Recipient | undefined>;
  list(jobId: string, statuses: RecipientStatus[] | undefined, page: PageRequest): Promise<Page<Recipient>>;
  all(jobId: string): AsyncGenerator<Recipient>;
  withStatusAfter(jobId: string, status: RecipientStatus, cursor: string | null, max: number): Promise<Recipient[]>;
  /** `pending` → `sending`, only while the job runs at `epoch` and the number is not opted out. */
  claim(
    job: JobRef,
    phone: string,
    epoch: number,
    leaseUntil: number,
    messageId: string,
    claimant?: string,
  ): Promise<"claimed" | "job_inactive" | "opted_out" | "not_pending">;
  /**
   * `claim`'s first step alone: `pending` → `sending` with the lease; false when not pending. The
   * recipient must not be sent before `confirm` says `claimed`; a take never confirmed is released.
   */
  take(job: JobRef, phone: string, leaseUntil: number, messageId: string, claimant?: string): Promise<boolean>;
  /**
   * `claim`'s second step: a consistent read of the job (running at `epoch`) and of the opt-out list
   * after the take; a refusal undoes the take (back to `pending`, or `cancelled` in a cancelled job).
   */
  confirm(job: JobRef, phone: string, epoch: number, messageId: string): Promise<"claimed" | "job_inactive" | "opted_out">;
  /** A take that will not be confirmed: `sending` → `pending` as if never taken (attempt given back). */
  release(job: JobRef, phone: string, messageId: string): Promise<void>;
  /**
   * Recipients left `sending` whose claim lease ends before `before`, with who claimed them: in the
   * given jobs, or in every listed job (`JobRepo.listed`). Each job's recipients are read whole (a
   * claim is in no index), so callers name the jobs where a stuck claim is plausible. Claims an
   * earlier version listed in an index are answered wherever they are (as that version did).
   */
  sendingExpired(before: number, jobs?: { tenant_id: string; id: string }[]): Promise<SendingClaim[]>;
  /**
   * `sending` → `sent` with the message ids (so receipts find them) and the day's sent count; with
   * `sessionId`, also what the session really sent that day (its pacing policy's daily counts); with
   * `conversation`, the messages join their contacts' conversations in the same transaction.
   */
  markSent(job: JobRef, sent: SentMessage[], opts?: { sessionId?: string; conversation?: ConversationContext }): Promise<Moved>;
  /**
   * `markSent` for several jobs at once: their recipients share each transaction (each job's counters
   * once, each shared item — the month's usage, a session's day — once). Each record's moved and
   * refused phones, in order.
   */
  markSentMany(records: SentRecord[]): Promise<Moved[]>;
  /** `sending` → `pending` (to retry), `failed` or `unknown`, with the reason. */
  unclaim(job: JobRef, phone: string, to: "pending" | "failed" | "unknown", error: string): Promise<Moved>;
  markSkipped(job: JobRef, phone: string, reason: string): Promise<Moved>;
  cancelPending(job: JobRef, phones: string[]): Promise<Moved>;
  requeueFailed(job: JobRef, phones: string[]): Promise<Moved>;
  markDelivered(job: JobRef, phones: Iterable<string>): Promise<Moved>;
  /** `markDelivered` for several jobs in as few transactions as fit them; each batch's result, in order. */
  markDeliveredMany(batches: ReceiptBatch[]): Promise<Moved[]>;
  /** WhatsApp refused a message after the send resolved: `sent` → `failed` with the reason (its job's counts move with it). */
  markRejected(job: JobRef, phone: string, error: string): Promise<Moved>;
  markRead(job: JobRef, from: "sent" | "delivered", phones: Iterable<string>): Promise<Moved>;
  /** `markRead` for several jobs in as few transactions as fit them; each batch's result, in order. */
  markReadMany(from: "sent" | "delivered", batches: ReceiptBatch[]): Promise<Moved[]>;
  byMessageIds(messageIds: string[]): Promise<Map<string, MessageRef>>;
}
