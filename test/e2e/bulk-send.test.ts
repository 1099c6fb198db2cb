import { describe, expect, inject, it } from "vitest";
import { groupWith, newTenant, outbox, readSse, sandbox, setUsage, waitFor, waitJob, workingSession } from "../helpers/api";

const fast = { min_delay_seconds: 0, max_delay_seconds: 0 };

// Each test has its own tenant and session: they run side by side (a test whose timing is the behaviour under test runs alone: `it.sequential`).
describe.concurrent("bulk send over HTTP", () => {
  it("sends 200 members exactly once each with the rendered text, and streams progress until completed", async () => {
    const { api, key, typed } = await newTenant("business");
    const s = await workingSession(api);
    const g = await groupWith(api, 200);
    const job = await typed.POST("/bulk-send", {
      body: { session_id: s.id, custom_group_id: g.id, message_content: "Olá {{name|amigo}}, your number is {{phone}}", ...fast },
    });
    expect(job.response.status).toBe(201);
    if (!job.data) throw new Error(JSON.stringify(job.error));
    const id = job.data.id;
    // The job as it stands when the answer is written: the queued snapshot message may already have been
    // taken by the events consumer and the send started (its messages go without delay here).
    expect(job.data).toMatchObject({ total_recipients: 200, failed_count: 0 });
    expect(["pending", "running"]).toContain(job.data.status);
    const sse = await readSse(`${inject("runtimeUrl")}/api/v2/bulk-send/${id}/progress`, key);
    expect(sse.contentType).toMatch(/^text\/event-stream/);
    const sent = sse.events.map((e) => e.sent);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(sse.events.at(-1)).toMatchObject({ status: "completed", sent: 200, total: 200, failed: 0 });
    const msgs = await outbox(s.id);
    expect(msgs).toHaveLength(200);
    expect(new Set(msgs.map((m) => m.to))).toEqual(new Set(g.phones));
    const member7 = g.members[7];
    expect(msgs.find((m) => m.to === member7?.phone)?.text).toBe(`Olá Member 7, your number is ${member7?.phone}`);
    const done = await typed.GET("/bulk-send/{id}", { params: { path: { id } } });
    expect(done.data).toMatchObject({ status: "completed", sent_count: 200, pending_count: 0 });
    const recipients = await typed.GET("/bulk-send/{id}/recipients", { params: { path: { id }, query: { status: "pending" } } });
    expect(recipients.response.status).toBe(200);
    expect(recipients.data?.recipients).toEqual([]);
  });

  it.sequential("keeps every gap between consecutive sends of a session within min..max, also with two jobs on one session", async () => {
    const { api } = await newTenant("business");
    const [one, shared] = await Promise.all([workingSession(api, "one"), workingSession(api, "shared")]);
    const [g1, g2, g3] = await Promise.all([groupWith(api, 10), groupWith(api, 5), groupWith(api, 5)]);
    const paced = { message_content: "hi", min_delay_seconds: 1, max_delay_seconds: 2 };
    const jobs = await Promise.all([
      api.post("/bulk-send", { session_id: one.id, custom_group_id: g1.id, ...paced }),
      api.post("/bulk-send", { session_id: shared.id, custom_group_id: g2.id, ...paced }),
      api.post("/bulk-send", { session_id: shared.id, custom_group_id: g3.id, ...paced }),
    ]);
    await Promise.all(jobs.map((j) => waitJob(api, j.body.id, ["completed"], 60_000)));
    for (const s of [one, shared]) {
      const times = (await outbox(s.id)).map((m) => Date.parse(m.sent_at)).sort((a, b) => a - b);
      expect(times).toHaveLength(10);
      const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
      for (const gap of gaps) {
        expect(gap).toBeGreaterThanOrEqual(1000);
        expect(gap).toBeLessThanOrEqual(2300);
      }
    }
  });

  it("pauses with at most one further message, resumes to finish without duplicates, and cancel turns pending into cancelled", async () => {
    const { api, typed } = await newTenant("business");
    const s = await workingSession(api);
    const g = await groupWith(api, 8);
    const job = await typed.POST("/bulk-send", {
      body: { session_id: s.id, custom_group_id: g.id, message_content: "x", min_delay_seconds: 1, max_delay_seconds: 1 },
    });
    const path = { id: job.data?.id ?? "" };
    await waitFor(async () => (await outbox(s.id)).length >= 2, { what: "two sends" });
    const paused = await typed.POST("/bulk-send/{id}/pause", { params: { path } });
    expect(paused.response.status).toBe(200);
    expect(paused.data).toMatchObject({ status: "paused", pause_reason: "user" });
    const atPause = (await outbox(s.id)).length;
    await new Promise((r) => setTimeout(r, 3500));
    const later = (await outbox(s.id)).length;
    expect(later - atPause).toBeLessThanOrEqual(1);
    const again = await typed.POST("/bulk-send/{id}/pause", { params: { path } });
    expect(again.response.status).toBe(409);
    expect(again.error?.error.code).toBe("bulk_send.invalid_state");
    const resumed = await typed.POST("/bulk-send/{id}/resume", { params: { path } });
    expect(resumed.data?.status).toBe("running");
    await waitJob(api, path.id, ["completed"]);
    const msgs = await outbox(s.id);
    expect(msgs).toHaveLength(8);
    expect(new Set(msgs.map((m) => m.to)).size).toBe(8);
    expect((await typed.POST("/bulk-send/{id}/resume", { params: { path } })).response.status).toBe(409);
    expect((await typed.POST("/bulk-send/{id}/cancel", { params: { path } })).response.status).toBe(409);

    const g2 = await groupWith(api, 6);
    const job2 = await api.post("/bulk-send", { session_id: s.id, custom_group_id: g2.id, message_content: "y", min_delay_seconds: 2, max_delay_seconds: 2 });
    await waitFor(async () => (await api.get(`/bulk-send/${job2.body.id}`)).body.sent_count >= 1, { what: "first send" });
    const cancelled = await api.post(`/bulk-send/${job2.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    const final = await waitFor(async () => {
      const j = (await api.get(`/bulk-send/${job2.body.id}`)).body;
      return j.pending_count === 0 ? j : undefined;
    });
    expect(final.cancelled_count).toBeGreaterThanOrEqual(4);
    expect(final.sent_count + final.cancelled_count).toBe(6);
    const list = await api.get(`/bulk-send/${job2.body.id}/recipients?status=cancelled`);
    expect(list.body.recipients).toHaveLength(final.cancelled_count);
  });

  it("skips numbers opted out through the API and through an inbound STOP", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const g = await groupWith(api, 5);
    const [viaApi, viaStop] = g.phones;
    expect((await api.post("/opt-outs", { phones: [viaApi] })).body).toMatchObject({ added: 1 });
    expect((await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: viaStop, text: "  退订 " })).status).toBe(200);
    await waitFor(async () => (await api.get("/opt-outs")).body.opt_outs.length === 2, { what: "two opt-outs" });
    const job = await api.post("/bulk-send", { session_id: s.id, custom_group_id: g.id, message_content: "promo", ...fast });
    const done = await waitJob(api, job.body.id, ["completed"]);
    expect(done).toMatchObject({ sent_count: 3, skipped_count: 2, total_recipients: 5 });
    const to = (await outbox(s.id)).map((m) => m.to);
    expect(to).not.toContain(viaApi);
    expect(to).not.toContain(viaStop);
    expect((await api.get(`/bulk-send/${job.body.id}/recipients?status=skipped`)).body.recipients.map((r: { phone: string }) => r.phone).sort()).toEqual(
      [viaApi, viaStop].sort(),
    );
    expect((await api.del(`/opt-outs/${encodeURIComponent(viaApi as string)}`)).status).toBe(200);
    expect((await api.get("/opt-outs")).body.opt_outs).toHaveLength(1);
  });

  it("retries transient faults, fails permanent ones, and pauses after 10 failures in a row", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const g = await groupWith(api, 4);
    await sandbox().post("/sandbox/api/faults", { session_id: s.id, fail_next: 2, error: "transient" });
    const job = await api.post("/bulk-send", { session_id: s.id, custom_group_id: g.id, message_content: "t", ...fast });
    const done = await waitJob(api, job.body.id, ["completed"], 40_000);
    expect(done).toMatchObject({ sent_count: 4, failed_count: 0 });
    expect((await outbox(s.id)).length).toBe(4);

    const g2 = await groupWith(api, 3);
    await sandbox().post("/sandbox/api/faults", { session_id: s.id, fail_next: 1, error: "permanent" });
    const job2 = await api.post("/bulk-send", { session_id: s.id, custom_group_id: g2.id, message_content: "p", ...fast });
    const done2 = await waitJob(api, job2.body.id, ["completed"]);
    expect(done2).toMatchObject({ sent_count: 2, failed_count: 1 });
    const failed = (await api.get(`/bulk-send/${job2.body.id}/recipients?status=failed`)).body.recipients;
    expect(failed[0].error).toMatch(/permanent/);

    const g3 = await groupWith(api, 12);
    await sandbox().post("/sandbox/api/faults", { session_id: s.id, fail_next: 10, error: "permanent" });
    const job3 = await api.post("/bulk-send", { session_id: s.id, custom_group_id: g3.id, message_content: "f", ...fast });
    const paused = await waitJob(api, job3.body.id, ["paused"]);
    expect(paused).toMatchObject({ pause_reason: "failures", failed_count: 10, sent_count: 0, pending_count: 2 });
    const retried = await api.post(`/bulk-send/${job3.body.id}/retry-failed`);
    expect(retried.status).toBe(200);
    const finished = await waitJob(api, job3.body.id, ["completed"]);
    expect(finished).toMatchObject({ sent_count: 12, failed_count: 0 });
  });

  it("pauses the session's running jobs with pause_reason session when WhatsApp logs the session out", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const g = await groupWith(api, 5);
    await sandbox().post("/sandbox/api/faults", { session_id: s.id, fail_next: 1, error: "logout" });
    const job = await api.post("/bulk-send", { session_id: s.id, custom_group_id: g.id, message_content: "bye", ...fast });
    const paused = await waitJob(api, job.body.id, ["paused"]);
    expect(paused).toMatchObject({ pause_reason: "session", sent_count: 0, failed_count: 0, pending_count: 5 });
    expect((await api.get(`/sessions/${s.id}`)).body).toMatchObject({ status: "stopped", status_reason: expect.stringMatching(/logged out/) });
    expect(await outbox(s.id)).toEqual([]);
    const resume = await api.post(`/bulk-send/${job.body.id}/resume`);
    // The session host's round (every 10 s) starts a session meant to run again — a real one comes back
    // asking to pair, a sandbox one working: only if that happened in between may the resume go through.
    if ((await api.get(`/sessions/${s.id}`)).body.status === "working" && resume.status === 200) return;
    expect(resume.status).toBe(409);
    expect(resume.body.error.code).toBe("session.not_working");
  });

  it("returns the same job for two POSTs with one Idempotency-Key, and 422 for a different body", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const g = await groupWith(api, 2);
    const body = { session_id: s.id, custom_group_id: g.id, message_content: "once", ...fast };
    const [a, b] = await Promise.all([api.post("/bulk-send", body, { "Idempotency-Key": "k-1" }), api.post("/bulk-send", body, { "Idempotency-Key": "k-1" })]);
    const ok = [a, b].filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    const again = await api.post("/bulk-send", body, { "Idempotency-Key": "k-1" });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(ok[0]?.body);
    expect((await api.get("/bulk-send")).body.jobs).toHaveLength(1);
    const other = await api.post("/bulk-send", { ...body, message_content: "twice" }, { "Idempotency-Key": "k-1" });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("idempotency.key_reused");
  });

  it("enforces plans and the monthly quota, and gives a cancelled job's reservations back", async () => {
    const free = await newTenant("free");
    const fs = await workingSession(free.api);
    const fg = await groupWith(free.api, 1);
    const refused = await free.api.post("/bulk-send", { session_id: fs.id, custom_group_id: fg.id, message_content: "x" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("plan.feature_unavailable");

    const starter = await newTenant("starter");
    await setUsage(starter.tenantId, { total_messages: 495, reserved_messages: 0 });
    const ss = await workingSession(starter.api);
    const sg = await groupWith(starter.api, 10);
    const over = await starter.api.post("/bulk-send", { session_id: ss.id, custom_group_id: sg.id, message_content: "x", ...fast });
    expect(over.status).toBe(403);
    expect(over.body.error).toMatchObject({ code: "plan.monthly_limit", details: { remaining: 5 } });
    expect((await starter.api.get("/bulk-send")).body.jobs).toEqual([]);
    expect(await outbox(ss.id)).toEqual([]);

    const small = await groupWith(starter.api, 4);
    const job = await starter.api.post("/bulk-send", {
      session_id: ss.id,
      custom_group_id: small.id,
      message_content: "x",
      min_delay_seconds: 3600,
      max_delay_seconds: 3600,
    });
    expect(job.status).toBe(201);
    await waitFor(async () => (await starter.api.get(`/bulk-send/${job.body.id}`)).body.sent_count === 1, { what: "first send" });
    const usage = (await starter.api.get("/usage/current")).body;
    expect(usage).toMatchObject({ total_messages: 496, reserved_messages: 3 });
    await starter.api.post(`/bulk-send/${job.body.id}/cancel`);
    const after = (await starter.api.get("/usage/current")).body;
    expect(after).toMatchObject({ total_messages: 496, reserved_messages: 0 });
  });

  it("validates bulk-send input with actionable 4xx answers", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const g = await groupWith(api, 1);
    const base = { session_id: s.id, custom_group_id: g.id, message_content: "x" };
    const cases: [unknown, number, RegExp][] = [
      [{ ...base, message_content: "x".repeat(4097) }, 400, /message_content/],
      [{ session_id: s.id, custom_group_id: g.id }, 422, /message_content/],
      [{ ...base, media_url: "ftp://example.com/a.png" }, 422, /media_url is refused: only http and https/],
      [{ ...base, message_type: "media", media_url: undefined }, 422, /media_url/],
      [{ ...base, min_delay_seconds: 10, max_delay_seconds: 5 }, 422, /min_delay_seconds/],
      [{ ...base, min_delay_seconds: 3601 }, 400, /min_delay_seconds/],
      [{ ...base, send_window: { start: "09:00", end: "20:00", timezone: "Mars/Base" } }, 422, /time zone/],
      [{ ...base, session_id: "ses_00000000000000000000000000" }, 404, /Session/],
      [{ ...base, custom_group_id: "grp_00000000000000000000000000" }, 404, /group/],
      [{ ...base, message_type: "carrier-pigeon" }, 400, /message_type/],
    ];
    for (const [body, status, message] of cases) {
      const res = await api.post("/bulk-send", body);
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(status);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await api.get("/bulk-send")).body.jobs).toEqual([]);
  });
});
