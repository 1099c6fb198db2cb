import type { ActivityRepo } from "../activity";
import type { ConfirmationRepo } from "../confirmation/port";
import type { ContactRepo, WaGroupRepo } from "../contact/port";
import type { ConversationRepo } from "../conversation/port";
import type { GroupRepo } from "../group/port";
import type { IdempotencyRepo } from "../idempotency";
import type { JobRepo, RecipientRepo } from "../job/port";
import type { LeadRepo } from "../lead/port";
import type { MonitorRepo } from "../monitor/port";
import type { OptOutRepo } from "../optout/port";
import type { ExecutionRepo, Report, ReportRun } from "../report/port";
import type { ReviewRepo } from "../review/port";
import type { RunRepo, ScheduledMessage, ScheduleRun, TimedRepo, TimerIndex } from "../schedule/port";
import type { SessionRepo } from "../session/port";
import type { FleetRepo } from "../shard/port";
import type { TenantRepo } from "../tenant/port";
import type { WebhookRepo } from "../webhook/port";

export type { Page, PageRequest } from "./page";

/**
 * The store: one repository per noun (each declared in its noun's `port.ts`). The one implementation
 * is DynamoDB (`@outreach/aws/store`); every method is safe under concurrency (conditional writes),
 * and a store that cannot be reached throws `DomainError("unavailable")`.
 */
export interface Store {
  tenants: TenantRepo;
  idempotency: IdempotencyRepo;
  confirmations: ConfirmationRepo;
  groups: GroupRepo;
  contacts: ContactRepo;
  waGroups: WaGroupRepo;
  sessions: SessionRepo;
  /** Worker heartbeats and shard leases. */
  fleet: FleetRepo;
  jobs: JobRepo;
  recipients: RecipientRepo;
  optouts: OptOutRepo;
  activity: ActivityRepo;
  conversations: ConversationRepo;
  schedules: TimedRepo<ScheduledMessage>;
  scheduleRuns: RunRepo<ScheduleRun>;
  reports: TimedRepo<Report>;
  reportRuns: RunRepo<ReportRun>;
  executions: ExecutionRepo;
  timers: TimerIndex;
  webhooks: WebhookRepo;
  monitors: MonitorRepo;
  leads: LeadRepo;
  reviews: ReviewRepo;
}
