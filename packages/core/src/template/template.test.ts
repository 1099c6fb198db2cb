import { describe, expect, it } from "vitest";
import { fieldKey, matches, render, renderDetail } from ".";

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
    expect(render("{{fields.city.x}} {{name}}", { name: "A", phone: "+1" })).toBe("{{fields.city.x}} A");
  });

  it("renders the first name and custom fields, with fallbacks", () => {
    const ana = { name: " Ana Maria Souza ", phone: "+1", fields: { city: "Campinas", plan: " " } };
    expect(render("Oi {{first_name}} de {{fields.city}} ({{ City }})", ana)).toBe("Oi Ana de Campinas (Campinas)");
    expect(render("{{first_name|amigo}} {{fields.plan|basic}} {{plan|free}}", ana)).toBe("Ana basic free");
    const bare = { name: null, phone: "+1" };
    expect(render("{{first_name|amigo}} em {{fields.city|sua cidade}}", bare)).toBe("amigo em sua cidade");
    // A bare name that is neither built in nor a field of this contact stays visible unless it has a fallback.
    expect(render("{{city}} / {{city|SP}}", bare)).toBe("{{city}} / SP");
    // `name` is always the contact's name, even with a field called name.
    expect(render("{{name}} {{fields.name}}", { name: "Ana", phone: "+1", fields: { name: "X" } })).toBe("Ana X");
  });

  it("counts the placeholders that came out blank or from a fallback", () => {
    expect(renderDetail("{{first_name|there}} {{fields.city|SP}}", { name: "Ana", phone: "+1", fields: { city: "Rio" } }).missing).toBe(0);
    expect(renderDetail("{{first_name|there}} {{fields.city|SP}}", { name: null, phone: "+1" }).missing).toBe(2);
    expect(renderDetail("{{phone}} {{nmae}}", { name: null, phone: "+1" }).missing).toBe(0);
  });

  it("turns column headers into field keys", () => {
    expect(fieldKey(" City ")).toBe("city");
    expect(fieldKey("Ciudad Natal")).toBe("ciudad_natal");
    expect(fieldKey("São Paulo zone")).toBe("sao_paulo_zone");
    expect(fieldKey("2nd phone")).toBe("_2nd_phone");
  });

  it("finds recipients by name, number or field", () => {
    const r = { name: "Ana", phone: "+5511999", fields: { city: "Campinas" } };
    expect(matches(r, "camp")).toBe(true);
    expect(matches(r, "ana")).toBe(true);
    expect(matches(r, "11999")).toBe(true);
    expect(matches(r, "rio")).toBe(false);
  });

  it("renders hostile templates in linear time (unclosed '{{name|' repeated): 8× the text costs about 8× the time, not 64×", () => {
    // Not a wall-clock budget (a busy CI machine makes any absolute figure flaky): the growth from
    // one size to eight times that size, each the fastest of several renders. Before the fix the
    // fallback scanned to the end of the text for every unclosed `{{name|` (quadratic: 64×).
    const fastest = (reps: number) => {
      const hostile = "{{name|".repeat(reps);
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        for (let j = 0; j < 4; j++) expect(render(hostile, { name: null, phone: "+1" })).toBe(hostile);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    fastest(585); // warm the regex up
    const growth = fastest(585 * 8) / fastest(585);
    expect(growth).toBeLessThan(24);
    expect(render("{{name|a{b}} {{name|ok}}", { name: null, phone: "+1" })).toBe("{{name|a{b}} ok");
  });
});
