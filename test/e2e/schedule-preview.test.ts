import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { groupWith, newTenant, runtime, workingSession } from "../helpers/api";

/** `GET /scheduled-messages/preview` (ours): the next runs by the server's own recurrence rules. */
describe("schedule preview", () => {
  it("lists the next runs of a daily schedule in its time zone, the same first run a created schedule gets", async () => {
    const { api } = await newTenant("business");
    const r = await api.get("/scheduled-messages/preview?schedule_type=daily&time_of_day=09:30&timezone=Asia/Shanghai");
    expect(r.status).toBe(200);
    expect(r.body.timezone).toBe("Asia/Shanghai");
    expect(r.body.runs).toHaveLength(5);
    for (const run of r.body.runs) {
      expect(run.local_time).toMatch(/T09:30:00\+08:00$/);
      expect(Date.parse(run.run_at)).toBe(Date.parse(run.local_time));
    }
    const gaps = r.body.runs.slice(1).map((x: { run_at: string }, i: number) => Date.parse(x.run_at) - Date.parse(r.body.runs[i].run_at));
    expect(new Set(gaps)).toEqual(new Set([86_400_000]));
    const [session, group] = await Promise.all([workingSession(api), groupWith(api, 1)]);
    const created = await api.post("/scheduled-messages", {
      name: "morning",
      session_id: session.id,
      custom_group_id: group.id,
      message_content: "hi",
      schedule_type: "daily",
      time_of_day: "09:30",
      timezone: "Asia/Shanghai",
    });
    expect(created.body.next_run_at).toBe(r.body.runs[0].run_at);

    const cron = await api.get(`/scheduled-messages/preview?schedule_type=cron&cron_expression=${encodeURIComponent("0 9 * * MON,THU")}&count=8`);
    expect(cron.body.runs).toHaveLength(8);
    expect(cron.body.runs.map((x: { run_at: string }) => new Date(x.run_at).getUTCDay()).every((d: number) => d === 1 || d === 4)).toBe(true);
    // The same hour as the cron expression: at another hour, the two lists differ on a Monday or Thursday between the hours.
    const weekly = await api.get("/scheduled-messages/preview?schedule_type=weekly&time_of_day=09:00&days_of_week=mon,thu&timezone=UTC&count=8");
    expect(weekly.body.runs.map((x: { run_at: string }) => x.run_at)).toEqual(cron.body.runs.map((x: { run_at: string }) => x.run_at));
  });

  it("answers 400 for malformed parameters and 422 for what creating a schedule would refuse", async () => {
    const api = runtime();
    const q = async (query: string) => (await api.get(`/scheduled-messages/preview?${query}`)).status;
    expect(await q("schedule_type=hourly&time_of_day=09:00")).toBe(400);
    expect(await q("schedule_type=daily&time_of_day=09:00&count=0")).toBe(400);
    expect(await q("schedule_type=daily&time_of_day=09:00&count=21")).toBe(400);
    expect(await q("schedule_type=weekly&time_of_day=09:00&days_of_week=mon,funday")).toBe(400);
    expect(await q("schedule_type=monthly&time_of_day=09:00&day_of_month=x")).toBe(400);
    expect(await q("time_of_day=09:00")).toBe(422);
    expect(await q("schedule_type=daily")).toBe(422);
    expect(await q("schedule_type=daily&time_of_day=25:00")).toBe(422);
    expect(await q("schedule_type=daily&time_of_day=09:00&timezone=Mars/Olympus")).toBe(422);
    expect(await q(`schedule_type=cron&cron_expression=${encodeURIComponent("* * * * *")}`)).toBe(422);
    expect(await q("schedule_type=one_time&scheduled_time=2020-01-01T00:00:00Z")).toBe(422);
    expect(await q("schedule_type=one_time&scheduled_time=tomorrow")).toBe(422);
    const r = await api.get("/scheduled-messages/preview?schedule_type=one_time&scheduled_time=2020-01-01T00:00:00Z");
    expect(r.body.error.code).toBe("schedule.in_the_past");
  });

  it("never answers 5xx, whatever the query", async () => {
    const { api } = await newTenant("free");
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom("daily", "weekly", "monthly", "cron", "one_time", "09:00", "mon,thu", "0 9 * * *", "31", "-1", "1e9", "UTC", "%ZZ"),
    );
    const keys = ["schedule_type", "timezone", "scheduled_time", "cron_expression", "time_of_day", "days_of_week", "day_of_month", "count"];
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...keys), value), async (params) => {
        const query = Object.entries(params)
          .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
          .join("&");
        const res = await api.get(`/scheduled-messages/preview?${query}`);
        return res.status === 200 || res.status === 400 || res.status === 422;
      }),
      { numRuns: 60, seed: 19 },
    );
  });
});
