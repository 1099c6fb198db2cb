import { createLogger } from "@outreach/log";
import { type Adapters, createSystem } from "@outreach/system/serverless";

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
export const createSqsHandler = async (adapters: Adapters, env: NodeJS.ProcessEnv = process.env) => {
  const logger = createLogger({ level: env.OUTREACH_LOG_LEVEL ?? "info" });
  const { handle } = await createSystem({ roles: ["events"], adapters, logger, durableQueues: true });
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
