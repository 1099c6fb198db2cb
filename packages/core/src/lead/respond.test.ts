import { describe, expect, it } from "vitest";
import { lastMonths } from "../tenant";
import { renderResponse, responseId } from "./respond";

describe("auto-response template", () => {
  const v = { name: "Ana", group_name: "Loja Centro", keyword: "price", phone: "+5511999990000" };
  it("renders name, group name, keyword and phone, with a fallback for a missing name", () => {
    expect(renderResponse("Hi {{name}}! Your {{ keyword }} question in {{group_name}} ({{phone}})", v)).toBe(
      "Hi Ana! Your price question in Loja Centro (+5511999990000)",
    );
    expect(renderResponse("Hi {{name|there}}", { ...v, name: null })).toBe("Hi there");
    expect(renderResponse("Hi {{name}}", { ...v, name: "  " })).toBe("Hi ");
    expect(renderResponse("{{unknown}} stays", v)).toBe("{{unknown}} stays");
  });
  it("derives one message id per lead", () => {
    expect(responseId("lead_01abc")).toBe("msg_01abc");
  });
});

describe("usage periods", () => {
  it("lists calendar months ending with this one, across a year boundary", () => {
    expect(lastMonths(Date.UTC(2026, 1, 10), 4)).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(lastMonths(Date.UTC(2026, 11, 31, 23, 59), 1)).toEqual(["2026-12"]);
  });
});
