import { DateTime } from "luxon";
import { afterAll, describe, expect, it } from "vitest";
import { type Client, client, groupWith, newTenant, waitFor, waitJob, workingSession } from "../helpers/api";
import { type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const fast = { min_delay_seconds: 0, max_delay_seconds: 0 };

const setup = async (api: Client, members = 2) => {
  const s = await workingSession(api);
  const g = await groupWith(api, members);
  return { session_id: s.id, custom_group_id: g.id, message_content: "Reminder for {{name}}", ...fast };
};

describe("scheduled messages over HTTP", () => {
  it("fires a one_time message within 2 s of its time and produces a completed bulk send", async () => {
    const { api } = await newTenant("business");
    const base = await setup(api, 3);
    const at = inSeconds(3);
    const created = await api.post("/scheduled-messages", { name: "soon", schedule_type: "one_time", scheduled_time: at, ...base });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "active", next_run_at: at, run_count: 0 });
    const run = await waitFor(
      async () => {
        const r = (await api.get(`/scheduled-messages/${created.body.id}/history`)).body.executions[0];
        return r && r.status !== "running" ? r : undefined;
      },
      { timeoutMs: 15_000, what: "a run" },
    );
    expect(run).toMatchObject({ run_at: at, status: "created", bulk_send_id: expect.stringMatching(/^bulk_/) });
    const job = await waitJob(api, run.bulk_send_id, ["completed"]);
    expect(job).toMatchObject({ sent_count: 3, scheduled_message_id: created.body.id });
    expect(Date.parse(job.created_at) - Date.parse(at)).toBeLessThan(2000);
    expect(Date.parse(job.created_at)).toBeGreaterThanOrEqual(Date.parse(at));
    const after = await api.get(`/scheduled-messages/${created.body.id}`);
    expect(after.body).toMatchObject({ status: "completed", next_run_at: null, run_count: 1, last_run_at: at });
    expect(after.body.executions).toHaveLength(1);
  });

  it("shows next_run_at in UTC for a daily schedule in a time zone, pauses without running and resumes armed", async () => {
    const { api } = await newTenant("business");
    const base = await setup(api);
    const created = await api.post("/scheduled-messages", { name: "daily", schedule_type: "daily", time_of_day: "09:00", timezone: "Asia/Shanghai", ...base });
    expect(created.status).toBe(201);
    let expected = DateTime.now().setZone("Asia/Shanghai").set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
    if (expected.toMillis() <= Date.now()) expected = expected.plus({ days: 1 });
    expect(created.body.next_run_at).toBe(expected.toUTC().toISO());
    expect(created.body.next_run_at.endsWith("T01:00:00.000Z")).toBe(true);

    const withCron = await api.post("/scheduled-messages", {
      name: "cron",
      schedule_type: "cron",
      cron_expression: "30 8 * * MON-FRI",
      timezone: "America/New_York",
      ...base,
    });
    expect(DateTime.fromISO(withCron.body.next_run_at).setZone("America/New_York").toFormat("HH:mm ccc")).toMatch(/^08:30 (Mon|Tue|Wed|Thu|Fri)$/);

    const paused = await api.post(`/scheduled-messages/${created.body.id}/pause`);
    expect(paused.body).toMatchObject({ status: "paused", next_run_at: null });
    expect((await api.post(`/scheduled-messages/${created.body.id}/pause`)).status).toBe(409);
    const resumed = await api.post(`/scheduled-messages/${created.body.id}/resume`);
    expect(resumed.body).toMatchObject({ status: "active", next_run_at: created.body.next_run_at });

    const soon = await api.post("/scheduled-messages", { name: "paused one", schedule_type: "one_time", scheduled_time: inSeconds(2), ...base });
    await api.post(`/scheduled-messages/${soon.body.id}/pause`);
    await new Promise((r) => setTimeout(r, 4000));
    expect((await api.get(`/scheduled-messages/${soon.body.id}/history`)).body.executions).toEqual([]);
    expect((await api.get("/bulk-send")).body.jobs).toEqual([]);
  });

  it("recomputes on PATCH, deletes only cancelled or completed schedules, and refuses bad timings with 422", async () => {
    const { api } = await newTenant("business");
    const base = await setup(api);
    const s = await api.post("/scheduled-messages", {
      name: "weekly",
      schedule_type: "weekly",
      time_of_day: "10:00",
      days_of_week: ["mon"],
      timezone: "UTC",
      ...base,
    });
    const patched = await api.patch(`/scheduled-messages/${s.body.id}`, {
      schedule_type: "monthly",
      time_of_day: "07:15",
      day_of_month: 31,
      timezone: "Asia/Kolkata",
    });
    expect(patched.status).toBe(200);
    expect(DateTime.fromISO(patched.body.next_run_at).setZone("Asia/Kolkata").toFormat("HH:mm")).toBe("07:15");
    expect(patched.body.next_run_at).not.toBe(s.body.next_run_at);
    expect((await api.del(`/scheduled-messages/${s.body.id}`)).status).toBe(409);
    expect((await api.post(`/scheduled-messages/${s.body.id}/cancel`)).body.status).toBe("cancelled");
    expect((await api.patch(`/scheduled-messages/${s.body.id}`, { name: "x" })).status).toBe(409);
    expect((await api.del(`/scheduled-messages/${s.body.id}`)).status).toBe(200);
    expect((await api.get(`/scheduled-messages/${s.body.id}`)).status).toBe(404);

    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ schedule_type: "daily", time_of_day: "09:00", timezone: "Nowhere/City" }, 422, /Unknown time zone/],
      [{ schedule_type: "cron", cron_expression: "0 0 31 2 *" }, 422, /can never fire/],
      [{ schedule_type: "cron", cron_expression: "* * * * *" }, 422, /every 5 minutes/],
      [{ schedule_type: "cron", cron_expression: "not a cron" }, 422, /5-field cron/],
      [{ schedule_type: "one_time", scheduled_time: "2020-01-01T00:00:00Z" }, 422, /in the past/],
      [{ schedule_type: "one_time" }, 422, /scheduled_time/],
      [{ schedule_type: "fortnightly" }, 400, /schedule_type/],
      [{ schedule_type: "monthly", time_of_day: "09:00", day_of_month: 32 }, 400, /day_of_month/],
    ];
    for (const [timing, status, message] of cases) {
      const res = await api.post("/scheduled-messages", { name: "bad", ...base, ...timing });
      expect(res.status, JSON.stringify(timing)).toBe(status);
      expect(res.body.error.message).toMatch(message);
    }
    const missing = await api.post("/scheduled-messages", { ...base, schedule_type: "daily", time_of_day: "09:00" });
    expect(missing.status).toBe(422);
    const free = await newTenant("free");
    const fs = await setup(free.api);
    const refused = await free.api.post("/scheduled-messages", { name: "no", schedule_type: "daily", time_of_day: "09:00", ...fs });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("plan.feature_unavailable");
    const other = await newTenant("business");
    expect((await other.api.get(`/scheduled-messages/${patched.body.id}`)).status).toBe(404);
    expect((await api.get("/scheduled-messages")).body.messages).toEqual([]);
  });
});

describe("scheduled messages across restarts", () => {
  const dirs: string[] = [];
  const running: RuntimeProcess[] = [];
  // A failed assertion must not leave a runtime (and its Java) behind to slow the tests after it.
  afterAll(async () => {
    for (const r of running) await r.kill();
    dirs.forEach(removeDir);
  });

  it("fires exactly once when the runtime restarts between creation and the run time, and when it was down at the run time", async () => {
    let rt = await startRuntimeProcess({ env: { OUTREACH_RATE_LIMIT: "0" } });
    running.push(rt);
    dirs.push(rt.dataDir);
    let api = client(rt.url, rt.key);
    const base = await setup(api);
    // The restart (about 7 s here, more on a busy machine) must be over before this run comes due.
    const restartBefore = await api.post("/scheduled-messages", { name: "restart before", schedule_type: "one_time", scheduled_time: inSeconds(25), ...base });
    const downDuring = await api.post("/scheduled-messages", { name: "down during", schedule_type: "one_time", scheduled_time: inSeconds(4), ...base });
    expect(await rt.stop()).toBe(0);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(downDuring.body.next_run_at) - Date.now() + 500)));
    rt = await startRuntimeProcess({ dataDir: rt.dataDir, env: { OUTREACH_RATE_LIMIT: "0" } });
    running.push(rt);
    api = client(rt.url, rt.key);
    for (const s of [downDuring, restartBefore]) {
      const done = await waitFor(
        async () => {
          const cur = (await api.get(`/scheduled-messages/${s.body.id}`)).body;
          return cur.status === "completed" ? cur : undefined;
        },
        { timeoutMs: 30_000, what: `${s.body.name} to run` },
      );
      expect(done.run_count).toBe(1);
      expect(done.executions).toHaveLength(1);
    }
    const restartRun = (await api.get(`/scheduled-messages/${restartBefore.body.id}/history`)).body.executions[0];
    const job = await waitJob(api, restartRun.bulk_send_id, ["completed"]);
    expect(Date.parse(job.created_at) - Date.parse(restartBefore.body.next_run_at)).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api.get("/bulk-send")).body.jobs).toHaveLength(2);
    await rt.stop();
  });
});
