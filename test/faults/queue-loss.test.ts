import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../packages/local/src/net";
import { startRuntime } from "../../packages/local/src/runtime";
import { client, phones, waitFor, workingSession } from "../helpers/api";

describe("queue loss", () => {
  const dir = mkdtempSync(join(tmpdir(), "outreach-qloss-"));
  let rt: Awaited<ReturnType<typeof startRuntime>> | undefined;
  afterAll(async () => {
    await rt?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finishes a paced job after the local SQS server restarts empty mid-job, without duplicates", async () => {
    const port = await freePort();
    rt = await startRuntime({ port, dataDir: dir, transport: "sandbox", devPlan: "unlimited", logLevel: "silent", rateLimitPerSecond: 0 });
    const api = client(`http://127.0.0.1:${port}`, rt.devKey);
    const session = await workingSession(api);
    const members = phones(12).map((phone) => ({ phone }));
    const g = await api.post("/custom-groups", { name: "qloss", members });
    const job = await api.post("/bulk-send", {
      session_id: session.id,
      custom_group_id: g.body.id,
      message_content: "q",
      min_delay_seconds: 1,
      max_delay_seconds: 1,
    });
    await waitFor(async () => (await api.get(`/bulk-send/${job.body.id}`)).body.sent_count >= 3, { what: "three sends" });
    await rt.restartQueues();
    const stuck = (await api.get(`/bulk-send/${job.body.id}`)).body;
    expect(stuck.status).toBe("running");
    expect(stuck.pending_count).toBeGreaterThan(0);
    const done = await waitFor(
      async () => {
        const j = (await api.get(`/bulk-send/${job.body.id}`)).body;
        return j.status === "completed" ? j : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 1000, what: "the job to finish after the queue loss" },
    );
    expect(done.sent_count + done.unknown_count).toBe(12);
    const sent = (await client(`http://127.0.0.1:${port}`).get(`/sandbox/api/messages?session_id=${session.id}`)).body.messages as { to: string }[];
    expect(new Set(sent.map((m) => m.to)).size).toBe(sent.length);
  }, 300_000);
});
