import { EVENT_TYPES } from "@outreach/core/event";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, client, groupWith, newTenant, waitFor, waitJob } from "../helpers/api";
import { startReceiver, verifies } from "../helpers/receiver";
import { type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

const fast = { min_delay_seconds: 0, max_delay_seconds: 0 };
const hook = (events: string[] = ["message.received"], url = "https://hooks.example.com/outreach") => ({ name: "crm", url, events });

describe("webhooks: the contract (issue 18)", () => {
  it("creates with a generated secret shown once, lists, reads, changes and deletes with JSON bodies", async () => {
    const { api } = await newTenant("pro");
    const created = await api.post("/webhooks", hook(["message.received", "contact.opted_out"]));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "crm",
      url: "https://hooks.example.com/outreach",
      events: ["message.received", "contact.opted_out"],
      is_active: true,
    });
    expect(created.body.secret).toMatch(/^whsec_[\w-]{32}$/);
    const id = created.body.id as string;
    const listed = await api.get("/webhooks");
    expect(listed.body.webhooks).toHaveLength(1);
    expect(listed.body.webhooks[0]).not.toHaveProperty("secret");
    expect((await api.get(`/webhooks/${id}`)).body).not.toHaveProperty("secret");
    const own = await api.post("/webhooks", { ...hook(), secret: "my-own-secret-of-some-length" });
    expect(own.body.secret).toBe("my-own-secret-of-some-length");

    const patched = await api.patch(`/webhooks/${id}`, { events: ["bulk_send.completed"], is_active: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ events: ["bulk_send.completed"], is_active: false });
    expect((await api.patch(`/webhooks/${id}`, { is_active: true })).body).toMatchObject({ is_active: true, disabled_reason: null });

    const deleted = await api.del(`/webhooks/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id, deleted: true });
    expect((await api.get(`/webhooks/${id}`)).status).toBe(404);
    expect((await api.del(`/webhooks/${id}`)).status).toBe(404);
  });

  it("refuses an unknown event (400 naming the known ones), an internal URL (422 naming the rule) and bad bodies (4xx)", async () => {
    const { api } = await newTenant("pro");
    const unknown = await api.post("/webhooks", hook(["message.received", "message.exploded"]));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("webhook.unknown_event");
    expect(unknown.body.error.message).toContain("message.exploded");
    for (const e of EVENT_TYPES) expect(unknown.body.error.message).toContain(e);

    for (const [url, rule] of [
      ["http://169.254.169.254/latest/meta-data/", /link-local/],
      ["http://127.0.0.1:9000/hook", /loopback/],
      ["http://localhost/hook", /localhost/],
      ["http://10.1.2.3/hook", /private/],
      ["ftp://example.com/hook", /only http and https/],
      // Issue 29: only 80, 443 and 1024-65535.
      ["http://example.com:0/hook", /port 0 is not allowed/],
      ["http://example.com:22/hook", /port 22 is not allowed/],
      ["https://example.com:25/hook", /port 25 is not allowed/],
    ] as const) {
      const r = await api.post("/webhooks", hook(["message.sent"], url));
      expect(r.status, url).toBe(422);
      expect(r.body.error).toMatchObject({ code: "request.forbidden_url", message: expect.stringMatching(rule) });
    }
    expect((await api.post("/webhooks", { name: "x", url: "https://example.com" })).status).toBe(422);
    expect((await api.post("/webhooks", { ...hook(), events: [] })).status).toBe(400);
    expect((await api.post("/webhooks", { ...hook(), secret: "short" })).status).toBe(400);
    expect((await api.patch("/webhooks/whk_nope", { name: "x" })).status).toBe(404);
    expect((await api.get("/webhooks")).body.webhooks).toEqual([]);
  });

  it("limits webhooks per plan (free: 1) with 403 plan.webhook_limit, even for parallel creates", async () => {
    const { api } = await newTenant("free");
    const all = await Promise.all(Array.from({ length: 6 }, () => api.post("/webhooks", hook())));
    expect(all.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of all.filter((r) => r.status !== 201)) expect(r.body.error.code).toBe("plan.webhook_limit");
    expect((await api.get("/webhooks")).body.webhooks).toHaveLength(1);
  });
});

describe("webhooks: every event of a bulk send reaches a local receiver, signed (OUTREACH_ALLOW_PRIVATE_URLS=1)", () => {
  let rt: RuntimeProcess;
  let api: Client;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    rt = await startRuntimeProcess({ env: { OUTREACH_ALLOW_PRIVATE_URLS: "1", OUTREACH_RATE_LIMIT: "0" } });
    api = client(rt.url, rt.key);
  });
  afterAll(async () => {
    await rt?.stop();
    if (rt) removeDir(rt.dataDir);
    await receiver?.close();
  });

  it("delivers session, message, receipt, reply, opt-out, failure, pause, completion, schedule and report events, each verifiable and with its own id", async () => {
    const created = await api.post("/webhooks", { name: "all", url: receiver.url("/all"), events: [...EVENT_TYPES] });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    // Loopback is allowed by the switch; link-local never is.
    expect((await api.post("/webhooks", hook(["message.sent"], "http://169.254.170.2/v2/credentials"))).status).toBe(422);

    const session = await api.post("/sessions", { name: "hooks" });
    const sessionId = session.body.id as string;
    await waitFor(async () => (await api.get(`/sessions/${sessionId}`)).body.status === "working", { what: "session working" });
    const g = await groupWith(api, 4);
    const [failing, replying, stopping] = g.phones as [string, string, string, string];
    const box = client(rt.url);
    // The first send fails for good. The group is sent in member order, one second apart (with no gap,
    // messages of equal slots may reach the session's lane in any order): the first member's fails.
    await box.post("/sandbox/api/faults", { session_id: sessionId, fail_next: 1, error: "permanent" });
    const job = await api.post("/bulk-send", {
      name: "Webhook campaign",
      session_id: sessionId,
      custom_group_id: g.id,
      message_content: "Hello {{name}}",
      min_delay_seconds: 1,
      max_delay_seconds: 1,
    });
    expect(job.status).toBe(201);
    const done = await waitJob(api, job.body.id, ["completed"]);
    expect(done).toMatchObject({ sent_count: 3, failed_count: 1 });
    await box.post("/sandbox/api/inbound", { session_id: sessionId, from: replying, text: "Yes, tell me more" });
    await box.post("/sandbox/api/inbound", { session_id: sessionId, from: stopping, text: "STOP" });

    // A second, slow job paused by hand; a report run now; a one-time schedule two seconds from now.
    const slow = await api.post("/bulk-send", {
      session_id: sessionId,
      custom_group_id: g.id,
      message_content: "later",
      min_delay_seconds: 30,
      max_delay_seconds: 30,
    });
    await waitJob(api, slow.body.id, ["running"]);
    expect((await api.post(`/bulk-send/${slow.body.id}/pause`)).status).toBe(200);
    const report = await api.post("/reports", {
      name: "r",
      template_id: "bulk_send_progress",
      schedule_type: "daily",
      time_of_day: "08:00",
      delivery_method: "dashboard",
    });
    expect(report.status).toBe(201);
    expect((await api.post(`/reports/${report.body.id}/run`)).status).toBe(201);
    const sch = await api.post("/scheduled-messages", {
      name: "soon",
      schedule_type: "one_time",
      scheduled_time: new Date(Date.now() + 2000).toISOString(),
      session_id: sessionId,
      custom_group_id: g.id,
      message_content: "scheduled",
      ...fast,
    });
    expect(sch.status).toBe(201);

    const of = (event: string) => receiver.at("/all").filter((r) => r.json?.event === event);
    await waitFor(
      async () =>
        of("message.received").length >= 2 &&
        of("contact.opted_out").length >= 1 &&
        of("message.read").length >= 3 &&
        of("bulk_send.paused").length >= 1 &&
        of("report.executed").length >= 1 &&
        of("scheduled_message.run").length >= 1 &&
        of("bulk_send.completed").length >= 2,
      { timeoutMs: 30_000, what: "all events" },
    );

    const got = receiver.at("/all");
    for (const r of got) {
      expect(verifies(r, secret), `${r.json.event} signature`).toBe(true);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(Math.abs(Number(r.headers["x-webhook-timestamp"]) * 1000 - r.at)).toBeLessThan(60_000);
      expect(Object.keys(r.json).sort()).toEqual(["data", "event", "id", "timestamp"]);
      expect(JSON.stringify(r.json.data)).not.toMatch(/T#|tenant_id|ten_/);
    }
    // One id per event: no id was used by two different events.
    const byId = new Map<string, string>();
    for (const r of got) {
      expect(byId.get(r.json.id) ?? r.body, "same id, same event").toBe(r.body);
      byId.set(r.json.id, r.body);
    }
    expect(new Set(got.map((r) => r.json.id)).size).toBe(got.length);

    expect(of("session.connected")[0]?.json.data).toMatchObject({ session_id: sessionId, status: "working" });
    const sentTo = of("message.sent")
      .filter((r) => r.json.data.bulk_send_id === job.body.id)
      .map((r) => r.json.data.to)
      .sort();
    expect(sentTo).toEqual(g.phones.filter((p) => p !== failing).sort());
    const sent = of("message.sent").find((r) => r.json.data.to === replying)?.json.data;
    expect(sent).toMatchObject({ session_id: sessionId, chat_id: `${replying.slice(1)}@c.us`, direction: "outbound", message: "Hello Member 1" });
    expect(of("message.failed").map((r) => r.json.data)).toEqual([
      expect.objectContaining({ to: failing, bulk_send_id: job.body.id, error: expect.any(String), session_id: sessionId }),
    ]);
    // Receipts name the message the sent event named.
    const delivered = of("message.delivered").find((r) => r.json.data.to === replying)?.json.data;
    expect(delivered?.message_id).toBe(sent.message_id);
    const received = of("message.received").map((r) => r.json.data);
    expect(received).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          session_id: sessionId,
          chat_id: `${replying.slice(1)}@c.us`,
          message: "Yes, tell me more",
          direction: "inbound",
          reply_to_bulk_send_id: job.body.id,
        }),
        expect.objectContaining({ chat_id: `${stopping.slice(1)}@c.us`, message: "STOP", direction: "inbound" }),
      ]),
    );
    expect(of("contact.opted_out").map((r) => r.json.data)).toEqual([expect.objectContaining({ phone: stopping, source: "inbound" })]);
    expect(of("bulk_send.completed").find((r) => r.json.data.bulk_send_id === job.body.id)?.json.data).toMatchObject({
      name: "Webhook campaign",
      status: "completed",
      sent_count: 3,
      failed_count: 1,
    });
    expect(of("bulk_send.paused")[0]?.json.data).toMatchObject({ bulk_send_id: slow.body.id, pause_reason: "user" });
    expect(of("report.executed")[0]?.json.data).toMatchObject({ report_id: report.body.id, template_id: "bulk_send_progress" });
    const run = of("scheduled_message.run")[0]?.json.data;
    expect(run).toMatchObject({ scheduled_message_id: sch.body.id, status: "created", bulk_send_id: expect.stringMatching(/^bulk_/) });

    // The delivery log has them all, delivered, with one attempt each.
    const log = await api.get(`/webhooks/${created.body.id}/deliveries?status=delivered&limit=200`);
    expect(log.status).toBe(200);
    expect(log.body.deliveries.length).toBeGreaterThanOrEqual(got.length - 5);
    expect(log.body.deliveries[0]).toMatchObject({ status: "delivered", attempts: 1, last_status_code: 200, last_error: null });
    expect((await api.get(`/webhooks/${created.body.id}/deliveries?status=failed`)).body.deliveries).toEqual([]);
  });

  it("delivers group.message for each stored message of a monitored group and lead.detected for a keyword match and a reply to a bulk send (issue 21)", async () => {
    const created = await api.post("/webhooks", { name: "leads", url: receiver.url("/leads"), events: ["lead.detected", "group.message"] });
    const secret = created.body.secret as string;
    const session = await api.post("/sessions", { name: "leads" });
    const sessionId = session.body.id as string;
    await waitFor(async () => (await api.get(`/sessions/${sessionId}`)).body.status === "working", { what: "session working" });
    const box = client(rt.url);
    const g = await groupWith(api, 3);
    const [member, other, replier] = g.phones as [string, string, string];
    const wa = "120363000000000777@g.us";
    await box.post("/sandbox/api/wa-groups", { session_id: sessionId, wa_group_id: wa, name: "Leads BR", participants: [{ phone: member }, { phone: other }] });
    const mon = await api.post("/groups", { session_id: sessionId, wa_group_id: wa, monitor_mode: "keywords", monitor_keywords: ["price"] });
    expect(mon.status, mon.text).toBe(201);
    await box.post("/sandbox/api/inbound", { session_id: sessionId, from: member, text: "What's the PRICE?", wa_group_id: wa, name: "Ana" });
    await box.post("/sandbox/api/inbound", { session_id: sessionId, from: other, text: "good morning", wa_group_id: wa });
    const job = await api.post("/bulk-send", { session_id: sessionId, custom_group_id: g.id, message_content: "Hi", ...fast });
    await waitJob(api, job.body.id, ["completed"]);
    await box.post("/sandbox/api/inbound", { session_id: sessionId, from: replier, text: "Interested!" });

    const of = (event: string) => receiver.at("/leads").filter((r) => r.json?.event === event);
    await waitFor(async () => of("group.message").length >= 2 && of("lead.detected").length >= 2, { what: "group and lead events" });
    for (const r of receiver.at("/leads")) expect(verifies(r, secret)).toBe(true);
    expect(of("group.message").map((r) => r.json.data)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          group_id: mon.body.id,
          wa_group_id: wa,
          from: member,
          name: "Ana",
          message: "What's the PRICE?",
          matched_keywords: ["price"],
        }),
        expect.objectContaining({ group_id: mon.body.id, from: other, message: "good morning", matched_keywords: [] }),
      ]),
    );
    const leads = (await api.get("/leads")).body.leads as { id: string; contact_phone: string }[];
    const leadData = of("lead.detected").map((r) => r.json.data);
    expect(leadData).toEqual(
      expect.arrayContaining([
        {
          lead_id: leads.find((l) => l.contact_phone === member)?.id,
          contact_phone: member,
          contact_name: "Ana",
          chat_id: `${member.slice(1)}@c.us`,
          session_id: sessionId,
          source: "group",
          source_group_id: mon.body.id,
          keyword: "price",
        },
        expect.objectContaining({
          lead_id: leads.find((l) => l.contact_phone === replier)?.id,
          contact_phone: replier,
          source: "bulk_send",
          job_id: job.body.id,
        }),
      ]),
    );
    expect(new Set(receiver.at("/leads").map((r) => r.json.id)).size).toBe(receiver.at("/leads").length);
  });

  it("POST /test delivers webhook.test now and answers with the outcome; a manual retry sends the same body again", async () => {
    const created = await api.post("/webhooks", { name: "t", url: receiver.url("/test"), events: ["message.sent"] });
    const t = await api.post(`/webhooks/${created.body.id}/test`);
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ success: true, status_code: 200, error: null, delivery: { event: "webhook.test", status: "delivered", attempts: 1 } });
    const first = receiver.at("/test")[0];
    expect(first?.json).toMatchObject({ event: "webhook.test", id: t.body.delivery.event_id });
    expect(verifies(first as NonNullable<typeof first>, created.body.secret)).toBe(true);

    const retried = await api.post(`/webhooks/${created.body.id}/deliveries/${t.body.delivery.id}/retry`);
    expect(retried.status).toBe(202);
    await waitFor(async () => receiver.at("/test").length === 2, { what: "the retry" });
    expect(receiver.at("/test")[1]?.body).toBe(first?.body);
    await waitFor(async () => (await api.get(`/webhooks/${created.body.id}/deliveries`)).body.deliveries[0]?.attempts === 2, { what: "attempt 2 logged" });
    expect((await api.post(`/webhooks/${created.body.id}/deliveries/dlv_nope/retry`)).status).toBe(404);
  });

  it("keeps tenants apart: another tenant's webhook, its test and its deliveries are 404", async () => {
    const created = await api.post("/webhooks", { name: "mine", url: receiver.url("/mine"), events: ["message.sent"] });
    const other = (await newTenant("business", undefined, rt)).api;
    expect((await other.get(`/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await other.get(`/webhooks/${created.body.id}/deliveries`)).status).toBe(404);
    expect((await other.post(`/webhooks/${created.body.id}/test`)).status).toBe(404);
    expect((await other.patch(`/webhooks/${created.body.id}`, { name: "theirs" })).status).toBe(404);
    expect((await other.del(`/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await other.get("/webhooks")).body.webhooks).toEqual([]);
    expect(receiver.at("/mine")).toEqual([]);
  });
});
