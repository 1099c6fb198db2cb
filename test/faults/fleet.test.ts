import { afterAll, describe, expect, it } from "vitest";
import { shardOf } from "../../packages/core/src/shard";
import { SHARD_LEASE_MS } from "../../packages/system/src/fleet";
import { LEASE_TTL_MS } from "../../packages/system/src/host";
import { client, waitFor } from "../helpers/api";
import { balanced, completed, expectBalanced, jobsOn, MEMBERS, outboxOf, runtimeInfo, SHARDS, sessions, type Worker } from "../helpers/fleet";
import { alive, type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

/**
 * The fleet, locally: worker processes on one DynamoDB Local and SQS server, each holding its share of
 * the 8 shards by lease, hosting those shards' sandbox sessions and polling their sends queues. This
 * suite runs alone (its takeover times are the behaviour under test).
 */
describe("a fleet of workers, one killed", () => {
  let rt: RuntimeProcess | undefined;
  afterAll(async () => {
    await rt?.stop();
    if (rt) removeDir(rt.dataDir);
  });

  it("SIGKILL to one of 3 workers mid-run: every job completes, nothing twice, its sessions resume within the lease + 10 s, the rest own every shard", async () => {
    rt = await startRuntimeProcess({
      env: {
        OUTREACH_WORKERS: "3",
        OUTREACH_SHARDS: String(SHARDS),
        OUTREACH_DEV_PLAN: "unlimited",
        OUTREACH_RATE_LIMIT: "0",
      },
    });
    const api = client(rt.url, rt.key);
    expectBalanced(await balanced(rt, 3), 3);
    const ids = await sessions(api, 60, "fleet");
    const jobs = await jobsOn(api, ids, `fleet ${Date.now()}`);

    // Mid-run, once every job is sending: kill the worker holding the most sessions, as a crashed task dies (no handover).
    await waitFor(async () => (await Promise.all(jobs.map(async (j) => (await api.get(`/bulk-send/${j.id}`)).body.sent_count))).every((n) => n >= 1), {
      timeoutMs: 180_000,
      intervalMs: 1000,
      what: "every job sending",
    });
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
    // Each of the killed worker's sessions that still had recipients left sent again within the lease time + 10 s
    // of the kill. Under load the jobs start far apart, so a session can have sent its last message (or have it
    // under way, later counted unknown) before the kill: it has nothing left to resume.
    const resumeBy = killedAt + Math.max(SHARD_LEASE_MS, LEASE_TTL_MS) + 10_000;
    const withWorkLeft = orphaned.filter((id) => {
      const times = (box.get(id) as { times: number[] }).times;
      const unknown = done[jobs.findIndex((j) => j.session === id)].unknown_count;
      return times.filter((t) => t <= killedAt + 1000).length + unknown < MEMBERS;
    });
    expect(withWorkLeft.length, "orphaned sessions with recipients left at the kill").toBeGreaterThan(0);
    const resumed = withWorkLeft.map((id) => ((box.get(id) as { times: number[] }).times.find((t) => t > killedAt + 1000) ?? Number.NaN) - killedAt);
    console.info(
      `fleet: ${withWorkLeft.length} of ${orphaned.length} sessions of the killed worker had work left and resumed ${Math.min(...resumed) / 1000}–${Math.max(...resumed) / 1000} s after the kill`,
    );
    for (const id of withWorkLeft) {
      const times = (box.get(id) as { times: number[] }).times;
      const next = times.find((t) => t > killedAt + 1000);
      const around = times.map((t) => Math.round((t - killedAt) / 100) / 10).join(" ");
      expect(next, `session ${id} resumed (sends at s after the kill: ${around})`).toBeDefined();
      expect(next as number, `session ${id}'s first send after the kill (sends at s after the kill: ${around})`).toBeLessThanOrEqual(resumeBy);
    }
  }, 900_000);
});
