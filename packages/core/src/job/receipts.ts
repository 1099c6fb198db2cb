import { createCoalescer } from "../coalesce";
import type { Uses } from "../deps";
import type { DomainEvent } from "../event";
import { messageEvent } from "./events";
import type { JobRef, MessageRef, Moved } from "./port";

/** What this module uses. */
type D = Uses<"recipients", "clock" | "events">;

/**
 * How long a receipt waits for others before it is written (receipts come in waves after a bulk send,
 * and paced sends' receipts come a few a second: a wave of this length is written in one transaction).
 */
export const RECEIPT_LINGER_MS = 400;

type State = "delivered" | "read";

interface JobReceipts {
  ref: MessageRef;
  job: JobRef;
  delivered: Set<string>;
  read: Set<string>;
  events: DomainEvent[];
}

/**
 * Moves recipients to delivered / read (never backwards) with their jobs' counts. Receipts that
 * arrive close together are written together, whatever their jobs: one BatchGet finds their
 * recipients, then one transaction per state moves the recipients of every job (each job's counters
 * once; a crash in the linger loses those receipts, never a message: the recipients stay `sent`).
 *
 * A receipt can arrive while its message's own record still lingers (a recipient online answers
 * within a second): given `recording` (the sender of this process), it waits for that record first,
 * else it would find no recipient `sent` and be lost.
 */
export const createReceiptRecorder = (d: D, o: { recording?: (messageId: string) => Promise<void> | undefined } = {}) => {
  const write = async (receipts: { messageId: string; state: State }[]) => {
    const refs = await d.store.recipients.byMessageIds(receipts.map((r) => r.messageId));
    // Per job, each recipient once (one transaction cannot touch an item twice); read wins over delivered.
    const byJob = new Map<string, JobReceipts>();
    const idOf = new Map<string, string>();
    for (const { messageId, state } of receipts) {
      const ref = refs.get(messageId);
      if (!ref) continue;
      const job = byJob.get(ref.job_id) ?? {
        ref,
        job: { tenant_id: ref.tenant_id, id: ref.job_id, quota_month: ref.quota_month },
        delivered: new Set<string>(),
        read: new Set<string>(),
        events: [],
      };
      job[state].add(ref.phone);
      byJob.set(ref.job_id, job);
      idOf.set(`${ref.job_id}#${ref.phone}`, messageId);
    }
    const jobs = [...byJob.values()];
    const told = (type: "message.delivered" | "message.read", results: Moved[], of: JobReceipts[]) => {
      const at = d.clock.now();
      results.forEach((res, k) => {
        const j = of[k] as JobReceipts;
        for (const phone of res.moved)
          j.events.push(messageEvent(type, { jobId: j.ref.job_id, phone, messageId: idOf.get(`${j.ref.job_id}#${phone}`) ?? "", at }));
      });
    };
    const delivered = jobs.filter((j) => [...j.delivered].some((p) => !j.read.has(p)));
    if (delivered.length > 0)
      told(
        "message.delivered",
        await d.store.recipients.markDeliveredMany(delivered.map((j) => ({ job: j.job, phones: [...j.delivered].filter((p) => !j.read.has(p)) }))),
        delivered,
      );
    // A read recipient is `delivered` or still `sent`; whatever is refused by both is read already.
    let left = jobs.filter((j) => j.read.size > 0).map((j) => ({ j, phones: [...j.read] }));
    for (const from of ["delivered", "sent", "delivered"] as const) {
      if (left.length === 0) break;
      const res = await d.store.recipients.markReadMany(
        from,
        left.map(({ j, phones }) => ({ job: j.job, phones })),
      );
      told(
        "message.read",
        res,
        left.map(({ j }) => j),
      );
      left = left.map(({ j }, k) => ({ j, phones: (res[k] as Moved).refused })).filter(({ phones }) => phones.length > 0);
    }
    for (const j of jobs) await d.events?.emit(j.ref.tenant_id, j.events);
  };
  // One flush at a time for both states: a delivered and a read receipt of one message never race.
  const add = createCoalescer<{ messageId: string; state: State }>({ max: 100, lingerMs: RECEIPT_LINGER_MS, flush: (_key, items) => write(items) });

  return {
    /** Records a receipt; settles once it is written. */
    record: async (messageId: string, state: State) => {
      await o.recording?.(messageId);
      return add("receipts", { messageId, state });
    },
    /** Writes what waits now (on shutdown). */
    drain: () => add.drain("receipts"),
  };
};
