import { describe, expect, it } from "vitest";
import { bar, plainLine } from "./progress";

const p = {
  sent: 45,
  total: 100,
  failed: 3,
  skipped: 2,
  cancelled: 0,
  unknown: 0,
  delivered: 40,
  read: 10,
  pending: 50,
  replied: 0,
  reply_rate: 0,
  status: "running" as const,
  waiting_reason: null,
  next_send_at: null,
  estimated_finish_at: null,
};

describe("progress rendering", () => {
  it("draws a bar of what is done (sent, failed, skipped) for terminals, and plain lines elsewhere", () => {
    expect(bar(p, 10)).toBe(`[█████░░░░░]  50%  ${plainLine(p)}`);
    expect(bar({ ...p, total: 0, sent: 0, failed: 0, skipped: 0, pending: 0, status: "completed" as never }, 4)).toMatch(/^\[████\] 100% /);
    expect(plainLine(p)).toBe("sent 45/100 · delivered 40 · read 10 · failed 3 · skipped 2 · pending 50 · running");
    expect(plainLine({ ...p, waiting_reason: "burst", next_send_at: "2026-11-26T09:00:00.000Z" })).toMatch(
      /· running \(waiting: the session's burst limit until 2026-11-26T09:00:00.000Z\)$/,
    );
  });
});
