import { describe, expect, it } from "vitest";
import { normalize } from "../phone";
import { chatIdOf, normalizeAsync, providePhoneTables } from ".";

describe("phone numbers whose tables load on first use", () => {
  it("answer exactly as the synchronous normalize does, once the tables are provided", async () => {
    providePhoneTables(() => import("../phone").then((m) => m.normalize));
    const inputs = ["+55 11 99999-8888", "005511999998888", "(+1) 202-555-0123", "12345", "+1+2025550123", "call me", "", 42, "1".repeat(50)];
    for (const input of inputs) expect(await normalizeAsync(input), String(input)).toEqual(normalize(input));
    expect((await normalizeAsync("+55 11 99999-8888")).ok).toBe(true);
  });

  it("name a person's chat", () => {
    expect(chatIdOf("+5511999998888")).toBe("5511999998888@c.us");
  });
});
