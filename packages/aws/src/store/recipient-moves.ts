import type { Moved, RecipientStatus } from "@outreach/core/job";
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
  /** Counters of items other recipients may share (a session's day) that this move adds to, and that are dropped with it when its condition fails. */
  tallies?: Tally[];
  /** The day (`yyyy-mm-dd`, the job's zone) this move counts on in the job's `sent_days`. */
  sentDay?: string;
}

/**
 * Adds to an item that recipients of several jobs may share (the month's usage of a tenant, a
 * session's day): the tallies of one transaction are merged into one update per item, since a
 * transaction may not touch an item twice. `latest` attributes are set to the largest value given.
 */
export interface Tally {
  key: Item;
  add: Record<string, number>;
  latest?: Record<string, number>;
}

/** One job's recipients for `move.many`; `progressAt` marks the job as making progress (a send recorded). */
export interface MoveBatch {
  job: JobRef;
  moves: Move[];
  progressAt?: number;
}

/** At most 100 items per transaction. */
const MAX_ITEMS = 100;

interface Entry {
  batch: MoveBatch;
  move: Move;
  tallies: Tally[];
}

const tallyId = (t: Tally) => `${t.key.pk}\u0000${t.key.sk}`;

/** The tallies of a transaction, one update per item. */
const mergedTallies = (db: Db, chunk: Entry[]): TransactItems => {
  const merged = new Map<string, Tally>();
  for (const t of chunk.flatMap((e) => e.tallies)) {
    const m = merged.get(tallyId(t)) ?? { key: t.key, add: {}, latest: {} };
    const latest = m.latest as Record<string, number>;
    for (const [k, v] of Object.entries(t.add)) m.add[k] = (m.add[k] ?? 0) + v;
    for (const [k, v] of Object.entries(t.latest ?? {})) latest[k] = Math.max(latest[k] ?? v, v);
    merged.set(tallyId(t), m);
  }
  return [...merged.values()].map((t) => {
    const names: Record<string, string> = {};
    const values: Item = {};
    const adds = Object.entries(t.add).map(([k, v], i) => {
      names[`#a${i}`] = k;
      values[`:a${i}`] = v;
      return `#a${i} :a${i}`;
    });
    const sets = Object.entries(t.latest ?? {}).map(([k, v], i) => {
      names[`#l${i}`] = k;
      values[`:l${i}`] = v;
      return `#l${i} = :l${i}`;
    });
    return {
      Update: {
        TableName: db.table,
        Key: t.key,
        UpdateExpression: `ADD ${adds.join(", ")}${sets.length ? ` SET ${sets.join(", ")}` : ""}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
};

/** The job's counters after `moves` of its recipients went from one state to another (none when nothing changes). */
const jobUpdate = (db: Db, fx: ReturnType<typeof effects>, batch: MoveBatch, moves: Move[]): TransactItems => {
  const n = moves.length;
  const jobValues: Item = {};
  const jobNames: Record<string, string> = {};
  const adds: string[] = [];
  Object.entries(fx.job).forEach(([k, v], idx) => {
    jobNames[`#c${idx}`] = k;
    jobValues[`:c${idx}`] = v * n;
    adds.push(`#c${idx} :c${idx}`);
  });
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
  if (batch.progressAt !== undefined && jobExpr) {
    jobSets.push("progress_at = :progress");
    jobValues[":progress"] = batch.progressAt;
  }
  // Real sends per day, which the job's daily_limit counts (`sent_days` exists from the job's creation).
  const days: Record<string, number> = {};
  for (const m of moves) if (m.sentDay) days[m.sentDay] = (days[m.sentDay] ?? 0) + 1;
  Object.entries(days).forEach(([day, count], idx) => {
    jobNames[`#d${idx}`] = day;
    jobSets.push(`sent_days.#d${idx} = if_not_exists(sent_days.#d${idx}, :zero) + :d${idx}`);
    jobValues[`:d${idx}`] = count;
    jobValues[":zero"] = 0;
  });
  if (jobSets.length) jobExpr += ` SET ${jobSets.join(", ")}`;
  if (!jobExpr) return [];
  return [
    {
      Update: {
        TableName: db.table,
        Key: jobKey(batch.job.tenant_id, batch.job.id),
        UpdateExpression: jobExpr.trim(),
        ExpressionAttributeNames: Object.keys(jobNames).length ? jobNames : undefined,
        ExpressionAttributeValues: jobValues,
      },
    },
  ];
};

/** The recipient's conditional update: from `from` to `to`, with its own attributes. */
const recipientUpdate = (db: Db, job: JobRef, from: RecipientStatus, to: RecipientStatus, m: Move): TransactItems[number] => {
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
  return {
    Update: {
      TableName: db.table,
      Key: recipientKey(job.id, m.phone),
      UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
      ConditionExpression: "#status = :from",
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/**
 * Recipient state changes, each one transaction with the jobs' counters and the month's quota, so
 * the counts always equal the recipients by state.
 */
export const createMover = (db: Db) => {
  /**
   * Moves recipients of one or more jobs from one state to another: as few transactions as fit them
   * (≤ 100 items each: the recipients, each job's counters once, each shared item once). Recipients
   * not in `from` are left alone and reported, the others moved without them. One `from` state per
   * call: the counters' effects depend on it. Answers each batch's moved and refused phones, in order.
   */
  const many = async (from: RecipientStatus, to: RecipientStatus, batches: MoveBatch[]): Promise<Moved[]> => {
    const fx = effects(from, to);
    // One batch per job (a transaction may hold a job's counters once).
    const byJob = new Map<string, MoveBatch>();
    for (const b of batches) {
      const had = byJob.get(b.job.id);
      const progressAt = Math.max(had?.progressAt ?? Number.NEGATIVE_INFINITY, b.progressAt ?? Number.NEGATIVE_INFINITY);
      byJob.set(b.job.id, { job: b.job, moves: [...(had?.moves ?? []), ...b.moves], progressAt: Number.isFinite(progressAt) ? progressAt : undefined });
    }
    const usage = (job: JobRef): Tally[] =>
      fx.usage === "consume"
        ? [{ key: usageKey(job.tenant_id, job.quota_month), add: { total_messages: 1, reserved_messages: -1 } }]
        : fx.usage === "release"
          ? [{ key: usageKey(job.tenant_id, job.quota_month), add: { reserved_messages: -1, committed: -1 } }]
          : [];
    const entries: Entry[] = [...byJob.values()].flatMap((batch) =>
      batch.moves.map((move) => ({ batch, move, tallies: [...usage(batch.job), ...(move.tallies ?? [])] })),
    );
    const done = new Map<string, Moved>([...byJob.keys()].map((id) => [id, { moved: [], refused: [] }]));
    for (let i = 0; i < entries.length; ) {
      let chunk: Entry[] = [];
      const jobs = new Set<string>();
      const shared = new Set<string>();
      for (let used = 0; i < entries.length; i++) {
        const e = entries[i] as Entry;
        const fresh = new Set(e.tallies.map(tallyId).filter((id) => !shared.has(id)));
        const size = 1 + (jobs.has(e.batch.job.id) ? 0 : 1) + fresh.size;
        if (chunk.length > 0 && used + size > MAX_ITEMS) break;
        chunk.push(e);
        jobs.add(e.batch.job.id);
        for (const id of fresh) shared.add(id);
        used += size;
      }
      while (chunk.length > 0) {
        const items: TransactItems = chunk.map((e) => recipientUpdate(db, e.batch.job, from, to, e.move));
        for (const id of new Set(chunk.map((e) => e.batch.job.id))) {
          const batch = byJob.get(id) as MoveBatch;
          items.push(
            ...jobUpdate(
              db,
              fx,
              batch,
              chunk.filter((e) => e.batch === batch).map((e) => e.move),
            ),
          );
        }
        items.push(...mergedTallies(db, chunk));
        const res = await transact(db, items);
        if (res.ok) {
          for (const e of chunk) done.get(e.batch.job.id)?.moved.push(e.move.phone);
          break;
        }
        // The recipients come first: a refused item's index is its recipient's in the chunk.
        const bad = new Set(res.failed.filter((x) => x < chunk.length));
        if (bad.size === 0) throw new Error(`recipient move ${from}→${to} refused by a non-recipient condition`);
        for (const idx of bad) done.get((chunk[idx] as Entry).batch.job.id)?.refused.push((chunk[idx] as Entry).move.phone);
        chunk = chunk.filter((_, idx) => !bad.has(idx));
      }
    }
    return batches.map((b) => {
      const all = done.get(b.job.id) as Moved;
      const mine = new Set(b.moves.map((m) => m.phone));
      return { moved: all.moved.filter((p) => mine.has(p)), refused: all.refused.filter((p) => mine.has(p)) };
    });
  };

  /** Moves recipients of one job (see `many`). */
  const move = async (job: JobRef, from: RecipientStatus, to: RecipientStatus, moves: Move[]): Promise<Moved> =>
    (await many(from, to, [{ job, moves }]))[0] as Moved;

  return Object.assign(move, { many });
};
