import type { Uses } from "../deps";
import type { Outbound } from "../port";
import { pauseOnFailures } from "./control";
import { messageEvent } from "./events";
import { outbound } from "./send-parts";

/** What this module uses. */
type D = Uses<"activity" | "jobs" | "recipients" | "sessions" | "tenants", "clock" | "events" | "queue">;

/** How often, one second apart, a refusal looks for its message while the send is still being recorded. */
const FIND_TRIES = 10;

/**
 * WhatsApp refused a message after the send resolved (Baileys' status 0): the recipient moves from
 * `sent` to `failed` with the reason a person reads, `message.failed` is announced, and it counts as a
 * failure in a row. It is never retried automatically (a retry of a restricted account's message is
 * another reach-out). The refusal can come before the send is recorded (the record lingers): it waits
 * for the record, up to ~10 s.
 */
export const recordRejection = async (d: D, e: { messageId: string; code: string; reason: string; at: number }) => {
  for (let i = 0; i < FIND_TRIES; i++) {
    const ref = (await d.store.recipients.byMessageIds([e.messageId])).get(e.messageId);
    const rec = ref ? await d.store.recipients.get(ref.job_id, ref.phone) : undefined;
    if (ref && rec && rec.status !== "sending" && rec.status !== "pending") {
      const r = { tenant_id: ref.tenant_id, id: ref.job_id, quota_month: ref.quota_month };
      const { moved } = await d.store.recipients.markRejected(r, ref.phone, e.reason);
      if (moved.length === 0) return false;
      await d.events?.emit(ref.tenant_id, [
        messageEvent("message.failed", { jobId: ref.job_id, phone: ref.phone, messageId: e.messageId, at: e.at }, { error: e.reason }),
      ]);
      await pauseOnFailures(d, { tenant_id: ref.tenant_id, id: ref.job_id });
      return true;
    }
    await d.clock.sleep(1000);
  }
  return false;
};

/** What we sent under one of our message ids, rebuilt from the job and the recipient (for a retry receipt). */
export const sentContent = async (d: D, messageId: string): Promise<Outbound | undefined> => {
  const ref = (await d.store.recipients.byMessageIds([messageId])).get(messageId);
  if (!ref) return undefined;
  const job = await d.store.jobs.get(ref.tenant_id, ref.job_id);
  if (!job) return undefined;
  const rec = await d.store.recipients.get(ref.job_id, ref.phone);
  return outbound(job, { phone: ref.phone, name: rec?.name ?? null }, messageId);
};
