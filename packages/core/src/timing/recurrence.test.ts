import { describe, expect, it } from "vitest";
import { compile, type Timing } from "./recurrence";

const next = (t: Timing, after: string, n = 1) => {
  const rec = compile(t);
  const out: string[] = [];
  let from = Date.parse(after);
  for (let i = 0; i < n; i++) {
    const r = rec.next(from);
    if (r === null) break;
    out.push(new Date(r).toISOString());
    from = r;
  }
  return out;
};

const daily = (time_of_day: string, timezone: string): Timing => ({ schedule_type: "daily", timezone, time_of_day });
const cron = (cron_expression: string, timezone = "UTC"): Timing => ({ schedule_type: "cron", timezone, cron_expression });

describe("recurrence", () => {
  it.each<[string, Timing, string, string[]]>([
    // Daylight saving: a local time that does not exist runs at the first valid instant after it.
    [
      "New York daily 02:30 over the spring change",
      daily("02:30", "America/New_York"),
      "2026-03-07T12:00:00Z",
      ["2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"],
    ],
    // A local time that happens twice runs once, the first.
    [
      "London daily 01:30 over the autumn change",
      daily("01:30", "Europe/London"),
      "2026-10-24T12:00:00Z",
      ["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"],
    ],
    [
      "London daily 09:00 before and after summer time",
      daily("09:00", "Europe/London"),
      "2026-03-28T12:00:00Z",
      ["2026-03-29T08:00:00.000Z", "2026-03-30T08:00:00.000Z"],
    ],
    [
      "New York daily 01:30 on the autumn change runs once",
      daily("01:30", "America/New_York"),
      "2026-10-31T12:00:00Z",
      ["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"],
    ],
    ["Kolkata (+05:30) daily 09:00", daily("09:00", "Asia/Kolkata"), "2026-11-25T00:00:00Z", ["2026-11-25T03:30:00.000Z", "2026-11-26T03:30:00.000Z"]],
    [
      "Lord Howe (30-minute DST) daily 02:00 over its spring change",
      daily("02:00", "Australia/Lord_Howe"),
      "2026-10-03T00:00:00Z",
      ["2026-10-03T15:30:00.000Z", "2026-10-04T15:00:00.000Z"],
    ],
    ["Lord Howe daily 12:00 in winter (+10:30)", daily("12:00", "Australia/Lord_Howe"), "2026-07-01T00:00:00Z", ["2026-07-01T01:30:00.000Z"]],
    ["Kathmandu (+05:45) daily 00:00", daily("00:00", "Asia/Kathmandu"), "2026-11-25T00:00:00Z", ["2026-11-25T18:15:00.000Z"]],
    ["Shanghai daily 09:00", daily("09:00", "Asia/Shanghai"), "2026-11-25T02:00:00Z", ["2026-11-26T01:00:00.000Z"]],
    ["UTC daily 00:00 from exactly midnight is the next day", daily("00:00", "UTC"), "2026-11-25T00:00:00Z", ["2026-11-26T00:00:00.000Z"]],
    // Monthly on day 31: a shorter month runs on its last day.
    [
      "monthly day 31 through February and April",
      { schedule_type: "monthly", timezone: "UTC", time_of_day: "10:00", day_of_month: 31 },
      "2027-01-15T00:00:00Z",
      ["2027-01-31T10:00:00.000Z", "2027-02-28T10:00:00.000Z", "2027-03-31T10:00:00.000Z", "2027-04-30T10:00:00.000Z", "2027-05-31T10:00:00.000Z"],
    ],
    [
      "monthly day 30 in a leap February",
      { schedule_type: "monthly", timezone: "UTC", time_of_day: "08:00", day_of_month: 30 },
      "2028-02-01T00:00:00Z",
      ["2028-02-29T08:00:00.000Z", "2028-03-30T08:00:00.000Z"],
    ],
    [
      "monthly day 15 in Sydney",
      { schedule_type: "monthly", timezone: "Australia/Sydney", time_of_day: "09:30", day_of_month: 15 },
      "2026-11-25T00:00:00Z",
      ["2026-12-14T22:30:00.000Z"],
    ],
    // Weekly on two days over a year boundary.
    [
      "weekly mon+thu over the new year",
      { schedule_type: "weekly", timezone: "Europe/Berlin", time_of_day: "08:00", days_of_week: ["thu", "mon"] },
      "2026-12-28T12:00:00Z",
      ["2026-12-31T07:00:00.000Z", "2027-01-04T07:00:00.000Z", "2027-01-07T07:00:00.000Z"],
    ],
    [
      "weekly sunday",
      { schedule_type: "weekly", timezone: "UTC", time_of_day: "23:59", days_of_week: ["sun"] },
      "2026-11-25T00:00:00Z",
      ["2026-11-29T23:59:00.000Z"],
    ],
    // Cron: day-of-month OR day-of-week when both are restricted.
    [
      "0 9 1 * 1 is the first of the month OR Mondays",
      cron("0 9 1 * 1"),
      "2026-11-25T00:00:00Z",
      ["2026-11-30T09:00:00.000Z", "2026-12-01T09:00:00.000Z", "2026-12-07T09:00:00.000Z"],
    ],
    ["MON-FRI names", cron("0 9 * * MON-FRI", "Asia/Kolkata"), "2026-11-27T00:00:00Z", ["2026-11-27T03:30:00.000Z", "2026-11-30T03:30:00.000Z"]],
    ["month names", cron("0 0 1 JAN,JUL *"), "2026-11-25T00:00:00Z", ["2027-01-01T00:00:00.000Z", "2027-07-01T00:00:00.000Z"]],
    ["every 5 minutes is allowed", cron("*/5 * * * *"), "2026-11-25T10:02:00Z", ["2026-11-25T10:05:00.000Z", "2026-11-25T10:10:00.000Z"]],
    ["steps and ranges", cron("30 8-10/2 * * *"), "2026-11-25T00:00:00Z", ["2026-11-25T08:30:00.000Z", "2026-11-25T10:30:00.000Z", "2026-11-26T08:30:00.000Z"]],
    ["cron daily in New York over the spring change", cron("30 2 * * *", "America/New_York"), "2026-03-07T12:00:00Z", ["2026-03-08T07:00:00.000Z"]],
    [
      "daily type with a cron_expression (MoltFlow)",
      { schedule_type: "daily", timezone: "UTC", cron_expression: "0 9 * * *" },
      "2026-11-25T10:00:00Z",
      ["2026-11-26T09:00:00.000Z"],
    ],
    ["leap day only", cron("0 12 29 2 *"), "2026-11-25T00:00:00Z", ["2028-02-29T12:00:00.000Z"]],
    ["Sunday as 7", cron("0 6 * * 7"), "2026-11-25T00:00:00Z", ["2026-11-29T06:00:00.000Z"]],
    // one_time: without an offset a local time, with one that instant.
    [
      "one_time local in Tokyo",
      { schedule_type: "one_time", timezone: "Asia/Tokyo", scheduled_time: "2027-02-15T09:00:00" },
      "2026-11-25T00:00:00Z",
      ["2027-02-15T00:00:00.000Z"],
    ],
    [
      "one_time with an offset",
      { schedule_type: "one_time", timezone: "Asia/Tokyo", scheduled_time: "2027-02-15T09:00:00+01:00" },
      "2026-11-25T00:00:00Z",
      ["2027-02-15T08:00:00.000Z"],
    ],
    [
      "one_time with Z",
      { schedule_type: "one_time", timezone: "America/New_York", scheduled_time: "2027-02-15T09:00:00Z" },
      "2026-11-25T00:00:00Z",
      ["2027-02-15T09:00:00.000Z"],
    ],
    [
      "one_time runs only once",
      { schedule_type: "one_time", timezone: "UTC", scheduled_time: "2027-02-15T09:00:00Z" },
      "2026-11-25T00:00:00Z",
      ["2027-02-15T09:00:00.000Z"],
    ],
  ])("%s", (_name, timing, after, expected) => {
    expect(next(timing, after, expected.length + (timing.schedule_type === "one_time" ? 1 : 0))).toEqual(expected);
  });

  it.each<[string, Timing, RegExp]>([
    ["an unknown time zone", daily("09:00", "Mars/Olympus"), /Unknown time zone "Mars\/Olympus"/],
    ["a cron that can never fire", cron("0 0 31 2 *"), /can never fire/],
    ["30 February", cron("0 0 30 2 *"), /can never fire/],
    ["a malformed cron", cron("0 25 * * *"), /not a valid 5-field cron/],
    ["six fields", cron("0 0 9 * * *"), /not a valid 5-field cron/],
    ["garbage", cron("every day"), /not a valid 5-field cron/],
    ["every minute", cron("* * * * *"), /more often than every 5 minutes/],
    ["every 4 minutes", cron("*/4 * * * *"), /more often than every 5 minutes/],
    ["two minutes apart once a day", cron("0,2 9 * * *"), /more often than every 5 minutes/],
    ["a bad time_of_day", daily("9am", "UTC"), /HH:MM/],
    ["weekly without days", { schedule_type: "weekly", timezone: "UTC", time_of_day: "09:00" }, /days_of_week/],
    ["monthly without a day", { schedule_type: "monthly", timezone: "UTC", time_of_day: "09:00" }, /day_of_month/],
    ["cron without an expression", { schedule_type: "cron", timezone: "UTC" }, /cron_expression/],
    ["one_time without a time", { schedule_type: "one_time", timezone: "UTC" }, /scheduled_time/],
    ["one_time that is not a date", { schedule_type: "one_time", timezone: "UTC", scheduled_time: "next tuesday" }, /ISO 8601/],
  ])("refuses %s", (_name, timing, message) => {
    expect(() => compile(timing)).toThrow(message);
    try {
      compile(timing);
    } catch (e) {
      expect((e as { kind: string }).kind).toBe("unprocessable");
    }
  });
});
