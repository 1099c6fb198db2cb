import type { PlanId } from "../plan";
import type {
  ApiKey,
  Contact,
  Execution,
  Group,
  Job,
  JobStatus,
  Member,
  OptOut,
  Recipient,
  RecipientStatus,
  Report,
  ReportRun,
  ScheduledMessage,
  ScheduleRun,
  ScheduleStatus,
  Session,
  Tenant,
  TimedRecord,
  Usage,
  WaGroupRecord,
} from "./records";
import type { SessionStatus } from "./transport";

/**
 * Repository ports. The one implementation is DynamoDB (`@outreach/aws/store`); these interfaces
 * are what domain code may rely on. Every method is safe under concurrency (conditional writes).
 */

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
export interface PageRequest {
  limit: number;
  cursor?: string;
  offset?: number;
}

type Item = Record<string, unknown>;
type Tx = unknown;

export interface TenantRepo {
  create(t: Tenant): Promise<void>;
  get(id: string): Promise<(Tenant & { group_count: number; report_count: number }) | undefined>;
  setPlan(id: string, plan: PlanId): Promise<void>;
  createKey(key: ApiKey, hash: string): Promise<void>;
  findKey(hash: string): Promise<ApiKey | undefined>;
  listKeys(tenantId: string): Promise<(ApiKey & { hash: string })[]>;
  revokeKey(hash: string, at: string): Promise<void>;
  hitRateLimit(keyId: string, windowStart: number, windowSeconds: number, limit: number): Promise<boolean>;
  usage(tenantId: string, month: string): Promise<Usage>;
}

export type IdempotencyRecord = { state: "in_progress"; request_hash: string } | { state: "done"; request_hash: string; status: number; body: string };

export interface IdempotencyRepo {
  claim(tenantId: string, key: string, requestHash: string, now: number): Promise<IdempotencyRecord | null>;
  complete(tenantId: string, key: string, status: number, body: string): Promise<void>;
  release(tenantId: string, key: string): Promise<void>;
}

export interface GroupRepo {
  create(tenantId: string, group: Group, limit: number | null): Promise<"ok" | "limit">;
  get(tenantId: string, id: string, consistent?: boolean): Promise<Group | undefined>;
  list(tenantId: string, page: PageRequest): Promise<Page<Group>>;
  update(tenantId: string, id: string, patch: { name?: string; description?: string | null }, now: string): Promise<Group | undefined>;
  delete(tenantId: string, id: string): Promise<boolean>;
  purgeMembers(groupId: string, max: number): Promise<number>;
  addMembers(
    tenantId: string,
    groupId: string,
    members: { phone: string; name: string | null }[],
    now: string,
  ): Promise<{ found: boolean; applied: number; rejected: number }>;
  removeMembers(tenantId: string, groupId: string, phones: string[], now: string): Promise<{ found: boolean; applied: number; rejected: number }>;
  listMembers(groupId: string, page: PageRequest): Promise<Page<Member>>;
  members(groupId: string): AsyncGenerator<Member>;
  membersAfter(groupId: string, afterPhone: string | null, max: number): Promise<Member[]>;
  countMembers(groupId: string): Promise<number>;
  listContacts(tenantId: string, page: PageRequest, liveGroupIds: Set<string>): Promise<Page<Contact>>;
  upsertSessionContacts(tenantId: string, sessionId: string, contacts: { phone: string; name?: string }[]): Promise<void>;
  putWaGroup(tenantId: string, g: WaGroupRecord): Promise<void>;
  getWaGroup(tenantId: string, sessionId: string, waGroupId: string): Promise<WaGroupRecord | undefined>;
  listWaGroups(tenantId: string, sessionId: string | undefined, page: PageRequest): Promise<Page<WaGroupRecord>>;
}

export interface SlotState {
  last_slot_at: number | null;
  slot_day: string | null;
  slot_day_count: number;
}

export interface SessionRepo {
  create(s: Session): Promise<void>;
  get(tenantId: string, id: string, consistent?: boolean): Promise<Session | undefined>;
  list(tenantId: string): Promise<Session[]>;
  all(): Promise<Session[]>;
  setDesired(tenantId: string, id: string, desired: Session["desired"], now: string): Promise<void>;
  setStatus(
    tenantId: string,
    id: string,
    patch: { status: SessionStatus; reason?: string | null; phone?: string; qr?: string | null; qr_png_data_url?: string | null; pairing_code?: string | null },
    now: string,
  ): Promise<boolean>;
  statusEvents(sessionId: string, fromIso: string, toIso: string): Promise<{ at: string; status: SessionStatus; reason: string | null }[]>;
  statusBefore(sessionId: string, beforeIso: string): Promise<{ at: string; status: SessionStatus; reason: string | null } | undefined>;
  delete(tenantId: string, id: string): Promise<boolean>;
  reserveSlots(tenantId: string, id: string, expected: SlotState, next: SlotState): Promise<boolean>;
  acquireLease(sessionId: string, owner: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(sessionId: string, owner: string): Promise<void>;
}

export interface JobRepo {
  /** "exists" when a job with this id was created before (deterministic ids of scheduled runs). */
  create(job: Job, reserve: number, limit: number | null): Promise<"ok" | "quota" | "exists">;
  get(tenantId: string, id: string, consistent?: boolean): Promise<Job | undefined>;
  list(tenantId: string, status: JobStatus | undefined, page: PageRequest, opts?: { excludeOrigin?: Job["origin"] }): Promise<Page<Job>>;
  createdBetween(tenantId: string, fromId: string, toId: string): Promise<Job[]>;
  active(): Promise<{ tenant_id: string; id: string; status: JobStatus; session_id: string }[]>;
  transition(
    tenantId: string,
    id: string,
    from: JobStatus[],
    set: Partial<Job>,
    opts?: { epoch?: number; bumpEpoch?: boolean; extraCondition?: string; extraValues?: Item },
  ): Promise<Job | undefined>;
  /** Moves the planning cursor (only from `from`, at `epoch`) and records when the job is next expected to show activity. */
  advanceCursor(tenantId: string, id: string, epoch: number, from: string | null, to: string | null, done: boolean, watchAt: number): Promise<boolean>;
  releaseQuota(tenantId: string, month: string, n: number): Promise<void>;
  reserveQuota(tenantId: string, month: string, n: number, limit: number | null): Promise<boolean>;
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

export interface RecipientRepo {
  /**
   * Moves recipients `from` → `to` with the job's counters and quota in the same transactions. A move's
   * `with` items go with its recipient; `extra` items join each transaction (given how many it moves).
   */
  move(
    job: JobRef,
    from: RecipientStatus[],
    to: RecipientStatus,
    moves: { phone: string; set?: Item; remove?: string[]; with?: Tx[] }[],
    extra?: Tx[] | ((moved: number) => Tx[]),
  ): Promise<{ moved: string[]; refused: string[] }>;
  writeSnapshotChunk(job: JobRef, recipients: Recipient[], from: string | null, to: string, done: boolean): Promise<boolean>;
  get(jobId: string, phone: string): Promise<Recipient | undefined>;
  list(
    jobId: string,
    status: RecipientStatus | undefined,
    page: PageRequest,
  ): Promise<
    Page<{ phone: string; name: string | null; status: Exclude<RecipientStatus, "sending">; attempts: number; sent_at: string | null; error: string | null }>
  >;
  all(jobId: string): AsyncGenerator<Recipient>;
  withStatusAfter(jobId: string, status: RecipientStatus, cursor: string | null, max: number): Promise<Recipient[]>;
  claim(job: JobRef, phone: string, epoch: number, leaseUntil: number, messageId: string): Promise<"claimed" | "job_inactive" | "opted_out" | "not_pending">;
  sendingExpired(before: number): Promise<{ tenant_id: string; job_id: string; phone: string }[]>;
  messageIndexPut(messageId: string, ref: MessageRef, ttlS: number): Tx;
  messageIndexGetMany(messageIds: string[]): Promise<Map<string, MessageRef>>;
  optedOut(tenantId: string, phones: string[]): Promise<Set<string>>;
}

export type ActivityCounts = Partial<Record<"sent" | "received" | "opt_outs", number>>;

export interface OptOutRepo {
  add(tenantId: string, o: OptOut): Promise<boolean>;
  remove(tenantId: string, phone: string): Promise<boolean>;
  list(tenantId: string, page: PageRequest): Promise<Page<OptOut>>;
  countActivity(tenantId: string, day: string, counts: ActivityCounts): Promise<void>;
  activityUpdate(tenantId: string, day: string, counts: ActivityCounts): Tx;
  activity(tenantId: string, fromDay: string, toDay: string): Promise<{ day: string; sent: number; received: number; opt_outs: number }[]>;
}

export interface TimedRepo<T extends TimedRecord> {
  create(r: T): Promise<void>;
  get(tenantId: string, id: string): Promise<T | undefined>;
  list(tenantId: string, page: PageRequest): Promise<Page<T>>;
  /** Replaces the record if it is still in one of `from` (and still due at `nextRunAt` when given). */
  replace(next: T, cond: { from: ScheduleStatus[]; nextRunAt?: string | null }): Promise<boolean>;
  delete(tenantId: string, id: string, from: ScheduleStatus[]): Promise<boolean>;
  /** Creates the record counted against the tenant's limit (`report_count` for reports), in one transaction. */
  createCounted(r: T, limit: number | null): Promise<"ok" | "limit">;
  deleteCounted(tenantId: string, id: string): Promise<boolean>;
}

export interface ExecutionRepo {
  put(e: Execution): Promise<boolean>;
  get(reportId: string, id: string): Promise<Execution | undefined>;
  list(reportId: string, page: PageRequest): Promise<Page<Execution>>;
}

export interface RunRepo<R extends { run_at: string }> {
  claim(parentId: string, run: R): Promise<{ first: boolean; run: R }>;
  update(parentId: string, runAt: string, patch: Partial<R>): Promise<void>;
  list(parentId: string, page: PageRequest): Promise<Page<R>>;
  latest(parentId: string, n: number): Promise<R[]>;
}

export interface TimerIndex {
  /** Active records with a next run before `beforeIso` (all when omitted). */
  due(beforeIso?: string): Promise<{ kind: "schedule" | "report"; tenant_id: string; id: string; next_run_at: string }[]>;
}

export interface Store {
  tenants: TenantRepo;
  idempotency: IdempotencyRepo;
  groups: GroupRepo;
  sessions: SessionRepo;
  jobs: JobRepo;
  recipients: RecipientRepo;
  optouts: OptOutRepo;
  schedules: TimedRepo<ScheduledMessage>;
  scheduleRuns: RunRepo<ScheduleRun>;
  reports: TimedRepo<Report>;
  reportRuns: RunRepo<ReportRun>;
  executions: ExecutionRepo;
  timers: TimerIndex;
}
