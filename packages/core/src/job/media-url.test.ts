import { describe, expect, it } from "vitest";
import { checkContent } from ".";

const base = { session_id: "ses_1", custom_group_id: "grp_1", message_content: "hi" };

describe("media_url at creation (bulk sends and scheduled messages)", () => {
  it.each([
    ["ftp://example.com/a.png", /only http and https/],
    ["http://169.254.170.2/v2/metadata", /169\.254\.170\.2 is in 169\.254\.0\.0\/16: link-local/],
    ["http://169.254.169.254/latest/meta-data/", /169\.254\.0\.0\/16/],
    ["http://localhost:8080/a.png", /localhost is this machine/],
    ["http://127.0.0.1:8080/a.png", /127\.0\.0\.0\/8: loopback/],
    ["http://[::ffff:10.0.0.1]/a.png", /10\.0\.0\.0\/8/],
    ["https://100.64.1.1/a.png", /carrier-grade NAT/],
  ])("%s: 422 request.forbidden_url naming the rule", (media_url, rule) => {
    let error: any;
    try {
      checkContent({ ...base, media_url });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ kind: "unprocessable", code: "request.forbidden_url", details: { field: "media_url" } });
    expect(error.message).toMatch(/^media_url is refused: /);
    expect(error.message).toMatch(rule);
  });

  it("a public URL passes; a loopback one passes only with allowLoopback, link-local never", () => {
    expect(checkContent({ ...base, media_url: "https://cdn.example.com/a.png" }).type).toBe("text");
    expect(checkContent({ ...base, media_url: "http://127.0.0.1:9000/a.png" }, { allowLoopback: true })).toBeTruthy();
    expect(checkContent({ ...base, media_url: "http://localhost:9000/a.png" }, { allowLoopback: true })).toBeTruthy();
    expect(() => checkContent({ ...base, media_url: "http://169.254.170.2/" }, { allowLoopback: true })).toThrow(/link-local/);
  });
});
