import { createCoalescer } from "../coalesce";
import type { Uses } from "../deps";
import type { DomainEvent } from "../event";
import { messageEvent } from "./events";
import type { MessageRef } from "./port";

/** What this module uses. */
type D = Uses<"recipients", "clock" | "events">;

/** How long a receipt waits for others before it is written (receipts come in waves after a bulk send). */
export const RECEIPT_LINGER_MS = 100;

type State = "delivered" | "read";

/**
 * Moves recipients to delivered / read (never backwards) with their jobs' counts. Receipts of one
 * state that arrive close together are written together: one BatchGet finds their recipients, then
 * one transaction per job moves them (a crash in the linger loses those receipts, never a message:
 * the recipients stay `sent`).
 */
export const createReceiptRecorder = (d: D) => {
  const write = async (receipts: { messageId: string; state: State }[]) => {
    const refs = await d.store.recipients.byMessageIds(receipts.map((r) => r.messageId));
    // Per job, each recipient once (one transaction cannot touch an item twice); read wins over delivered.
    const byJob = new Map<string, { ref: MessageRef; delivered: Set<string>; read: Set<string> }>();
    for (const { messageId, state } of receipts) {
      const ref = refs.get(messageId);
      if (!ref) continue;
      const job = byJob.get(ref.job_id) ?? { ref, delivered: new Set<string>(), read: new Set<string>() };
      job[state].add(ref.phone);
      byJob.set(ref.job_id, job);
    }
    const idOf = new Map<string, string>();
    for (const { messageId } of receipts) {
      const ref = refs.get(messageId);
      if (ref) idOf.set(`${ref.job_id}#${ref.phone}`, messageId);
    }
    for (const { ref, delivered, read } of byJob.values()) {
      const r = { tenant_id: ref.tenant_id, id: ref.job_id, quota_month: ref.quota_month };
      const onlyDelivered = [...delivered].filter((p) => !read.has(p));
      const events: DomainEvent[] = [];
      const told = (type: "message.delivered" | "message.read", phones: string[]) => {
        const at = d.clock.now();
        for (const phone of phones) {
          events.push(messageEvent(type, { jobId: ref.job_id, phone, messageId: idOf.get(`${ref.job_id}#${phone}`) ?? "", at }));
        }
      };
      if (onlyDelivered.length > 0) told("message.delivered", (await d.store.recipients.markDelivered(r, onlyDelivered)).moved);
      // A read recipient is `delivered` or still `sent`; whatever is refused by both is read already.
      let left = [...read];
      for (const from of ["delivered", "sent", "delivered"] as const) {
        if (left.length === 0) break;
        const res = await d.store.recipients.markRead(r, from, left);
        told("message.read", res.moved);
        left = res.refused;
      }
      await d.events?.emit(ref.tenant_id, events);
    }
  };
  // One flush at a time for both states: a delivered and a read receipt of one message never race.
  const add = createCoalescer<{ messageId: string; state: State }>({ max: 100, lingerMs: RECEIPT_LINGER_MS, flush: (_key, items) => write(items) });

  return {
    /** Records a receipt; settles once it is written. */
    record: (messageId: string, state: State) => add("receipts", { messageId, state }),
    /** Writes what waits now (on shutdown). */
    drain: () => add.drain("receipts"),
  };
};
