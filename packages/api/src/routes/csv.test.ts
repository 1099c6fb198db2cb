import { describe, expect, it } from "vitest";
import { csvRow } from "./csv";

describe("CSV rows", () => {
  it("quotes per RFC 4180 and ends with CRLF", () => {
    expect(csvRow(["+1", 'say "hi", ok', "t"])).toBe('+1,"say ""hi"", ok",t\r\n');
    expect(csvRow(["+1", "two\nlines", "t"])).toBe('+1,"two\nlines",t\r\n');
  });
  it("neutralizes formulas in untrusted cells only", () => {
    expect(csvRow(["+1", "=1+1", "t"])).toBe("+1,'=1+1,t\r\n");
    expect(csvRow(["+1", "-2", "t"])).toBe("+1,'-2,t\r\n");
    expect(csvRow(["+1", "@x", "t"])).toBe("+1,'@x,t\r\n");
    expect(csvRow(["+1", "plain 名字", "t"])).toBe("+1,plain 名字,t\r\n");
  });
});
