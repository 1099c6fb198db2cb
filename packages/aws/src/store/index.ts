import type { Store } from "@outreach/core/port";
import type { Report, ReportRun } from "@outreach/core/report";
import type { ScheduledMessage, ScheduleRun } from "@outreach/core/schedule";
import { createActivityStore } from "./activity";
import { createAuthStore } from "./auth";
import { createConfirmationStore } from "./confirmations";
import { createContactStore, createWaGroupStore } from "./contacts";
import { createConversationStore } from "./conversations";
import type { Db } from "./db";
import { createExecutionStore } from "./executions";
import { createFleetStore } from "./fleet";
import { createGroupStore } from "./groups";
import { createIdempotencyStore } from "./idempotency";
import { createJobStore } from "./jobs";
import { createLeadStore } from "./leads";
import { createMonitorStore } from "./monitors";
import { createOptOutStore } from "./optouts";
import { createRecipientStore } from "./recipients";
import { createReviewStore } from "./reviews";
import { createSandboxStore } from "./sandbox";
import { createSessionStore } from "./sessions";
import { createTenantStore } from "./tenants";
import { createRunStore, createTimedStore, timersDue } from "./timed";
import { createWebhookStore } from "./webhooks";

export { type AuthSealOptions, parseAuthStateKey } from "./auth-seal";
export { parseCursorKey } from "./cursor";
export { createDb, type Db } from "./db";
export { ensureTable } from "./ensure";
export { TTL_ATTRIBUTE, tableDefinition } from "./table";

/**
 * The one store implementation (DynamoDB, single table), used locally and on AWS. `authKey` encrypts
 * the WhatsApp auth state; `requireAuthKey` (AWS) refuses to run without it and refuses plaintext.
 */
export const createStore = (db: Db, opts: { authKey?: Buffer; requireAuthKey?: boolean } = {}) => {
  const store = {
    tenants: createTenantStore(db),
    idempotency: createIdempotencyStore(db),
    confirmations: createConfirmationStore(db),
    groups: createGroupStore(db),
    contacts: createContactStore(db),
    waGroups: createWaGroupStore(db),
    sessions: createSessionStore(db),
    jobs: createJobStore(db),
    recipients: createRecipientStore(db),
    optouts: createOptOutStore(db),
    activity: createActivityStore(db),
    conversations: createConversationStore(db),
    schedules: createTimedStore<ScheduledMessage>(db, "schedule"),
    scheduleRuns: createRunStore<ScheduleRun>(db, "schedule"),
    reports: createTimedStore<Report>(db, "report"),
    reportRuns: createRunStore<ReportRun>(db, "report"),
    executions: createExecutionStore(db),
    timers: { due: (beforeIso?: string) => timersDue(db, beforeIso) },
    webhooks: createWebhookStore(db),
    monitors: createMonitorStore(db),
    leads: createLeadStore(db),
    reviews: createReviewStore(db),
    fleet: createFleetStore(db),
  } satisfies Store;
  return { ...store, sandbox: createSandboxStore(db), auth: createAuthStore(db, { key: opts.authKey, requireKey: opts.requireAuthKey }) };
};

export type DynamoStore = ReturnType<typeof createStore>;
