import { afterAll, describe, expect, it } from "vitest";
import { startWorkers } from "../../packages/local/src/workers";
import { SHARD_LEASE_MS } from "../../packages/system/src/fleet";
import { client, waitFor } from "../helpers/api";
import { balanced, completed, expectBalanced, jobsOn, MAX_DELAY_S, MEMBERS, outboxOf, runtimeInfo, SHARDS, sessions } from "../helpers/fleet";
import { type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

/** The fleet grows while it sends: workers added to a running runtime take shards over gracefully. */
describe("a fleet of workers, two added", () => {
  let rt: RuntimeProcess | undefined;
  let joined: { stop(): Promise<void> } | undefined;
  afterAll(async () => {
    await joined?.stop();
    await rt?.stop();
    if (rt) removeDir(rt.dataDir);
  });

  it("1 worker, then 2 more join while jobs run: shards move with nothing twice and no gap beyond the lease + the job's max delay", async () => {
    rt = await startRuntimeProcess({
      env: { OUTREACH_WORKERS: "1", OUTREACH_SHARDS: String(SHARDS), OUTREACH_DEV_PLAN: "unlimited", OUTREACH_RATE_LIMIT: "0" },
    });
    const api = client(rt.url, rt.key);
    expectBalanced(await balanced(rt, 1), 1);
    const ids = await sessions(api, 24, "rebalance");
    const jobs = await jobsOn(api, ids, `rebalance ${Date.now()}`);
    await waitFor(async () => (await api.get(`/bulk-send/${jobs[0]?.id}`)).body.sent_count >= 5, { timeoutMs: 90_000, what: "sending under way" });

    const dataDir = rt.dataDir;
    joined = await startWorkers({ ids: ["2", "3"], dataDir, logLevel: "warn" });
    const spread = await balanced(rt, 3);
    expectBalanced(spread, 3);
    // runtime.json lists the workers with their shards, kept current.
    await waitFor(
      async () =>
        runtimeInfo(dataDir)
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
