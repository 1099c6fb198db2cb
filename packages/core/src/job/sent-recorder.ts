import { createCoalescer } from "../coalesce";
import type { Uses } from "../deps";
import { messageEvent } from "./events";
import { ref } from "./job";
import type { SentRecord } from "./port";
import { RECORD_BATCH, RECORD_LINGER_MS } from "./send-limits";
import { type Content, createRetentionCache, persist } from "./send-parts";

/** What this module uses. */
type D = Uses<"recipients" | "tenants", "clock" | "events">;

/** A message that went out, waiting to be recorded. */
export interface SentItem {
  job: Content;
  phone: string;
  name: string | null;
  text: string;
  messageId: string;
  at: number;
  day: string;
}

/** The one key of the coalescer: every job's messages share a window. */
const ALL = "records";

/**
 * Records sent messages: recipient `sent` with the job's counters, the month's usage, the message-id
 * index and the day's activity, then each job's `message.sent` events. Messages sent close together
 * share one record whatever their jobs (`markSentMany`: each job's counters once, the shared items
 * once, the message-id entries in shared puts); a message waits at most RECORD_LINGER_MS for company.
 */
export const createSentRecorder = (d: D) => {
  const retentionDays = createRetentionCache(d);
  const add = createCoalescer<SentItem>({
    max: RECORD_BATCH,
    lingerMs: RECORD_LINGER_MS,
    flush: async (_key, sent) => {
      const byJob = new Map<string, SentItem[]>();
      for (const m of sent) byJob.set(m.job.id, [...(byJob.get(m.job.id) ?? []), m]);
      const groups = [...byJob.values()];
      const records: SentRecord[] = [];
      for (const group of groups) {
        const job = (group[0] as SentItem).job;
        const conversation = { session_id: job.session_id, origin: job.origin, retention_days: await persist(d, () => retentionDays(job.tenant_id)) };
        records.push({
          job: ref(job),
          sent: group.map((m) => ({ phone: m.phone, messageId: m.messageId, at: m.at, day: m.day, name: m.name, text: m.text })),
          sessionId: job.session_id,
          conversation,
        });
      }
      await persist(d, () => d.store.recipients.markSentMany(records));
      for (const group of groups) {
        const job = (group[0] as SentItem).job;
        await d.events?.emit(
          job.tenant_id,
          group.map((m) =>
            messageEvent("message.sent", { jobId: job.id, sessionId: job.session_id, phone: m.phone, messageId: m.messageId, at: m.at }, { message: m.text }),
          ),
        );
      }
    },
  });
  /** The records not yet written, by message id: a receipt that arrives first waits for its message's (`recording`). */
  const pending = new Map<string, Promise<void>>();
  return {
    /** Records a sent message; settles once its record is written. */
    record: (m: SentItem) => {
      const written = add(ALL, m);
      const settled = written.then(
        () => undefined,
        () => undefined,
      );
      pending.set(m.messageId, settled);
      void settled.then(() => {
        if (pending.get(m.messageId) === settled) pending.delete(m.messageId);
      });
      return written;
    },
    /** While a message's record lingers or is being written: a promise settled once it is done (written or failed). */
    recording: (messageId: string): Promise<void> | undefined => pending.get(messageId),
    /** Writes what waits now: a failure counts after the sends before it (they reset the failures in a row). */
    drain: () => add.drain(ALL),
  };
};
