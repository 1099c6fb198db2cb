import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import type { Job, JobStatus } from "@outreach/core/job";
import { batchGet, conditional, type Db, type Item, onIndex, queryAll } from "./db";
import { INDEX, Keys, Lists } from "./keys";

/** Active jobs (pending, running, paused): the reconciler's list. */
export const ACTIVE: JobStatus[] = ["pending", "running", "paused"];

/** Entries of ended jobs deleted at once by a look. */
const DROP_CONCURRENCY = 16;

export type ActiveJob = { tenant_id: string; id: string; status: JobStatus; session_id: string; origin: Job["origin"] };

/**
 * A job's place in the `ACTIVE_JOBS` list is a small item of its own (`T#<tenant>` · `ACTIVEJOB#<id>`),
 * not the job item: the index projects every attribute, so while the job item itself was listed every
 * write to it — the counters of each record and receipt transaction — was also a write to the index
 * (one unit more per write, two for a job item over 1 KB). The entry is put with the job, and before
 * any change that may make a job active again; a job that is no longer active loses it at the next
 * `listJobs`, which reads the jobs' states, once it counts no pending recipient. `since` tells one
 * activation from the next, so that a stale look never deletes the entry of a job made active again
 * after it.
 *
 * The list is also where recovery looks for claims (`sending` recipients) since they left the index:
 * a job that ended with claims not yet recorded (a cancel leaves the sends under way to be recorded)
 * still counts them in `pending_count`, so its entry stays until they are recorded or settled.
 */
export const activeEntryPut = (db: Db, tenantId: string, id: string, since: string) => ({
  TableName: db.table,
  Item: { ...Keys.activeJob(tenantId, id), ...Lists.activeJob(id), tenant_id: tenantId, id, since },
});

/**
 * Every listed job: the active ones, and ended ones that still count pending recipients (claims not
 * yet recorded), from the list's entries and the jobs they name (and job items listed by an older
 * version). Entries of ended jobs that count none are deleted.
 */
export const listJobs = async (db: Db): Promise<ActiveJob[]> => {
  const listed: Item[] = [];
  for await (const i of queryAll(db, {
    ...onIndex,
    KeyConditionExpression: "#ipk = :p",
    ExpressionAttributeNames: { "#ipk": INDEX.pk },
    ExpressionAttributeValues: { ":p": Lists.activeJobs },
  }))
    listed.push(i);
  const entries = listed.filter((i) => String(i.sk).startsWith(Keys.activeJob("", "").sk));
  const jobs = new Map(
    (
      await batchGet(
        db,
        entries.map((e) => Keys.job(e.tenant_id as string, e.id as string)),
        {
          consistent: true,
          projection: "tenant_id, id, #s, session_id, origin, pending_count",
          names: { "#s": "status" },
        },
      )
    ).map((j) => [`${j.tenant_id}/${j.id}`, j]),
  );
  const out: ActiveJob[] = [];
  const seen = new Set<string>();
  const held = (j: Item) => ACTIVE.includes(j.status as JobStatus) || Number(j.pending_count ?? 0) > 0;
  const add = (j: Item) => {
    const key = `${j.tenant_id}/${j.id}`;
    if (seen.has(key) || !held(j)) return;
    seen.add(key);
    out.push({
      tenant_id: j.tenant_id as string,
      id: j.id as string,
      status: j.status as JobStatus,
      session_id: j.session_id as string,
      origin: (j.origin as Job["origin"]) ?? "api",
    });
  };
  const ended: Item[] = [];
  for (const e of entries) {
    const job = jobs.get(`${e.tenant_id}/${e.id}`);
    if (job && held(job)) add(job);
    else ended.push(e);
  }
  // The entries of jobs that ended since the last look go, several at a time (a look after many jobs ended is not held up by them).
  for (let i = 0; i < ended.length; i += DROP_CONCURRENCY)
    await Promise.all(
      ended.slice(i, i + DROP_CONCURRENCY).map((e) =>
        conditional(
          db.doc.send(
            new DeleteCommand({
              TableName: db.table,
              Key: Keys.activeJob(e.tenant_id as string, e.id as string),
              ConditionExpression: "since = :since",
              ExpressionAttributeValues: { ":since": e.since },
            }),
          ),
        ),
      ),
    );
  // Job items listed themselves before their entries existed; they leave the list when they stop being active.
  for (const j of listed) if (!String(j.sk).startsWith(Keys.activeJob("", "").sk)) add(j);
  return out;
};

/** Every active job (pending, running, paused). */
export const listActive = async (db: Db): Promise<ActiveJob[]> => (await listJobs(db)).filter((j) => ACTIVE.includes(j.status));
