import type { Report, ReportRun, ScheduledMessage, ScheduleRun } from "@outreach/core/port";
import { createAuthStore } from "./auth";
import type { Db } from "./db";
import { createExecutionStore } from "./executions";
import { createGroupStore } from "./groups";
import { createIdempotencyStore } from "./idempotency";
import { createJobStore } from "./jobs";
import { createOptOutStore } from "./optouts";
import { createRecipientStore } from "./recipients";
import { createSandboxStore } from "./sandbox";
import { createSessionStore } from "./sessions";
import { createTenantStore } from "./tenants";
import { createRunStore, createTimedStore, timersDue } from "./timed";

export { type AuthSealOptions, parseAuthStateKey } from "./auth-seal";
export { createDb, type Db } from "./db";
export { ensureTable } from "./ensure";
export { TTL_ATTRIBUTE, tableDefinition } from "./table";

/**
 * The one store implementation (DynamoDB, single table), used locally and on AWS. `authKey` encrypts
 * the WhatsApp auth state; `requireAuthKey` (AWS) refuses to run without it and refuses plaintext.
 */
export const createStore = (db: Db, opts: { authKey?: Buffer; requireAuthKey?: boolean } = {}) => ({
  tenants: createTenantStore(db),
  idempotency: createIdempotencyStore(db),
  groups: createGroupStore(db),
  sessions: createSessionStore(db),
  jobs: createJobStore(db),
  recipients: createRecipientStore(db),
  optouts: createOptOutStore(db),
  sandbox: createSandboxStore(db),
  auth: createAuthStore(db, { key: opts.authKey, requireKey: opts.requireAuthKey }),
  schedules: createTimedStore<ScheduledMessage>(db, "schedule"),
  scheduleRuns: createRunStore<ScheduleRun>(db, "SC"),
  reports: createTimedStore<Report>(db, "report"),
  reportRuns: createRunStore<ReportRun>(db, "RP"),
  executions: createExecutionStore(db),
  timers: { due: (beforeIso?: string) => timersDue(db, beforeIso) },
});

export type DynamoStore = ReturnType<typeof createStore>;
