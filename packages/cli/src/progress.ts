import { type OutreachClient, type Schema, sseData } from "@outreach/client";

export type Progress = Schema<"BulkSendProgress">;

const FINAL = ["completed", "cancelled", "failed"];
export const isFinal = (p: Pick<Progress, "status">) => FINAL.includes(p.status);

/** One plain line per change, for logs and pipes: `sent 45/127 · … · pending 80 · running`, and why it waits when it does. */
export const plainLine = (p: Omit<Progress, "job_id">) =>
  `sent ${p.sent}/${p.total} · delivered ${p.delivered} · read ${p.read} · failed ${p.failed} · skipped ${p.skipped} · pending ${p.pending} · ${p.status}${
    p.waiting_reason && !isFinal(p) ? ` (waiting: ${WAITING[p.waiting_reason]}${p.next_send_at ? ` until ${p.next_send_at}` : ""})` : ""
  }`;

const WAITING: Record<NonNullable<Progress["waiting_reason"]>, string> = {
  burst: "the session's burst limit",
  daily_cap: "the daily cap",
  warmup: "the new number's warm-up",
  send_window: "the send window",
};

/** A terminal progress bar of `width` cells: done (sent, failed, skipped, cancelled) of total. */
export const bar = (p: Omit<Progress, "job_id">, width = 30) => {
  const done = p.sent + p.failed + p.skipped + p.cancelled + p.unknown;
  const ratio = p.total > 0 ? Math.min(1, done / p.total) : 1;
  const full = Math.round(ratio * width);
  return `[${"█".repeat(full)}${"░".repeat(width - full)}] ${String(Math.round(ratio * 100)).padStart(3)}%  ${plainLine(p)}`;
};

/**
 * Follows a bulk send's progress stream until it ends (the server closes a stream after 5 minutes:
 * it is opened again). On a terminal, one bar redrawn in place; elsewhere one plain line per change.
 * Returns the final progress.
 */
export const follow = async (client: OutreachClient, id: string, out: NodeJS.WriteStream) => {
  const tty = out.isTTY === true;
  let last: Omit<Progress, "job_id"> | undefined;
  for (;;) {
    const res = await client.GET("/bulk-send/{id}/progress", {
      params: { path: { id }, query: { stream: "true" } },
      headers: { Accept: "text/event-stream" },
      parseAs: "stream",
    });
    if (!res.response.ok || !res.data) throw new ApiError(res.response.status, res.error);
    for await (const p of sseData<Omit<Progress, "job_id">>(res.data as ReadableStream<Uint8Array>)) {
      last = p;
      if (tty) out.write(`\r${bar(p, Math.max(10, Math.min(30, (out.columns ?? 100) - 110)))}\x1b[K`);
      else out.write(`${plainLine(p)}\n`);
      if (isFinal(p)) break;
    }
    if (last && isFinal(last)) {
      if (tty) out.write("\n");
      return last;
    }
  }
};

/** An answer that was not 2xx, with the API's error message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    super(e?.message ? `${e.message} (${status} ${e.code})` : `The API answered ${status}.`);
  }
}
