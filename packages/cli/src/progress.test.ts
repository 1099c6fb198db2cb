import { describe, expect, it } from "vitest";
import { bar, plainLine } from "./progress";

const p = { sent: 45, total: 100, failed: 3, skipped: 2, cancelled: 0, unknown: 0, delivered: 40, read: 10, pending: 50, status: "running" as const };

describe("progress rendering", () => {
  it("draws a bar of what is done (sent, failed, skipped) for terminals, and plain lines elsewhere", () => {
    expect(bar(p, 10)).toBe(`[█████░░░░░]  50%  ${plainLine(p)}`);
    expect(bar({ ...p, total: 0, sent: 0, failed: 0, skipped: 0, pending: 0, status: "completed" as never }, 4)).toMatch(/^\[████\] 100% /);
    expect(plainLine(p)).toBe("sent 45/100 · delivered 40 · read 10 · failed 3 · skipped 2 · pending 50 · running");
  });
});
