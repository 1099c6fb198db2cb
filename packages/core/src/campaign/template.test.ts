import { describe, expect, it } from "vitest";
import { render } from "./template";

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
});
