import { describe, expect, it } from "vitest";
import { fromJidUser, normalize } from ".";

describe("phone numbers to E.164", () => {
  it.each([
    ["+55 11 99999-8888", "+5511999998888"],
    ["005511999998888", "+5511999998888"],
    ["5511999998888", "+5511999998888"],
    ["(+1) 202-555-0123", "+12025550123"],
    ["+86 138.0013.8000", "+8613800138000"],
    ["  +44 7911 123456 ", "+447911123456"],
  ])("%s → %s", (input, e164) => {
    expect(normalize(input)).toEqual({ ok: true, e164 });
  });

  it.each([
    ["", "empty"],
    ["12345", "invalid_number"],
    ["+55 11 9999", "invalid_number"],
    ["call me maybe", "invalid_characters"],
    ["+1+2025550123", "invalid_characters"],
    ["=1+2", "invalid_characters"],
  ])("refuses %j (%s)", (input, reason) => {
    expect(normalize(input)).toEqual({ ok: false, reason });
  });

  it("refuses non-strings and absurd lengths", () => {
    expect(normalize(42).ok).toBe(false);
    expect(normalize("1".repeat(100))).toEqual({ ok: false, reason: "too_long" });
  });

  it("reads WhatsApp JID users", () => {
    expect(fromJidUser("5511999998888")).toBe("+5511999998888");
    expect(fromJidUser("123")).toBeUndefined();
  });
});
