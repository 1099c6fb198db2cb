import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { shardOf } from "../../packages/core/src/shard";
import { startWorkers } from "../../packages/local/src/workers";
import { SHARD_LEASE_MS } from "../../packages/system/src/fleet";
import { LEASE_TTL_MS } from "../../packages/system/src/host";
import { type Client, client, phones, runtimeStore, waitFor } from "../helpers/api";
import { alive, type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

const SHARDS = 8;
const MEMBERS = 30;
const MAX_DELAY_S = 2;

interface Worker {
  id: string;
  pid: number;
  shards: number[];
}
interface Health {
  workers: { id: string; shards: number[]; sessions: number }[];
}

const runtimeInfo = (dataDir: string) => JSON.parse(readFileSync(join(dataDir, "runtime.json"), "utf8")) as { workers: Worker[]; shards: number };

/** Creates `n` sandbox sessions at once (ten requests at a time) and waits until every one is working. */
const sessions = async (api: Client, n: number, label: string) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const created = await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) => api.post("/sessions", { name: `${label} ${i + j}` })));
    for (const c of created) {
      expect(c.status).toBe(201);
      ids.push(c.body.id);
    }
  }
  await waitFor(
    async () => {
      const list = (await api.get("/sessions")).body as { id: string; status: string }[];
      return ids.every((id) => list.find((s) => s.id === id)?.status === "working");
    },
    { timeoutMs: 120_000, intervalMs: 500, what: `${n} sessions working` },
  );
  return ids;
};

/** One paced job (1–2 s gaps) per session, to one shared group of `MEMBERS`; each job's text names it. */
const jobsOn = async (api: Client, sessionIds: string[], label: string) => {
  const group = await api.post("/custom-groups", { name: label, members: phones(MEMBERS).map((phone) => ({ phone })) });
  expect(group.status).toBe(201);
  const jobs: { id: string; session: string; text: string }[] = [];
  for (let i = 0; i < sessionIds.length; i += 10) {
    const batch = sessionIds.slice(i, i + 10);
    const created = await Promise.all(
      batch.map((session, j) =>
        api.post("/bulk-send", {
          session_id: session,
          custom_group_id: group.body.id,
          message_content: `${label} ${i + j}`,
          min_delay_seconds: 1,
          max_delay_seconds: MAX_DELAY_S,
        }),
      ),
    );
    for (const [j, c] of created.entries()) {
      expect(c.status).toBe(201);
      jobs.push({ id: c.body.id, session: batch[j] as string, text: `${label} ${i + j}` });
    }
  }
  return jobs;
};

const completed = (api: Client, jobs: { id: string }[], timeoutMs: number) =>
  waitFor(
    async () => {
      const all = await Promise.all(jobs.map(async (j) => (await api.get(`/bulk-send/${j.id}`)).body));
      return all.every((b) => b.status === "completed") ? all : undefined;
    },
    { timeoutMs, intervalMs: 2000, what: `${jobs.length} jobs to complete` },
  );

/** What the sandbox outbox holds for each job: messages per phone, and each session's send times in order. */
const outboxOf = async (dataDir: string, jobs: { session: string; text: string }[]) => {
  const all = await runtimeStore(dataDir).sandbox.list({});
  return new Map(
    jobs.map((j) => {
      const mine = all.filter((m) => m.session_id === j.session && m.text === j.text);
      const perPhone = new Map<string, number>();
      for (const m of mine) perPhone.set(m.to, (perPhone.get(m.to) ?? 0) + 1);
      return [j.session, { perPhone, times: mine.map((m) => Date.parse(m.sent_at)).sort((a, b) => a - b) }];
    }),
  );
};

/** Every shard owned by exactly one live worker, and each worker within one shard of the others. */
const expectBalanced = (health: Health, workers: number) => {
  expect(health.workers).toHaveLength(workers);
  const owned = health.workers.flatMap((w) => w.shards).sort((a, b) => a - b);
  expect(owned).toEqual(Array.from({ length: SHARDS }, (_, i) => i));
  const counts = health.workers.map((w) => w.shards.length);
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
};

const balanced = (rt: RuntimeProcess, workers: number) =>
  waitFor(
    async () => {
      const h = (await client(rt.url).get("/health")).body as Health;
      const owned = h.workers?.flatMap((w) => w.shards) ?? [];
      const counts = h.workers?.map((w) => w.shards.length) ?? [];
      return h.workers?.length === workers && owned.length === SHARDS && Math.max(...counts) - Math.min(...counts) <= 1 ? h : undefined;
    },
    { timeoutMs: SHARD_LEASE_MS * 3, intervalMs: 500, what: `${SHARDS} shards balanced over ${workers} workers` },
  );

/**
 * The fleet, locally: worker processes on one DynamoDB Local and SQS server, each holding its share of
 * the 8 shards by lease, hosting those shards' sandbox sessions and polling their sends queues.
 */
describe("a fleet of workers", () => {
  const runtimes: RuntimeProcess[] = [];
  const extra: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const w of extra) await w.stop();
    for (const rt of runtimes) {
      await rt.stop();
      removeDir(rt.dataDir);
    }
  });

  it("SIGKILL to one of 3 workers mid-run: every job completes, nothing twice, its sessions resume within the lease + 10 s, the rest own every shard", async () => {
    const rt = await startRuntimeProcess({
      env: { OUTREACH_WORKERS: "3", OUTREACH_SHARDS: String(SHARDS), OUTREACH_DEV_PLAN: "unlimited", OUTREACH_RATE_LIMIT: "0" },
    });
    runtimes.push(rt);
    const api = client(rt.url, rt.key);
    expectBalanced(await balanced(rt, 3), 3);
    const ids = await sessions(api, 60, "fleet");
    const jobs = await jobsOn(api, ids, `fleet ${Date.now()}`);

    // Mid-run: kill the worker holding the most sessions, as a crashed task dies (no handover).
    await waitFor(async () => (await api.get(`/bulk-send/${jobs[0]?.id}`)).body.sent_count >= 8, { timeoutMs: 90_000, what: "sending under way" });
    const workers = runtimeInfo(rt.dataDir).workers;
    expect(workers).toHaveLength(3);
    const hosted = (w: Worker) => ids.filter((id) => w.shards.includes(shardOf(id, SHARDS)));
    const victim = workers.reduce((a, b) => (hosted(b).length > hosted(a).length ? b : a));
    const orphaned = hosted(victim);
    expect(orphaned.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    process.kill(victim.pid, "SIGKILL");
    await waitFor(async () => !alive(victim.pid), { timeoutMs: 10_000, what: "the killed worker to be gone" });

    // The two survivors take the dead worker's shards once its leases run out, and end balanced ±1.
    const after = await balanced(rt, 2);
    expectBalanced(after, 2);
    expect(after.workers.map((w) => w.id)).not.toContain(victim.id);

    const done = await completed(api, jobs, 360_000);
    const box = await outboxOf(rt.dataDir, jobs);
    for (const [i, j] of jobs.entries()) {
      const b = done[i];
      // Sends under way at the kill may be unknown (never resent); everything else was sent.
      expect(b.sent_count + b.unknown_count).toBe(MEMBERS);
      expect(b.failed_count).toBe(0);
      const out = box.get(j.session) as { perPhone: Map<string, number>; times: number[] };
      expect([...out.perPhone.values()].every((n) => n === 1)).toBe(true);
      expect(out.perPhone.size).toBeGreaterThanOrEqual(b.sent_count);
    }
    // Each of the killed worker's sessions sent again within the lease time + 10 s of the kill.
    const resumeBy = killedAt + Math.max(SHARD_LEASE_MS, LEASE_TTL_MS) + 10_000;
    const resumed = orphaned.map((id) => ((box.get(id) as { times: number[] }).times.find((t) => t > killedAt + 1000) ?? Number.NaN) - killedAt);
    console.info(
      `fleet: ${orphaned.length} sessions of the killed worker resumed ${Math.min(...resumed) / 1000}–${Math.max(...resumed) / 1000} s after the kill`,
    );
    for (const id of orphaned) {
      const times = (box.get(id) as { times: number[] }).times;
      const next = times.find((t) => t > killedAt + 1000);
      const around = times.map((t) => Math.round((t - killedAt) / 100) / 10).join(" ");
      expect(next, `session ${id} resumed (sends at s after the kill: ${around})`).toBeDefined();
      expect(next as number, `session ${id}'s first send after the kill (sends at s after the kill: ${around})`).toBeLessThanOrEqual(resumeBy);
    }
  }, 900_000);

  it("1 worker, then 2 more join while jobs run: shards move with nothing twice and no gap beyond the lease + the job's max delay", async () => {
    const rt = await startRuntimeProcess({
      env: { OUTREACH_WORKERS: "1", OUTREACH_SHARDS: String(SHARDS), OUTREACH_DEV_PLAN: "unlimited", OUTREACH_RATE_LIMIT: "0" },
    });
    runtimes.push(rt);
    const api = client(rt.url, rt.key);
    expectBalanced(await balanced(rt, 1), 1);
    const ids = await sessions(api, 24, "rebalance");
    const jobs = await jobsOn(api, ids, `rebalance ${Date.now()}`);
    await waitFor(async () => (await api.get(`/bulk-send/${jobs[0]?.id}`)).body.sent_count >= 5, { timeoutMs: 90_000, what: "sending under way" });

    const joined = await startWorkers({ ids: ["2", "3"], dataDir: rt.dataDir, logLevel: "warn" });
    extra.push(joined);
    const spread = await balanced(rt, 3);
    expectBalanced(spread, 3);
    // runtime.json lists the workers with their shards, kept current.
    await waitFor(
      async () =>
        runtimeInfo(rt.dataDir)
          .workers.map((w) => w.shards.length)
          .sort((a, b) => a - b)
          .join() === "2,3,3",
      { timeoutMs: 10_000, what: "runtime.json to list 3 workers with 2, 3 and 3 shards" },
    );

    const done = await completed(api, jobs, 300_000);
    const box = await outboxOf(rt.dataDir, jobs);
    for (const [i, j] of jobs.entries()) {
      // A graceful move records every send under way: nothing unknown, nothing twice.
      expect(done[i]).toMatchObject({ sent_count: MEMBERS, unknown_count: 0, failed_count: 0 });
      const out = box.get(j.session) as { perPhone: Map<string, number>; times: number[] };
      expect(out.perPhone.size).toBe(MEMBERS);
      expect([...out.perPhone.values()].every((n) => n === 1)).toBe(true);
      const gaps = out.times.slice(1).map((t, k) => t - (out.times[k] as number));
      expect(Math.max(...gaps), `longest gap of session ${j.session}`).toBeLessThanOrEqual(SHARD_LEASE_MS + MAX_DELAY_S * 1000);
    }
  }, 900_000);
});
