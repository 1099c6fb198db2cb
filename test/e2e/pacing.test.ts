import { describe, expect, it } from "vitest";
import { type Client, groupWith, newTenant, outbox, sandbox, waitFor, waitJob, workingSession } from "../helpers/api";

const send = (api: Client, sessionId: string, groupId: string, text: string, min: number, max: number) =>
  api.post("/bulk-send", { session_id: sessionId, custom_group_id: groupId, message_content: text, min_delay_seconds: min, max_delay_seconds: max });

/** Times (ms) of the session's sandbox messages with these texts, in send order. */
const sentTimes = async (sessionId: string, texts: string[]) =>
  (await outbox(sessionId)).filter((m) => texts.includes(m.text)).map((m) => ({ text: m.text, at: Date.parse(m.sent_at) }));

const gaps = (times: { at: number }[]) => times.slice(1).map((t, i) => t.at - (times[i] as { at: number }).at);

/** Issue 15: a session's schedule follows what is really sent; the session's policy is the ceiling. */
describe("session pacing", () => {
  it("a sandbox session is working, and usable by the sandbox routes, when its create call returns", async () => {
    const { api } = await newTenant("pro");
    const created = await api.post("/sessions", { name: "at once" });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe("working");
    expect(created.body.pacing).toEqual({ burst: null, min_gap_seconds: 0, daily_cap: null, warmup: false });
    const group = await sandbox().post("/sandbox/api/wa-groups", {
      session_id: created.body.id,
      wa_group_id: "120363000000000999@g.us",
      name: "right away",
      participants: [{ phone: "+5511988887777" }],
    });
    expect(group.status).toBe(201);
    // A session that does not exist is 404; one that exists but is not running is 409 with its status.
    expect((await sandbox().post("/sandbox/api/inbound", { session_id: "ses_nope", from: "+5511988887777", text: "hi" })).status).toBe(404);
    await api.del(`/sessions/${created.body.id}`);
  });

  it("cancelling a slow job frees its session: a new job's first message goes within its own max gap + 1 s", async () => {
    const { api } = await newTenant("pro");
    const s = await workingSession(api);
    const slow = await groupWith(api, 6);
    const fast = await groupWith(api, 3);
    const first = await send(api, s.id, slow.id, "slow", 30, 120);
    expect(first.status).toBe(201);
    await waitFor(async () => (await api.get(`/bulk-send/${first.body.id}`)).body.sent_count === 1, { what: "the slow job's first message" });
    expect((await api.post(`/bulk-send/${first.body.id}/cancel`)).status).toBe(200);
    const cancelledAt = Date.now();
    const second = await send(api, s.id, fast.id, "fast", 1, 2);
    expect(second.status).toBe(201);
    const times = await waitFor(async () => ((await sentTimes(s.id, ["fast"])).length >= 1 ? sentTimes(s.id, ["fast"]) : undefined), {
      timeoutMs: 20_000,
      what: "the new job's first message",
    });
    expect((times[0]?.at ?? 0) - cancelledAt).toBeLessThanOrEqual(3000);
    await waitJob(api, second.body.id, ["completed"]);
  });

  it("pausing one job lets another on the session go at its own pace; resuming continues without a burst", async () => {
    const { api } = await newTenant("pro");
    const s = await workingSession(api);
    const ga = await groupWith(api, 4);
    const gb = await groupWith(api, 3);
    const a = await send(api, s.id, ga.id, "A", 3, 3);
    await waitFor(async () => (await api.get(`/bulk-send/${a.body.id}`)).body.sent_count === 1, { what: "A's first message" });
    expect((await api.post(`/bulk-send/${a.body.id}/pause`)).status).toBe(200);
    const b = await send(api, s.id, gb.id, "B", 1, 1);
    await waitJob(api, b.body.id, ["completed"], 20_000);
    const bTimes = await sentTimes(s.id, ["B"]);
    // B went at its 1 s pace, not held to paused A's 3 s.
    for (const g of gaps(bTimes)) expect(g).toBeLessThan(2000);
    expect((await api.post(`/bulk-send/${a.body.id}/resume`)).status).toBe(200);
    await waitJob(api, a.body.id, ["completed"], 30_000);
    const all = await sentTimes(s.id, ["A", "B"]);
    const aTimes = all.filter((t) => t.text === "A");
    expect(aTimes).toHaveLength(4);
    // No burst after resume: A's messages stay ≥ its 3 s apart, and its first after resume ≥ 1 s (its own rule) after B's last.
    for (const g of gaps(aTimes)) expect(g).toBeGreaterThanOrEqual(2990);
    const firstAfterResume = aTimes[1] as { at: number };
    expect(firstAfterResume.at - (bTimes.at(-1) as { at: number }).at).toBeGreaterThanOrEqual(990);
  });

  it("two jobs interleaved on one session keep every gap at least the stricter job's minimum while both run", async () => {
    const { api } = await newTenant("pro");
    const s = await workingSession(api);
    // Five strict messages: 8 s after its first for the loose job to be planned and interleave, even on a busy machine.
    const strictGroup = await groupWith(api, 5);
    const looseGroup = await groupWith(api, 6);
    const a = await send(api, s.id, strictGroup.id, "strict", 2, 2);
    await waitFor(async () => (await api.get(`/bulk-send/${a.body.id}`)).body.sent_count === 1, { what: "the strict job's first message" });
    const b = await send(api, s.id, looseGroup.id, "loose", 0, 0);
    await waitJob(api, a.body.id, ["completed"], 40_000);
    await waitJob(api, b.body.id, ["completed"], 40_000);
    const all = await sentTimes(s.id, ["strict", "loose"]);
    expect(all).toHaveLength(11);
    const lastStrict = all.map((t) => t.text).lastIndexOf("strict");
    // The loose job really interleaved (it did not simply wait for the strict one to finish).
    expect(all.slice(0, lastStrict).some((t) => t.text === "loose")).toBe(true);
    for (const g of gaps(all.slice(0, lastStrict + 1))) expect(g).toBeGreaterThanOrEqual(1990);
  });

  it("a session's burst limit holds across jobs, and the job says it waits for it", async () => {
    const { api } = await newTenant("pro");
    const s = await workingSession(api);
    const patched = await api.patch(`/sessions/${s.id}`, { pacing: { burst: { max: 2, window_seconds: 4 } } });
    expect(patched.status).toBe(200);
    expect(patched.body.pacing).toEqual({ burst: { max: 2, window_seconds: 4 }, min_gap_seconds: 0, daily_cap: null, warmup: false });
    const g = await groupWith(api, 5);
    const job = await send(api, s.id, g.id, "burst", 0, 0);
    expect(job.body.effective_min_gap_seconds).toBe(0);
    const waiting = await waitFor(
      async () => {
        const j = (await api.get(`/bulk-send/${job.body.id}`)).body;
        return j.waiting_reason === "burst" ? j : undefined;
      },
      { what: "the job to wait for the burst window", intervalMs: 50 },
    );
    expect(Date.parse(waiting.next_send_at)).toBeGreaterThan(Date.now() - 1000);
    await waitJob(api, job.body.id, ["completed"], 30_000);
    const times = await sentTimes(s.id, ["burst"]);
    expect(times).toHaveLength(5);
    // Any three consecutive messages span at least the 4 s window.
    for (let i = 2; i < times.length; i++) expect((times[i] as { at: number }).at - (times[i - 2] as { at: number }).at).toBeGreaterThanOrEqual(3990);
    const done = (await api.get(`/bulk-send/${job.body.id}`)).body;
    expect(done.waiting_reason).toBeNull();
  });

  it("a daily cap defers the rest to the next UTC day: the job stays running with waiting_reason and next_send_at", async () => {
    const { api } = await newTenant("pro");
    const s = await workingSession(api);
    expect((await api.patch(`/sessions/${s.id}`, { pacing: { daily_cap: 2 } })).status).toBe(200);
    const g = await groupWith(api, 4);
    const job = await send(api, s.id, g.id, "capped", 0, 0);
    const j = await waitFor(
      async () => {
        const b = (await api.get(`/bulk-send/${job.body.id}`)).body;
        // The two sends are recorded a moment after they leave.
        return b.waiting_reason === "daily_cap" && b.sent_count === 2 ? b : undefined;
      },
      { what: "the job to wait for the next day" },
    );
    expect(j.status).toBe("running");
    expect(j.sent_count).toBe(2);
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(Date.parse(j.next_send_at)).toBe(midnight.getTime());
    expect(Date.parse(j.estimated_finish_at)).toBeGreaterThanOrEqual(midnight.getTime());
    const progress = (await api.get(`/bulk-send/${job.body.id}/progress`)).body;
    expect(progress).toMatchObject({ waiting_reason: "daily_cap", next_send_at: j.next_send_at });
    await api.post(`/bulk-send/${job.body.id}/cancel`);
  });

  it("PATCH validates the policy, names what is wrong, and null restores the default", async () => {
    const { api } = await newTenant("pro");
    const s = await workingSession(api);
    const bad = await api.patch(`/sessions/${s.id}`, { pacing: { burst: { max: 0, window_seconds: 120 } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("burst");
    expect((await api.patch(`/sessions/${s.id}`, { pacing: { min_gap: 5 } })).status).toBe(400);
    expect((await api.patch(`/sessions/${s.id}`, {})).status).toBe(400);
    expect((await api.patch("/sessions/ses_missing", { name: "x" })).status).toBe(404);
    expect((await api.patch(`/sessions/${s.id}`, { name: "renamed", pacing: { min_gap_seconds: 5 } })).body).toMatchObject({
      name: "renamed",
      pacing: { min_gap_seconds: 5 },
    });
    expect((await api.patch(`/sessions/${s.id}`, { pacing: null })).body.pacing).toEqual({ burst: null, min_gap_seconds: 0, daily_cap: null, warmup: false });
  });
});
