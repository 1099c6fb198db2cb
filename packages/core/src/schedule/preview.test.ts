import { describe, expect, it } from "vitest";
import { previewRuns } from "./preview";

const now = Date.parse("2026-03-27T12:00:00Z"); // a Friday; Berlin moves to summer time on Sunday 29 March

describe("previewRuns", () => {
  it("lists the next five daily runs in the schedule's zone, across a daylight-saving change", () => {
    const p = previewRuns({ schedule_type: "daily", timezone: "Europe/Berlin", time_of_day: "09:00" }, now);
    expect(p.runs.map((r) => r.local_time)).toEqual([
      "2026-03-28T09:00:00+01:00",
      "2026-03-29T09:00:00+02:00",
      "2026-03-30T09:00:00+02:00",
      "2026-03-31T09:00:00+02:00",
      "2026-04-01T09:00:00+02:00",
    ]);
    expect(p.runs[0]?.run_at).toBe("2026-03-28T08:00:00.000Z");
    expect(p.runs[1]?.run_at).toBe("2026-03-29T07:00:00.000Z");
  });

  it("follows a cron expression with day names, and the count asked for", () => {
    const p = previewRuns({ schedule_type: "cron", timezone: "UTC", cron_expression: "30 8 * * MON-FRI" }, now, 3);
    expect(p.runs.map((r) => r.run_at)).toEqual(["2026-03-30T08:30:00.000Z", "2026-03-31T08:30:00.000Z", "2026-04-01T08:30:00.000Z"]);
  });

  it("shows a one_time schedule's single run, and refuses one in the past", () => {
    const p = previewRuns({ schedule_type: "one_time", timezone: "Asia/Shanghai", scheduled_time: "2026-04-02T10:00:00" }, now);
    expect(p.runs).toEqual([{ run_at: "2026-04-02T02:00:00.000Z", local_time: "2026-04-02T10:00:00+08:00" }]);
    expect(() => previewRuns({ schedule_type: "one_time", timezone: "UTC", scheduled_time: "2026-01-01T00:00:00Z" }, now)).toThrow(/in the past/);
  });

  it("refuses what creating refuses: unknown zones, bad crons, more often than every 5 minutes", () => {
    expect(() => previewRuns({ schedule_type: "daily", timezone: "Mars/Olympus", time_of_day: "09:00" }, now)).toThrow(/time zone/);
    expect(() => previewRuns({ schedule_type: "cron", timezone: "UTC", cron_expression: "61 * * * *" }, now)).toThrow(/cron_expression/);
    expect(() => previewRuns({ schedule_type: "cron", timezone: "UTC", cron_expression: "* * * * *" }, now)).toThrow(/5 minutes/);
  });
});
