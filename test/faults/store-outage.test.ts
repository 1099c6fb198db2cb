import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { client, phones, waitFor, workingSession } from "../helpers/api";
import { dynamoPid, type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

describe("store outage", () => {
  let rt: RuntimeProcess | undefined;
  let revived: ChildProcess | undefined;
  afterAll(async () => {
    await rt?.stop();
    revived?.kill("SIGKILL");
    if (rt) removeDir(rt.dataDir);
  });

  it("answers 503 (not 500, not a hang) while DynamoDB Local is down for 10 s, then finishes the job with no duplicate", async () => {
    rt = await startRuntimeProcess({ env: { OUTREACH_DEV_PLAN: "unlimited", OUTREACH_RATE_LIMIT: "0" } });
    const api = client(rt.url, rt.key);
    const session = await workingSession(api);
    const members = phones(30).map((phone) => ({ phone }));
    const g = await api.post("/custom-groups", { name: "outage", members });
    const job = await api.post("/bulk-send", {
      session_id: session.id,
      custom_group_id: g.body.id,
      message_content: "o",
      min_delay_seconds: 0,
      max_delay_seconds: 1,
    });
    await waitFor(async () => (await api.get(`/bulk-send/${job.body.id}`)).body.sent_count >= 5, { what: "five sends" });

    // Stop the store, exactly as it was started (same port, same data), and bring it back 10 s later.
    const pid = dynamoPid(rt.dataDir) as number;
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    process.kill(pid, "SIGKILL");
    const downAt = Date.now();
    const seen = new Set<number>();
    while (Date.now() - downAt < 10_000) {
      const t = Date.now();
      const res = await api.get(`/bulk-send/${job.body.id}`);
      seen.add(res.status);
      expect(Date.now() - t).toBeLessThan(8000);
      if (res.status === 503) expect(res.headers.get("retry-after")).toBeTruthy();
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect([...seen]).toEqual([503]);
    revived = spawn(argv[0] as string, argv.slice(1), { stdio: "ignore" });

    const done = await waitFor(
      async () => {
        const res = await api.get(`/bulk-send/${job.body.id}`);
        return res.status === 200 && res.body.status === "completed" ? res.body : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000, what: "the job to finish after the outage" },
    );
    expect(done.sent_count + done.unknown_count + done.failed_count).toBe(30);
    expect(done.pending_count).toBe(0);
    const sent = (await client(rt.url).get(`/sandbox/api/messages?session_id=${session.id}`)).body.messages as { to: string }[];
    expect(new Set(sent.map((m) => m.to)).size).toBe(sent.length);
  }, 300_000);
});
