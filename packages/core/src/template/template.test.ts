import { describe, expect, it } from "vitest";
import { render } from ".";

describe("message templates", () => {
  it("renders name, phone and a fallback", () => {
    expect(render("Hi {{name}}, {{ phone }}", { name: "Ana", phone: "+5511999998888" })).toBe("Hi Ana, +5511999998888");
    expect(render("Hi {{name|there}}!", { name: null, phone: "+1" })).toBe("Hi there!");
    expect(render("Hi {{name|there}}!", { name: "  ", phone: "+1" })).toBe("Hi there!");
    expect(render("Hi {{name}}!", { name: null, phone: "+1" })).toBe("Hi !");
    expect(render("你好 {{name|朋友}} 🎉", { name: null, phone: "+1" })).toBe("你好 朋友 🎉");
  });

  it("leaves unknown placeholders visible", () => {
    expect(render("{{nmae}} {{name}}", { name: "A", phone: "+1" })).toBe("{{nmae}} A");
  });

  it("renders hostile templates in linear time (unclosed '{{name|' repeated over 4,096 characters)", () => {
    const hostile = "{{name|".repeat(585);
    const started = performance.now();
    for (let i = 0; i < 100; i++) expect(render(hostile, { name: null, phone: "+1" })).toBe(hostile);
    // 3.4 ms per render before (quadratic); a render per recipient.
    expect((performance.now() - started) / 100).toBeLessThan(0.5);
    expect(render("{{name|a{b}} {{name|ok}}", { name: null, phone: "+1" })).toBe("{{name|a{b}} ok");
  });
});
