import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../../packages/aws/src/store";
import { Keys } from "../../packages/aws/src/store/keys";
import { LEASE_TTL_MS } from "../../packages/system/src/host";
import { client, phones, waitFor, workingSession } from "../helpers/api";
import { alive, type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

const SESSIONS = 4;
const MEMBERS = 12;

/**
 * A deploy's handover, locally: two worker processes (OUTREACH_WORKERS=2) host sandbox sessions on one
 * store; the one holding most sessions gets SIGTERM while it sends, as ECS does to the old task.
 */
describe("worker handover", () => {
  let rt: RuntimeProcess | undefined;
  afterAll(async () => {
    await rt?.stop();
    if (rt) removeDir(rt.dataDir);
  });

  it("SIGTERM to a worker while it sends: nothing twice, nothing unknown, the other worker takes every session within the lease time", async () => {
    rt = await startRuntimeProcess({ env: { OUTREACH_WORKERS: "2", OUTREACH_DEV_PLAN: "unlimited", OUTREACH_RATE_LIMIT: "0" } });
    const api = client(rt.url, rt.key);
    const info = JSON.parse(readFileSync(join(rt.dataDir, "runtime.json"), "utf8")) as {
      dynamodb_endpoint: string;
      table: string;
      workers: { id: string; pid: number; shards: number[] }[];
    };
    expect(info.workers).toHaveLength(2);
    const db = createDb({ table: info.table, endpoint: info.dynamodb_endpoint });
    const leaseOwner = async (sessionId: string) =>
      ((await db.doc.send(new GetCommand({ TableName: info.table, Key: Keys.lease(sessionId), ConsistentRead: true }))).Item?.owner as string | undefined) ??
      "";

    const sessions: { id: string }[] = [];
    for (let i = 0; i < SESSIONS; i++) sessions.push(await workingSession(api, `handover ${i}`));
    const jobs: { id: string; session: string; text: string }[] = [];
    for (const [i, s] of sessions.entries()) {
      const g = await api.post("/custom-groups", { name: `handover ${i}`, members: phones(MEMBERS).map((phone) => ({ phone })) });
      const text = `handover ${i} ${Date.now()}`;
      const job = await api.post("/bulk-send", {
        session_id: s.id,
        custom_group_id: g.body.id,
        message_content: text,
        min_delay_seconds: 1,
        max_delay_seconds: 1,
      });
      expect(job.status).toBe(201);
      jobs.push({ id: job.body.id, session: s.id, text });
    }
    // Mid-job: stop the worker that holds most sessions.
    await waitFor(async () => (await api.get(`/bulk-send/${jobs[0]?.id}`)).body.sent_count >= 3, { timeoutMs: 60_000, what: "sending under way" });
    const owners = await Promise.all(sessions.map((s) => leaseOwner(s.id)));
    const byWorker = info.workers.map((w) => ({ ...w, held: owners.filter((o) => o === w.id).length }));
    const victim = byWorker.reduce((a, b) => (b.held > a.held ? b : a));
    expect(victim.held).toBeGreaterThan(0);
    const stoppedAt = Date.now();
    process.kill(victim.pid, "SIGTERM");
    await waitFor(async () => !alive(victim.pid), { timeoutMs: 30_000, what: "the stopped worker to exit" });

    // The survivor takes every session within the lease time (a clean handover releases the leases at once).
    const survivor = info.workers.find((w) => w.id !== victim.id) as { id: string };
    await waitFor(async () => (await Promise.all(sessions.map((s) => leaseOwner(s.id)))).every((o) => o === survivor.id), {
      timeoutMs: LEASE_TTL_MS,
      intervalMs: 250,
      what: "the other worker to hold every session",
    });
    const takenWithin = Date.now() - stoppedAt;

    for (const j of jobs) {
      const done = await waitFor(
        async () => {
          const b = (await api.get(`/bulk-send/${j.id}`)).body;
          return b.status === "completed" ? b : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 500, what: `job ${j.id} to complete` },
      );
      // Nothing marked unknown (every send under way was recorded before the lease went), nothing failed.
      expect(done).toMatchObject({ sent_count: MEMBERS, unknown_count: 0, failed_count: 0 });
      const out = (await client(rt.url).get(`/sandbox/api/messages?session_id=${j.session}`)).body.messages.filter((m: { text: string }) => m.text === j.text);
      const perPhone = new Map<string, number>();
      for (const m of out as { to: string }[]) perPhone.set(m.to, (perPhone.get(m.to) ?? 0) + 1);
      expect(perPhone.size).toBe(MEMBERS);
      expect([...perPhone.values()].every((n) => n === 1)).toBe(true);
    }
    expect(takenWithin).toBeLessThan(LEASE_TTL_MS);
  }, 300_000);
});
