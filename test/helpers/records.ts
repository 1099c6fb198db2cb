import type { Job } from "../../packages/core/src/job";
import { jobRecord as newJobRecord } from "../../packages/core/src/job";
import type { Session } from "../../packages/core/src/session";
import { sessionRecord as newSessionRecord } from "../../packages/core/src/session";

/** A bulk-send job record as the store keeps it, running and paced at 0 s, for tests that write one directly. */
export const jobRecord = (over: Partial<Job> & Pick<Job, "id" | "tenant_id">): Job =>
  newJobRecord(
    {
      session_id: "ses_1",
      custom_group_id: "grp_1",
      message_content: "hi",
      min_delay_seconds: 0,
      max_delay_seconds: 0,
      status: "running",
      total_recipients: 0,
      quota_held: 0,
      ...over,
    },
    Date.now(),
  );

/** A session record as the store keeps it, for tests that write one directly. */
export const sessionRecord = (over: Partial<Session> & Pick<Session, "id" | "tenant_id">): Session =>
  newSessionRecord({ name: "test", transport: "baileys", ...over }, new Date().toISOString());
