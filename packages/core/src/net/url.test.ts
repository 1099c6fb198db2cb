import { describe, expect, it } from "vitest";
import { checkUrl } from ".";

describe("static URL check (creation time)", () => {
  it.each([
    ["ftp://example.com/a.png", "scheme"],
    ["file:///etc/passwd", "scheme"],
    ["gopher://example.com/", "scheme"],
    ["javascript:alert(1)", "scheme"],
    ["not a url", "invalid_url"],
    ["http://localhost/a.png", "localhost"],
    ["http://LOCALHOST./a.png", "localhost"],
    ["http://media.localhost:8080/a.png", "localhost"],
    ["http://127.0.0.1/a.png", "ip_range"],
    ["http://127.1/a.png", "ip_range"],
    ["http://2130706433/a.png", "ip_range"],
    ["http://0x7f.0.0.1/a.png", "ip_range"],
    ["http://0/a.png", "ip_range"],
    ["http://169.254.170.2/v2/metadata", "ip_range"],
    ["http://169.254.169.254/latest/meta-data/", "ip_range"],
    ["https://10.0.0.1/x", "ip_range"],
    ["http://[::1]:8080/x", "ip_range"],
    ["http://[::ffff:127.0.0.1]/x", "ip_range"],
    ["http://[fd00:ec2::254]/x", "ip_range"],
    ["http://[fe80::1]/x", "ip_range"],
  ])("%s is refused by the %s rule", (url, rule) => {
    const r = checkUrl(url);
    expect(r).toMatchObject({ ok: false, rule });
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(10);
  });

  it("names the range in the reason", () => {
    const r = checkUrl("http://169.254.170.2/v2/metadata");
    expect(!r.ok && r.reason).toMatch(/169\.254\.170\.2 is in 169\.254\.0\.0\/16: link-local/);
  });

  it.each([
    "https://cdn.example.com/p/photo.jpg",
    "http://example.com:8080/a",
    "https://8.8.8.8/x",
    "https://[2606:4700::1111]/x",
    "https://internal.example/x",
  ])("%s passes (names are checked when they resolve)", (url) => expect(checkUrl(url).ok).toBe(true));

  it("allowLoopback lets localhost and loopback literals through, nothing else", () => {
    const p = { allowLoopback: true };
    for (const u of ["http://localhost:3000/a.png", "http://127.0.0.1:9000/a", "http://[::1]/a"]) expect(checkUrl(u, p).ok, u).toBe(true);
    for (const u of ["http://169.254.169.254/", "http://10.0.0.1/", "http://[fe80::1]/", "ftp://localhost/"]) expect(checkUrl(u, p).ok, u).toBe(false);
  });

  it("allows only ports 80, 443 and 1024-65535, loopback included (issue 29)", () => {
    for (const u of [
      "http://example.com:80/",
      "https://example.com:443/",
      "https://example.com:1024/",
      "http://example.com:6379/",
      "https://example.com:65535/",
      "http://example.com/",
    ])
      expect(checkUrl(u).ok, u).toBe(true);
    for (const u of ["http://example.com:0/", "http://example.com:22/", "https://example.com:25/", "http://example.com:1023/", "http://localhost:22/"]) {
      const r = checkUrl(u, { allowLoopback: true });
      expect(r.ok, u).toBe(false);
      expect(r.ok ? undefined : r.rule, u).toBe("port");
    }
  });
});
