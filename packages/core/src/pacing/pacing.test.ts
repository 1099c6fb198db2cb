import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { intoWindow, reserveSlots } from ".";

const t = (iso: string) => Date.parse(iso);
const empty = { last_slot_at: null, slot_day: null, slot_day_count: 0 };
const base = { minMs: 30_000, maxMs: 120_000, dailyLimit: null, window: null, horizonMs: 14 * 60_000 };

describe("pacing on a session's timeline", () => {
  it("starts an idle session now and spaces the following slots by min..max", () => {
    const now = t("2026-11-25T10:00:00Z");
    const seq = [0, 1, 0.5, 0.25];
    let i = 0;
    const r = reserveSlots(empty, { ...base, now, count: 4, random: () => seq[i++ % seq.length] as number });
    expect(r.slots[0]).toBe(now);
    const gaps = r.slots.slice(1).map((s, k) => s - (r.slots[k] as number));
    expect(gaps).toEqual([120_000, 75_000, 52_500]);
    expect(r.state.last_slot_at).toBe(r.slots.at(-1));
  });

  it("continues after the last reserved slot of another job on the same session", () => {
    const now = t("2026-11-25T10:00:00Z");
    const r = reserveSlots({ last_slot_at: now + 60_000, slot_day: "2026-11-25", slot_day_count: 3 }, { ...base, now, count: 1, random: () => 0 });
    expect(r.slots).toEqual([now + 90_000]);
    expect(r.state.slot_day_count).toBe(4);
  });

  it("reserves nothing beyond the horizon and tells when the next slot is", () => {
    const now = t("2026-11-25T10:00:00Z");
    const r = reserveSlots(empty, { ...base, minMs: 600_000, maxMs: 600_000, now, count: 5 });
    expect(r.slots).toEqual([now, now + 600_000]);
    expect(r.nextAt).toBe(now + 1_200_000);
  });

  it("stops at the daily limit and resumes on the next day", () => {
    const now = t("2026-11-25T23:50:00Z");
    const r = reserveSlots(empty, { ...base, minMs: 0, maxMs: 0, now, count: 5, dailyLimit: 2, horizonMs: 48 * 3600_000 });
    expect(r.slots).toEqual([now, now, t("2026-11-26T00:00:00Z"), t("2026-11-26T00:00:00Z"), t("2026-11-27T00:00:00Z")]);
  });

  it("keeps slots inside the send window in its time zone", () => {
    const window = { start: "09:00", end: "20:00", timezone: "Asia/Shanghai" };
    // 21:30 in Shanghai → next morning 09:00 Shanghai = 01:00 UTC.
    expect(intoWindow(t("2026-11-25T13:30:00Z"), window)).toBe(t("2026-11-26T01:00:00Z"));
    // 07:00 in Shanghai → 09:00 the same day.
    expect(intoWindow(t("2026-11-24T23:00:00Z"), window)).toBe(t("2026-11-25T01:00:00Z"));
    // inside: unchanged
    expect(intoWindow(t("2026-11-25T05:00:00Z"), window)).toBe(t("2026-11-25T05:00:00Z"));
    // a window across midnight (22:00–06:00): 12:00 local waits for 22:00.
    const night = { start: "22:00", end: "06:00", timezone: "Europe/Berlin" };
    const noon = DateTime.fromISO("2026-11-25T12:00", { zone: "Europe/Berlin" }).toMillis();
    expect(intoWindow(noon, night)).toBe(DateTime.fromISO("2026-11-25T22:00", { zone: "Europe/Berlin" }).toMillis());
    const early = DateTime.fromISO("2026-11-25T03:00", { zone: "Europe/Berlin" }).toMillis();
    expect(intoWindow(early, night)).toBe(early);
  });

  it("counts the daily limit per local day of the window's zone", () => {
    const window = { start: "00:00", end: "23:59", timezone: "America/New_York" };
    // 03:00 UTC on the 26th is still the 25th in New York.
    const now = t("2026-11-26T03:00:00Z");
    const r = reserveSlots(
      { last_slot_at: now - 1000, slot_day: "2026-11-25", slot_day_count: 5 },
      { ...base, minMs: 0, maxMs: 0, now, count: 1, dailyLimit: 5, window, horizonMs: 48 * 3600_000 },
    );
    expect(r.slots).toEqual([DateTime.fromISO("2026-11-26T00:00", { zone: "America/New_York" }).toMillis()]);
  });
});
