import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, client, phones, waitFor } from "../helpers/api";
import { startReceiver } from "../helpers/receiver";
import { type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

/**
 * Webhook receivers that fail, hang or are gone (issue 18), against a local runtime whose retry
 * schedule is shortened to seconds (OUTREACH_WEBHOOK_RETRY_SECONDS) and which may reach the receivers
 * on 127.0.0.1 (OUTREACH_ALLOW_PRIVATE_URLS=1). Events come from opt-outs added through the API.
 */
describe("webhook delivery faults", () => {
  let rt: RuntimeProcess;
  let api: Client;
  const hangs: (() => void)[] = [];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver((r, before) => {
      if (r.path === "/flaky") return before < 3 ? 500 : 200;
      if (r.path === "/gone") return 410;
      if (r.path === "/slow") return new Promise<number>((ok) => hangs.push(() => ok(200)) && setTimeout(() => ok(200), 30_000));
      return 200;
    });
    rt = await startRuntimeProcess({ env: { OUTREACH_ALLOW_PRIVATE_URLS: "1", OUTREACH_RATE_LIMIT: "0", OUTREACH_WEBHOOK_RETRY_SECONDS: "1,1,1,1" } });
    api = client(rt.url, rt.key);
  });
  afterAll(async () => {
    for (const h of hangs) h();
    await rt?.stop();
    if (rt) removeDir(rt.dataDir);
    await receiver?.close();
  });

  const subscribe = async (path: string) => {
    const r = await api.post("/webhooks", { name: path, url: receiver.url(path), events: ["contact.opted_out"] });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  const deliveries = async (id: string) => (await api.get(`/webhooks/${id}/deliveries`)).body.deliveries as any[];

  it("a receiver answering 500 three times, then 200, gets the same event four times; the log shows 4 attempts, delivered", async () => {
    const id = await subscribe("/flaky");
    await api.post("/opt-outs", { phones: phones(1) });
    await waitFor(async () => (await deliveries(id))[0]?.status === "delivered", { timeoutMs: 40_000, what: "delivered after retries" });
    const got = receiver.at("/flaky");
    expect(got).toHaveLength(4);
    expect(new Set(got.map((r) => r.json.id)).size).toBe(1);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    const [d] = await deliveries(id);
    expect(d).toMatchObject({ status: "delivered", attempts: 4, last_status_code: 200, last_error: null, event: "contact.opted_out" });
    expect((await api.get(`/webhooks/${id}`)).body.is_active).toBe(true);
    await api.del(`/webhooks/${id}`);
  });

  it("a receiver that sleeps 30 s: each attempt ends at 10 s, and another webhook's deliveries are not held up", async () => {
    const slow = await subscribe("/slow");
    const fast = await subscribe("/fast");
    const started = Date.now();
    for (let i = 0; i < 12; i++) await api.post("/opt-outs", { phones: phones(1) });
    // Twelve events queued for the slow receiver (more than its 10 slots) while the fast one gets all of them at once.
    await waitFor(async () => receiver.at("/fast").length >= 12, { timeoutMs: 8_000, what: "the fast receiver's 12 events while the slow one hangs" });
    expect(Date.now() - started).toBeLessThan(8_000);
    const timedOut = await waitFor(async () => (await deliveries(slow)).find((d) => d.last_error), { timeoutMs: 30_000, what: "a timed-out attempt" });
    expect(timedOut.last_error).toMatch(/no answer within 10 s/);
    expect(timedOut.duration_ms).toBeGreaterThanOrEqual(9_500);
    expect(timedOut.duration_ms).toBeLessThan(13_000);
    // Never more than 10 of the slow webhook's attempts at once.
    const firstWave = receiver.at("/slow").filter((r) => r.at - started < 9_000);
    expect(firstWave.length).toBeLessThanOrEqual(10);
    await api.del(`/webhooks/${slow}`);
    await api.del(`/webhooks/${fast}`);
  }, 60_000);

  it("a 410 Gone turns the webhook off at once, with the reason and a notice in its log; PATCH turns it on again", async () => {
    const id = await subscribe("/gone");
    await api.post("/opt-outs", { phones: phones(1) });
    await waitFor(async () => (await api.get(`/webhooks/${id}`)).body.is_active === false, { timeoutMs: 10_000, what: "disabled" });
    expect((await api.get(`/webhooks/${id}`)).body.disabled_reason).toMatch(/410 Gone/);
    const log = await deliveries(id);
    expect(log.map((d) => d.event).sort()).toEqual(["contact.opted_out", "webhook.disabled"]);
    expect(log.find((d) => d.event === "contact.opted_out")).toMatchObject({ status: "failed", attempts: 1, last_status_code: 410 });
    // Off: nothing more is sent.
    await api.post("/opt-outs", { phones: phones(1) });
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.at("/gone")).toHaveLength(1);
    expect((await api.patch(`/webhooks/${id}`, { is_active: true })).body).toMatchObject({ is_active: true, disabled_reason: null });
  });
});
