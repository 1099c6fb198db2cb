import { api, ok, type Schema } from "../api";

/** Jobs up to this size are checked recipient by recipient; bigger ones show no count. */
const MAX_CHECKED = 1000;
/** Recipients the campaign's message reached. */
const REACHED = new Set(["sent", "delivered", "read"]);

/**
 * Opt-outs the campaign caused: recipients it reached who wrote STOP after it started (inbound
 * opt-outs since its start among its sent, delivered or read recipients). Null for jobs too big to check from the browser.
 */
export const optOutsCaused = async (job: Schema<"BulkSend">): Promise<number | null> => {
  if (job.total_recipients > MAX_CHECKED || !job.started_at) return job.started_at ? null : 0;
  const since = job.started_at;
  const stops = new Set<string>();
  let cursor: string | undefined;
  do {
    const p = (await ok(api().GET("/opt-outs", { params: { query: { limit: 200, cursor } } }))) as { opt_outs: Schema<"OptOut">[]; next_cursor: string | null };
    for (const o of p.opt_outs) if (o.source === "inbound" && o.created_at >= since) stops.add(o.phone);
    cursor = p.next_cursor ?? undefined;
  } while (cursor);
  if (stops.size === 0) return 0;
  let n = 0;
  cursor = undefined;
  do {
    const p = (await ok(api().GET("/bulk-send/{id}/recipients", { params: { path: { id: job.id }, query: { limit: 200, cursor } } }))) as {
      recipients: Schema<"Recipient">[];
      next_cursor: string | null;
    };
    for (const r of p.recipients) if (stops.has(r.phone) && REACHED.has(r.status)) n++;
    cursor = p.next_cursor ?? undefined;
  } while (cursor);
  return n;
};
