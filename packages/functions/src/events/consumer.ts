import { createLogger } from "@outreach/api/log";
import type { Deps } from "@outreach/core/deps";
import * as Report from "@outreach/core/report";
import { Scheduled } from "@outreach/core/schedule";
import { createEventHandler } from "@outreach/worker/events";

export interface SqsRecord {
  messageId: string;
  body: string;
  attributes?: { ApproximateReceiveCount?: string };
}

/**
 * The events-queue consumer on Lambda: the same handler as the local runtime. Session control goes on
 * to the worker (it owns the sockets) through the sends queue; timer fires — from EventBridge
 * Scheduler, whose SQS target delivers the schedule's Input as the message body — run here.
 * Failed messages are reported in `batchItemFailures`, so only they come back.
 */
export const createSqsHandler = (deps: Deps, env: NodeJS.ProcessEnv = process.env) => {
  const logger = createLogger({ level: env.OUTREACH_LOG_LEVEL ?? "info" });
  const handle = createEventHandler(
    deps,
    {
      session: (body) => deps.queue.send("sends", [{ body }]),
      timer: async (b) => {
        if (b.kind === "schedule") await Scheduled.fire(deps, b.tenant_id, b.id, b.run_at);
        else await Report.fire(deps, b.tenant_id, b.id, b.run_at);
      },
    },
    logger,
  );
  return async (event: { Records: SqsRecord[] }) => {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    await Promise.all(
      event.Records.map(async (r) => {
        try {
          let body: unknown;
          try {
            body = JSON.parse(r.body);
          } catch {
            logger.error({ message_id: r.messageId }, "unparseable message dropped");
            return;
          }
          await handle(body);
        } catch (e) {
          logger.error({ err: e, message_id: r.messageId, receive_count: r.attributes?.ApproximateReceiveCount }, "event failed; it will be retried");
          batchItemFailures.push({ itemIdentifier: r.messageId });
        }
      }),
    );
    return { batchItemFailures };
  };
};
