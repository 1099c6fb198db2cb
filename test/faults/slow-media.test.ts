import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createIds } from "../../packages/core/src/id";
import { systemClock } from "../../packages/core/src/port";
import { createKey, createTenant } from "../../packages/core/src/tenant";
import { client, phones, runtimeStore, waitFor } from "../helpers/api";
import { type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

/**
 * Issue 13, "one slow URL stops every tenant's sends": tenant A runs three 100-member jobs whose media
 * URLs trickle one byte a second (a tarpit on 127.0.0.1, allowed by OUTREACH_ALLOW_PRIVATE_URLS=1),
 * delays 0, so ~300 of A's messages wait in three blocked lanes at once. Tenant B sends a 20-member text
 * job on its own session with 1–2 s gaps. Before the fix every waiting message held one of the sends
 * consumer's 256 slots and B stopped until A's downloads gave up; now B keeps its pace, and A's
 * recipients fail with the download's timeout as the reason.
 */
describe("a tarpit media URL of one tenant does not stall another tenant's sends", () => {
  let rt: RuntimeProcess | undefined;
  let tarpit: http.Server | undefined;
  const sockets = new Set<import("node:net").Socket>();
  afterAll(async () => {
    await rt?.stop();
    if (rt) removeDir(rt.dataDir);
    for (const s of sockets) s.destroy();
    await new Promise((r) => (tarpit ? tarpit.close(r) : r(undefined)));
  });

  it("keeps tenant B on its pace while tenant A's media downloads trickle, and fails A's recipients with the timeout", async () => {
    tarpit = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "image/png", "content-length": "1000000" });
      const t = setInterval(() => res.write(Buffer.alloc(1, 1)), 1000);
      res.on("close", () => clearInterval(t));
    });
    tarpit.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    await new Promise<void>((r) => tarpit?.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(tarpit.address() as AddressInfo).port}`;
    rt = await startRuntimeProcess({ env: { OUTREACH_ALLOW_PRIVATE_URLS: "1", OUTREACH_FETCH_TIMEOUT_SECONDS: "20", OUTREACH_RATE_LIMIT: "0" } });
    const store = runtimeStore(rt.dataDir);
    const tenant = async () => {
      const deps = { store, ids: createIds(), clock: systemClock };
      const t = await createTenant(deps, { name: "t", plan: "business" });
      return client((rt as RuntimeProcess).url, (await createKey(deps, { tenantId: t.id, name: "k" })).key);
    };
    const session = async (api: ReturnType<typeof client>) => {
      const s = await api.post("/sessions", { name: "s" });
      await waitFor(async () => (await api.get(`/sessions/${s.body.id}`)).body.status === "working", { what: "session working" });
      return s.body.id as string;
    };
    const group = async (api: ReturnType<typeof client>, n: number) =>
      (await api.post("/custom-groups", { name: `g${n}`, members: phones(n).map((phone) => ({ phone })) })).body.id as string;

    const a = await tenant();
    const b = await tenant();
    const aJobs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const job = await a.post("/bulk-send", {
        session_id: await session(a),
        custom_group_id: await group(a, 100),
        media_url: `${url}/slow-${i}.png`,
        message_content: "look",
        min_delay_seconds: 0,
        max_delay_seconds: 0,
        max_consecutive_failures: 1000,
      });
      expect(job.status).toBe(201);
      aJobs.push(job.body.id);
    }
    // Let A's messages reach the worker and block its lanes before B starts.
    await new Promise((r) => setTimeout(r, 3000));
    const bSession = await session(b);
    const bJob = await b.post("/bulk-send", {
      session_id: bSession,
      custom_group_id: await group(b, 20),
      message_content: "hello {{phone}}",
      min_delay_seconds: 1,
      max_delay_seconds: 2,
    });
    expect(bJob.status).toBe(201);
    await waitFor(async () => (await b.get(`/bulk-send/${bJob.body.id}`)).body.status === "completed", { timeoutMs: 90_000, what: "B's job to complete" });

    const sent = ((await client(rt.url).get(`/sandbox/api/messages?session_id=${bSession}`)).body.messages as { sent_at: string }[])
      .map((m) => Date.parse(m.sent_at))
      .sort((x, y) => x - y);
    expect(sent).toHaveLength(20);
    // B's own pace: its first message within a few seconds of its creation (planning, then a 1–2 s slot)
    // and 1–2 s between messages. A stall behind A's downloads would show as ~20 s before or between them.
    expect(sent[0] as number).toBeLessThan(Date.parse(bJob.body.created_at) + 8000);
    const gaps = sent.slice(1).map((t, i) => t - (sent[i] as number));
    expect(Math.max(...gaps)).toBeLessThan(2000 + 1500);

    for (const id of aJobs) {
      const done = await waitFor(
        async () => {
          const j = (await a.get(`/bulk-send/${id}`)).body;
          return j.status === "completed" ? j : undefined;
        },
        { timeoutMs: 120_000, what: `A's job ${id} to end` },
      );
      expect(done.sent_count).toBe(0);
      expect(done.failed_count).toBe(100);
      const failed = (await a.get(`/bulk-send/${id}/recipients?status=failed&limit=5`)).body.recipients as { error: string }[];
      for (const r of failed) expect(r.error).toMatch(/did not finish within 20 s/);
    }
  }, 300_000);
});
