import type { RecipientStatus } from "@outreach/core/job";
import { type Db, type Item, type TransactItems, transact } from "./db";
import { jobKey, usageKey } from "./jobs";
import { Keys } from "./keys";

export interface JobRef {
  tenant_id: string;
  id: string;
  quota_month: string;
}

export const recipientKey = Keys.recipient;

/** Job counter and quota effects of a recipient moving from one state to another. */
const effects = (from: RecipientStatus, to: RecipientStatus) => {
  const job: Record<string, number> = {};
  let usage: "none" | "consume" | "release" | "reserve" = "none";
  let held = 0;
  let failures: "reset" | "inc" | null = null;
  const open = (s: RecipientStatus) => s === "pending" || s === "sending";
  if (open(from) && !open(to)) {
    job.pending_count = -1;
    held = -1;
    usage = to === "sent" || to === "unknown" ? "consume" : "release";
  }
  if (!open(from) && open(to)) {
    job.pending_count = 1;
    held = 1;
    usage = "reserve";
  }
  const counter: Partial<Record<RecipientStatus, string>> = {
    sent: "sent_count",
    failed: "failed_count",
    skipped: "skipped_count",
    cancelled: "cancelled_count",
    unknown: "unknown_count",
  };
  const fromC = counter[from];
  const toC = counter[to];
  // `sent_count` counts every message that went out (delivered and read ones too); only a refusal takes one back.
  if (fromC && (from !== "sent" || to === "failed")) job[fromC] = (job[fromC] ?? 0) - 1;
  if (toC) job[toC] = (job[toC] ?? 0) + 1;
  if (to === "delivered") job.delivered_count = 1;
  if (to === "read") {
    job.read_count = 1;
    if (from === "sent") job.delivered_count = 1;
  }
  if (to === "sent") failures = "reset";
  if (to === "failed") failures = "inc";
  return { job, usage, held, failures };
};

export interface Move {
  phone: string;
  set?: Item;
  remove?: string[];
  /** Items written with this recipient's move (and dropped with it when its condition fails). */
  with?: TransactItems;
}

/** Items written once per transaction; a function gets the number of recipients the transaction moves. */
export type Extra = TransactItems | ((moved: number) => TransactItems);

/** At most 100 items per transaction: the job's counters and the month's usage take two. */
const MAX_ITEMS = 98;

/**
 * Recipient state changes, each one transaction with the job's counters and the month's quota, so
 * the counts always equal the recipients by state.
 */
export const createMover = (db: Db) => {
  /**
   * Moves recipients from one state to another in chunks. Recipients not in `from` are left alone and
   * reported. One `from` state per call: the counters' effects depend on it.
   */
  const move = async (
    job: JobRef,
    from: RecipientStatus,
    to: RecipientStatus,
    moves: Move[],
    extra: Extra = [],
    opts: { progressAt?: number; sentDays?: (chunk: string[]) => Record<string, number> } = {},
  ) => {
    const moved: string[] = [];
    const refused: string[] = [];
    const fx = effects(from, to);
    const extraFor = (n: number) => (typeof extra === "function" ? extra(n) : extra);
    const budget = MAX_ITEMS - extraFor(1).length;
    for (let i = 0; i < moves.length; ) {
      let chunk: Move[] = [];
      for (let used = 0; i < moves.length; i++) {
        const size = 1 + ((moves[i] as Move).with?.length ?? 0);
        if (chunk.length > 0 && used + size > budget) break;
        chunk.push(moves[i] as Move);
        used += size;
      }
      while (chunk.length > 0) {
        const n = chunk.length;
        const jobAdds = Object.entries(fx.job).map(([k, v], idx) => ({ k, v: v * n, idx }));
        const jobValues: Item = {};
        const jobNames: Record<string, string> = {};
        const adds: string[] = [];
        for (const a of jobAdds) {
          jobNames[`#c${a.idx}`] = a.k;
          jobValues[`:c${a.idx}`] = a.v;
          adds.push(`#c${a.idx} :c${a.idx}`);
        }
        if (fx.held) {
          adds.push("quota_held :held");
          jobValues[":held"] = fx.held * n;
        }
        if (fx.failures === "inc") {
          adds.push("consecutive_failures :fail");
          jobValues[":fail"] = n;
        }
        let jobExpr = adds.length ? `ADD ${adds.join(", ")}` : "";
        const jobSets: string[] = [];
        if (fx.failures === "reset") {
          jobSets.push("consecutive_failures = :zero");
          jobValues[":zero"] = 0;
        }
        // A send recorded is progress: the stall watchdog leaves the job alone.
        if (opts.progressAt !== undefined && jobExpr) {
          jobSets.push("progress_at = :progress");
          jobValues[":progress"] = opts.progressAt;
        }
        // Real sends per day, which the job's daily_limit counts (`sent_days` exists from the job's creation).
        Object.entries(opts.sentDays?.(chunk.map((m) => m.phone)) ?? {}).forEach(([day, n], idx) => {
          jobNames[`#d${idx}`] = day;
          jobSets.push(`sent_days.#d${idx} = if_not_exists(sent_days.#d${idx}, :zero) + :d${idx}`);
          jobValues[`:d${idx}`] = n;
          jobValues[":zero"] = 0;
        });
        if (jobSets.length) jobExpr += ` SET ${jobSets.join(", ")}`;
        const items: TransactItems = [];
        if (jobExpr) {
          items.push({
            Update: {
              TableName: db.table,
              Key: jobKey(job.tenant_id, job.id),
              UpdateExpression: jobExpr.trim(),
              ExpressionAttributeNames: Object.keys(jobNames).length ? jobNames : undefined,
              ExpressionAttributeValues: jobValues,
            },
          });
        }
        if (fx.usage !== "none" && fx.usage !== "reserve") {
          items.push({
            Update: {
              TableName: db.table,
              Key: usageKey(job.tenant_id, job.quota_month),
              UpdateExpression: fx.usage === "consume" ? "ADD total_messages :n, reserved_messages :m" : "ADD reserved_messages :m, committed :m",
              ExpressionAttributeValues: fx.usage === "consume" ? { ":n": n, ":m": -n } : { ":m": -n },
            },
          });
        }
        const head = items.length;
        const withs: TransactItems = [];
        for (const m of chunk) {
          withs.push(...(m.with ?? []));
          const values: Item = { ":to": to, ":from": from };
          const sets = ["#status = :to"];
          const names: Record<string, string> = { "#status": "status" };
          Object.entries(m.set ?? {}).forEach(([k, v], idx) => {
            sets.push(`#s${idx} = :s${idx}`);
            names[`#s${idx}`] = k;
            values[`:s${idx}`] = v;
          });
          const removes = (m.remove ?? []).map((k, idx) => {
            names[`#r${idx}`] = k;
            return `#r${idx}`;
          });
          items.push({
            Update: {
              TableName: db.table,
              Key: recipientKey(job.id, m.phone),
              UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
              ConditionExpression: "#status = :from",
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            },
          });
        }
        items.push(...withs, ...extraFor(chunk.length));
        const res = await transact(db, items);
        if (res.ok) {
          moved.push(...chunk.map((m) => m.phone));
          break;
        }
        const bad = new Set(res.failed.filter((x) => x >= head && x < head + chunk.length).map((x) => x - head));
        if (bad.size === 0) throw new Error(`recipient move ${from}→${to} refused by a non-recipient condition`);
        refused.push(...chunk.filter((_, idx) => bad.has(idx)).map((m) => m.phone));
        chunk = chunk.filter((_, idx) => !bad.has(idx));
      }
    }
    return { moved, refused };
  };

  return move;
};
