import type { Deps } from "../deps";

/** Moves a recipient to delivered / read (never backwards) and updates the job's counts. */
export const onReceipt = async (d: Pick<Deps, "store">, messageId: string, state: "delivered" | "read") => {
  const idx = await d.store.recipients.messageIndexGet(messageId);
  if (!idx) return false;
  const r = { tenant_id: idx.tenant_id, id: idx.job_id, quota_month: idx.quota_month };
  if (state === "delivered") return (await d.store.recipients.move(r, ["sent"], "delivered", [{ phone: idx.phone }])).moved.length > 0;
  if ((await d.store.recipients.move(r, ["delivered"], "read", [{ phone: idx.phone }])).moved.length > 0) return true;
  return (await d.store.recipients.move(r, ["sent"], "read", [{ phone: idx.phone }])).moved.length > 0;
};
