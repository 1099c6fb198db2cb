/**
 * Every key format of the single table, and nothing else: callers name what they want
 * (`Keys.job(tenant, id)`), only this file knows how it is spelled. The README's key table lists the
 * same items. Tenant-scoped partitions (`T#<tenant>`) make cross-tenant queries impossible.
 */

/** The one global index: sparse lists that cut across partitions. */
export const INDEX = { name: "gsi1", pk: "gsi1pk", sk: "gsi1sk" } as const;
/** Key attributes of the table and of its index (stripped before an item leaves the store). */
export const KEY_ATTRIBUTES = ["pk", "sk", INDEX.pk, INDEX.sk] as const;

const T = (tenantId: string) => `T#${tenantId}`;
const k = (pk: string, sk: string) => ({ pk, sk });
/** The index attributes of an item listed under `list` at position `at`. */
const listed = (list: string, at: string) => ({ [INDEX.pk]: list, [INDEX.sk]: at });

/** Sort-key prefixes under a tenant's partition, for "all items of this type" queries. */
export const PREFIX = {
  group: "GROUP#",
  contact: "CONTACT#",
  waGroup: (sessionId?: string) => (sessionId ? `WAGROUP#${sessionId}#` : "WAGROUP#"),
  session: "SESSION#",
  job: "JOB#",
  optOut: "OPTOUT#",
  activity: "ACT#",
  /** A contact's conversations: `CONV#<phone>#` (one per session). */
  conversation: (phone?: string) => (phone ? `CONV#${phone}#` : "CONV#"),
  schedule: "SCHED#",
  report: "REPORT#",
  member: "M#",
  run: "RUN#",
  execution: "EX#",
  statusEvent: "EV#",
  auth: "AUTH#",
  webhook: "WEBHOOK#",
  delivery: "D#",
  monitor: "MON#",
  lead: "LEAD#",
  collector: "RCOL#",
  review: "REVIEW#",
  worker: "WORKER#",
  shard: "SHARD#",
} as const;

export const Keys = {
  tenantPartition: T,
  tenant: (tenantId: string) => k(T(tenantId), "TENANT"),
  apiKey: (hash: string) => k(`KEY#${hash}`, "KEY"),
  rateWindow: (keyId: string, windowStart: number) => k(`RL#${keyId}`, String(windowStart)),
  idempotency: (tenantId: string, key: string) => k(T(tenantId), `IDEM#${key}`),
  confirmation: (tenantId: string, tokenHash: string) => k(T(tenantId), `CONFIRM#${tokenHash}`),
  streamPartition: (keyId: string) => `SSE#${keyId}`,
  stream: (keyId: string, streamId: string) => k(`SSE#${keyId}`, streamId),
  usage: (tenantId: string, month: string) => k(T(tenantId), `USAGE#${month}`),
  activity: (tenantId: string, day: string) => k(T(tenantId), `${PREFIX.activity}${day}`),
  /** What one session of the tenant sent on a UTC day: part of the day's activity, after the day's own item in key order. */
  sessionActivity: (tenantId: string, day: string, sessionId: string) => k(T(tenantId), `${PREFIX.activity}${day}#S#${sessionId}`),

  group: (tenantId: string, id: string) => k(T(tenantId), `${PREFIX.group}${id}`),
  memberPartition: (groupId: string) => `G#${groupId}`,
  member: (groupId: string, phone: string) => k(`G#${groupId}`, `${PREFIX.member}${phone}`),
  contact: (tenantId: string, phone: string) => k(T(tenantId), `${PREFIX.contact}${phone}`),
  waGroup: (tenantId: string, sessionId: string, waGroupId: string) => k(T(tenantId), `${PREFIX.waGroup(sessionId)}${waGroupId}`),

  session: (tenantId: string, id: string) => k(T(tenantId), `${PREFIX.session}${id}`),
  sessionPartition: (sessionId: string) => `S#${sessionId}`,
  lease: (sessionId: string) => k(`S#${sessionId}`, "LEASE"),
  /** Where a session's day count was kept before issue 31 (read, never written, while such items live: TTL 8 days). */
  sessionDay: (sessionId: string, day: string) => k(`S#${sessionId}`, `DAY#${day}`),
  statusEvent: (sessionId: string, at: string, rand: string) => k(`S#${sessionId}`, `${PREFIX.statusEvent}${at}#${rand}`),
  authItem: (sessionId: string, name: string) => k(`S#${sessionId}`, `${PREFIX.auth}${name}`),

  job: (tenantId: string, id: string) => k(T(tenantId), `${PREFIX.job}${id}`),
  /** An active job's entry in the `ACTIVE_JOBS` list (`active-jobs.ts`); outside the `JOB#` and `ACT#` ranges. */
  activeJob: (tenantId: string, id: string) => k(T(tenantId), `ACTIVEJOB#${id}`),
  recipientPartition: (jobId: string) => `JOB#${jobId}`,
  recipient: (jobId: string, phone: string) => k(`JOB#${jobId}`, `R#${phone}`),
  message: (messageId: string) => k(`MSG#${messageId}`, "MSG"),
  messageIdOf: (pk: string) => pk.slice("MSG#".length),

  optOut: (tenantId: string, phone: string) => k(T(tenantId), `${PREFIX.optOut}${phone}`),

  /** The summary of one contact's conversation with one session. */
  conversation: (tenantId: string, phone: string, sessionId: string) => k(T(tenantId), `${PREFIX.conversation(phone)}${sessionId}`),
  /** One inbound message: its key is the dedupe (session, contact, WhatsApp message id). */
  inbound: (tenantId: string, phone: string, sessionId: string, waMessageId: string) => k(`CV#${tenantId}#${phone}`, `IN#${sessionId}#${waMessageId}`),

  webhook: (tenantId: string, id: string) => k(T(tenantId), `${PREFIX.webhook}${id}`),
  /** A webhook's delivery log (ids sort by the event's time). */
  deliveryPartition: (tenantId: string, webhookId: string) => `WD#${tenantId}#${webhookId}`,
  delivery: (tenantId: string, webhookId: string, id: string) => k(`WD#${tenantId}#${webhookId}`, `${PREFIX.delivery}${id}`),

  /** A monitored WhatsApp group, and the link from (session, WhatsApp group) to it (one monitored group per WhatsApp group). */
  monitor: (tenantId: string, id: string) => k(T(tenantId), `${PREFIX.monitor}${id}`),
  monitorLink: (tenantId: string, sessionId: string, waGroupId: string) => k(T(tenantId), `MONWA#${sessionId}#${waGroupId}`),
  /** A message stored from a monitored group: its key is the dedupe (group, WhatsApp message id). */
  groupMessagePartition: (tenantId: string, groupId: string) => `GM#${tenantId}#${groupId}`,
  groupMessage: (tenantId: string, groupId: string, waMessageId: string) => k(`GM#${tenantId}#${groupId}`, `IN#${waMessageId}`),

  lead: (tenantId: string, id: string) => k(T(tenantId), `${PREFIX.lead}${id}`),
  /** Once per contact per source: `bulk_send`, or the monitored group's id. */
  leadSource: (tenantId: string, phone: string, source: string) => k(T(tenantId), `LEADSRC#${phone}#${source}`),

  collector: (tenantId: string, id: string) => k(T(tenantId), `${PREFIX.collector}${id}`),
  /** Review ids are derived from (collector, message): the key is the dedupe. */
  review: (tenantId: string, id: string) => k(T(tenantId), `${PREFIX.review}${id}`),

  timed: (kind: "schedule" | "report", tenantId: string, id: string) => k(T(tenantId), `${PREFIX[kind]}${id}`),
  runPartition: (kind: "schedule" | "report", parentId: string) => `${kind === "schedule" ? "SC" : "RP"}#${parentId}`,
  run: (kind: "schedule" | "report", parentId: string, runAt: string) => k(`${kind === "schedule" ? "SC" : "RP"}#${parentId}`, `${PREFIX.run}${runAt}`),
  executionPartition: (reportId: string) => `RX#${reportId}`,
  execution: (reportId: string, id: string) => k(`RX#${reportId}`, `${PREFIX.execution}${id}`),

  /** The worker fleet: heartbeats (`WORKER#<id>`) and shard leases (`SHARD#<nn>`). */
  fleetPartition: "FLEET",
  worker: (workerId: string) => k("FLEET", `${PREFIX.worker}${workerId}`),
  shard: (shard: number) => k("FLEET", `${PREFIX.shard}${String(shard).padStart(2, "0")}`),

  sandboxPartition: "SANDBOX",
  sandboxMessage: (sentAt: string, seq: string | number) => k("SANDBOX", `${sentAt}#${seq}`),
} as const;

/** The index's sparse lists. */
export const Lists = {
  apiKeys: (tenantId: string) => `${T(tenantId)}#KEYS`,
  apiKey: (tenantId: string, keyId: string) => listed(`${T(tenantId)}#KEYS`, keyId),
  sessions: "SESSIONS",
  session: (tenantId: string, id: string) => listed("SESSIONS", `${tenantId}#${id}`),
  activeJobs: "ACTIVE_JOBS",
  activeJob: (id: string) => listed("ACTIVE_JOBS", id),
  /**
   * Recipients being sent, ordered by the end of their claim: where earlier versions listed a claim
   * (`<lease_until 15 digits>#<tenant>#<job>#<phone>`). Claims are no longer listed; recovery still
   * reads the list for claims such a version made.
   */
  sending: "SENDING",
  sendingAt: (leaseUntil: number) => String(leaseUntil).padStart(15, "0"),
  parseSending: (sk: string) => {
    const [, tenant_id, job_id, phone] = sk.split("#");
    return tenant_id && job_id && phone ? { tenant_id, job_id, phone } : undefined;
  },
  /** Listed conversations of a tenant, latest activity first (the summary's place; bulk-only contacts are not in it). */
  conversations: (tenantId: string) => `${T(tenantId)}#CONVS`,
  conversation: (tenantId: string, activityAt: string, phone: string, sessionId: string) =>
    listed(`${T(tenantId)}#CONVS`, `${activityAt}#${phone}#${sessionId}`),
  /** A contact's messages in time order: inbound messages and the message-id index entries of what was sent to them. */
  contactMessages: (tenantId: string, phone: string) => `CV#${tenantId}#${phone}`,
  contactMessage: (tenantId: string, phone: string, at: string, direction: "IN" | "OUT", sessionId: string, id: string) =>
    listed(`CV#${tenantId}#${phone}`, `${at}#${direction}#${sessionId}#${id}`),
  /** Bounds of a time range in a contact's message list (`hi` sorts after every entry of that instant). */
  contactMessageBound: (at: string, side: "lo" | "hi") => (side === "lo" ? at : `${at}#~`),
  /** A monitored group's stored messages in time order. */
  groupMessages: (tenantId: string, groupId: string) => `GM#${tenantId}#${groupId}`,
  groupMessage: (tenantId: string, groupId: string, at: string, waMessageId: string) => listed(`GM#${tenantId}#${groupId}`, `${at}#${waMessageId}`),
  /** A collector's reviews (for purging them with the collector). */
  collectorReviews: (tenantId: string, collectorId: string) => `RC#${tenantId}#${collectorId}`,
  collectorReview: (tenantId: string, collectorId: string, reviewId: string) => listed(`RC#${tenantId}#${collectorId}`, reviewId),
  /** Active schedules and reports with a next run, ordered by that instant. */
  timers: "TIMERS",
  timer: (kind: "schedule" | "report", tenantId: string, id: string, nextRunAt: string) => listed("TIMERS", `${nextRunAt}#${kind}#${tenantId}#${id}`),
  parseTimer: (sk: string) => {
    const [next_run_at, kind, tenant_id, id] = sk.split("#");
    return next_run_at && kind && tenant_id && id ? { next_run_at, kind: kind as "schedule" | "report", tenant_id, id } : undefined;
  },
} as const;
