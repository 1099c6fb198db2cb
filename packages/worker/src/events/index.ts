import * as Campaign from "@outreach/core/campaign";
import type { Deps } from "@outreach/core/deps";
import * as Group from "@outreach/core/group";
import type { Logger } from "pino";

export type EventBody =
  | { type: "job.snapshot"; tenant_id: string; job_id: string }
  | { type: "job.plan"; tenant_id: string; job_id: string; epoch: number }
  | { type: "job.finalize"; tenant_id: string; job_id: string }
  | { type: "group.purge"; tenant_id: string; group_id: string }
  | { type: "session.sync"; tenant_id: string; session_id: string }
  | { type: "session.pair"; tenant_id: string; session_id: string; phone: string }
  | { type: "timer.fire"; kind: "schedule" | "report"; tenant_id: string; id: string; run_at: string };

export interface EventHandlers {
  /** Session control goes to whoever hosts the sessions (in process locally; the worker task on AWS). */
  session(body: Extract<EventBody, { type: "session.sync" | "session.pair" }>): Promise<void>;
  /** Timer fires (schedules and reports). */
  timer?(body: Extract<EventBody, { type: "timer.fire" }>): Promise<void>;
}

/**
 * The events-queue consumer: one function for the local runtime and the Lambda subscriber.
 * Throws on transient failures so the message is retried; unknown messages are logged and dropped.
 */
export const createEventHandler = (d: Deps, handlers: EventHandlers, logger: Logger) => async (raw: unknown) => {
  const body = raw as EventBody;
  switch (body?.type) {
    case "job.snapshot":
      return Campaign.snapshot(d, body.tenant_id, body.job_id, { budgetMs: 20_000 });
    case "job.plan":
      return Campaign.planJob(d, body);
    case "job.finalize":
      return Campaign.finalize(d, body.tenant_id, body.job_id);
    case "group.purge":
      if (await Group.purge(d, body.group_id)) await d.queue.send("events", [{ body }]);
      return;
    case "session.sync":
    case "session.pair":
      return handlers.session(body);
    case "timer.fire":
      if (!handlers.timer) throw new Error("no timer handler configured");
      return handlers.timer(body);
    default:
      logger.warn({ body }, "unknown event dropped");
  }
};
