import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { SHARD_LEASE_MS } from "../../packages/system/src/fleet";
import { type Client, client, phones, runtimeStore, waitFor } from "./api";
import type { RuntimeProcess } from "./runtime";

/** The fleet fault suites' shared setup: many sandbox sessions with paced jobs, and what the outbox and /health show. */
export const SHARDS = 8;
export const MEMBERS = 30;
export const MAX_DELAY_S = 2;

export interface Worker {
  id: string;
  pid: number;
  shards: number[];
}
export interface Health {
  workers: { id: string; shards: number[] }[];
}

export const runtimeInfo = (dataDir: string) => JSON.parse(readFileSync(join(dataDir, "runtime.json"), "utf8")) as { workers: Worker[]; shards: number };

/** Creates `n` sandbox sessions at once (ten requests at a time) and waits until every one is working. */
export const sessions = async (api: Client, n: number, label: string) => {
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
export const jobsOn = async (api: Client, sessionIds: string[], label: string) => {
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

export const completed = (api: Client, jobs: { id: string }[], timeoutMs: number) =>
  waitFor(
    async () => {
      const all = await Promise.all(jobs.map(async (j) => (await api.get(`/bulk-send/${j.id}`)).body));
      return all.every((b) => b.status === "completed") ? all : undefined;
    },
    { timeoutMs, intervalMs: 2000, what: `${jobs.length} jobs to complete` },
  );

/** What the sandbox outbox holds for each job: messages per phone, and each session's send times in order. */
export const outboxOf = async (dataDir: string, jobs: { session: string; text: string }[]) => {
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
export const expectBalanced = (health: Health, workers: number) => {
  expect(health.workers).toHaveLength(workers);
  const owned = health.workers.flatMap((w) => w.shards).sort((a, b) => a - b);
  expect(owned).toEqual(Array.from({ length: SHARDS }, (_, i) => i));
  const counts = health.workers.map((w) => w.shards.length);
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
};

export const balanced = (rt: RuntimeProcess, workers: number) =>
  waitFor(
    async () => {
      const h = (await client(rt.url).get("/health")).body as Health;
      const owned = h.workers?.flatMap((w) => w.shards) ?? [];
      const counts = h.workers?.map((w) => w.shards.length) ?? [];
      return h.workers?.length === workers && owned.length === SHARDS && Math.max(...counts) - Math.min(...counts) <= 1 ? h : undefined;
    },
    { timeoutMs: SHARD_LEASE_MS * 3, intervalMs: 500, what: `${SHARDS} shards balanced over ${workers} workers` },
  );
