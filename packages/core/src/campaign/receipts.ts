import { createCoalescer } from "../coalesce";
import type { Deps } from "../deps";
import type { MessageRef } from "../port";

/** How long a receipt waits for others before it is written (receipts come in waves after a bulk send). */
export const RECEIPT_LINGER_MS = 100;

type State = "delivered" | "read";

/**
 * Moves recipients to delivered / read (never backwards) with their jobs' counts. Receipts of one
 * state that arrive close together are written together: one BatchGet finds their recipients, then
 * one transaction per job moves them (a crash in the linger loses those receipts, never a message:
 * the recipients stay `sent`).
 */
export const createReceiptRecorder = (d: Pick<Deps, "store">) => {
  const write = async (state: State, messageIds: string[]) => {
    const refs = await d.store.recipients.messageIndexGetMany(messageIds);
    // One transaction cannot touch an item twice: each recipient once per job.
    const byJob = new Map<string, { ref: MessageRef; phones: Set<string> }>();
    for (const ref of refs.values()) {
      const job = byJob.get(ref.job_id) ?? { ref, phones: new Set<string>() };
      job.phones.add(ref.phone);
      byJob.set(ref.job_id, job);
    }
    for (const { ref, phones } of byJob.values()) {
      const r = { tenant_id: ref.tenant_id, id: ref.job_id, quota_month: ref.quota_month };
      const moves = [...phones].map((phone) => ({ phone }));
      if (state === "delivered") {
        await d.store.recipients.move(r, ["sent"], "delivered", moves);
        continue;
      }
      const { refused } = await d.store.recipients.move(r, ["delivered"], "read", moves);
      if (refused.length > 0)
        await d.store.recipients.move(
          r,
          ["sent"],
          "read",
          refused.map((phone) => ({ phone })),
        );
    }
  };
  const add = createCoalescer<string>({ max: 100, lingerMs: RECEIPT_LINGER_MS, flush: (state, ids) => write(state as State, ids) });

  return {
    /** Records a receipt; settles once it is written. */
    record: (messageId: string, state: State) => add(state, messageId),
    /** Writes what waits now (on shutdown). */
    drain: () => Promise.all([add.drain("delivered"), add.drain("read")]).then(() => undefined),
  };
};
