import type http from "node:http";
import { FetchError } from "@outreach/core/net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuardedFetch, createGuardedPost } from ".";
import { httpServer, silentServer, type TestServer } from "./test-servers";

const fail = async (p: Promise<unknown>) => {
  const started = performance.now();
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FetchError);
  return { error: e as FetchError, ms: performance.now() - started };
};

let web: TestServer;
let hosts: string[] = [];
beforeAll(async () => {
  web = await httpServer((req, res) => {
    hosts.push(req.headers.host ?? "");
    const u = new URL(req.url ?? "/", "http://x");
    const to = u.searchParams.get("to");
    if (u.pathname === "/redirect" && to) return void res.writeHead(302, { location: to }).end();
    const hop = /^\/chain\/(\d+)$/.exec(u.pathname);
    if (hop) {
      const n = Number(hop[1]);
      return n > 0 ? void res.writeHead(302, { location: `/chain/${n - 1}` }).end() : void res.writeHead(200, { "content-type": "text/plain" }).end("end");
    }
    if (u.pathname === "/photo.jpg") return void res.writeHead(200, { "content-type": "image/jpeg" }).end(Buffer.alloc(1000, 1));
    if (u.pathname === "/announced") {
      // Announces 50 MB and sends nothing: only the header can have refused it.
      res.writeHead(200, { "content-type": "video/mp4", "content-length": String(50 * 1024 * 1024) });
      return void res.flushHeaders();
    }
    if (u.pathname === "/endless") {
      // Chunked, no length, never ends.
      res.writeHead(200, { "content-type": "application/pdf" });
      const t = setInterval(() => res.write(Buffer.alloc(64 * 1024)), 5);
      return void res.on("close", () => clearInterval(t));
    }
    if (u.pathname === "/tarpit") {
      res.writeHead(200, { "content-type": "image/png" });
      const t = setInterval(() => res.write("x"), 1000);
      return void res.on("close", () => clearInterval(t));
    }
    if (u.pathname === "/missing") return void res.writeHead(404).end("no");
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
});
afterAll(() => web.close());

const open = createGuardedFetch({ allowLoopback: true, totalTimeoutMs: 5000 });
const cap = { maxBytes: 1024 * 1024 };

describe("the outbound-fetch guard", () => {
  it("refuses a loopback URL without allowLoopback, before connecting", async () => {
    const before = web.connections();
    const { error } = await fail(createGuardedFetch()(`${web.url}/photo.jpg`, cap));
    expect(error.kind).toBe("forbidden");
    expect(error.message).toMatch(/127\.0\.0\.1 is in 127\.0\.0\.0\/8: loopback/);
    await expect(createGuardedFetch()(`http://localhost:${web.port}/photo.jpg`, cap)).rejects.toMatchObject({ kind: "forbidden" });
    expect(web.connections()).toBe(before);
  });

  it("fetches loopback with allowLoopback: body, content type, final URL", async () => {
    const r = await open(`${web.url}/photo.jpg`, cap);
    expect(r.buffer.length).toBe(1000);
    expect(r.contentType).toBe("image/jpeg");
    expect(r.finalUrl).toBe(`${web.url}/photo.jpg`);
  });

  it.each([
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://169.254.170.2/v2/credentials",
    "http://10.0.0.1/",
    "http://[::ffff:a9fe:a9fe]/",
  ])("refuses a redirect from an allowed URL to %s without connecting to it", async (target) => {
    const { error, ms } = await fail(open(`${web.url}/redirect?to=${encodeURIComponent(target)}`, cap));
    expect(error.kind).toBe("forbidden");
    expect(error.message).toMatch(/^redirect 1 was refused: its host .* is in /);
    // A connection attempt to a non-routable address would have waited for the connect timeout.
    expect(ms).toBeLessThan(1000);
  });

  it("refuses a redirect to a name that resolves to a private address (resolved once, checked before connecting)", async () => {
    const asked: string[] = [];
    const f = createGuardedFetch({
      allowLoopback: true,
      resolve: async (host) => {
        asked.push(host);
        return [{ address: "10.1.2.3", family: 4 }];
      },
    });
    const { error, ms } = await fail(f(`${web.url}/redirect?to=${encodeURIComponent("http://media.example.com/a.png")}`, cap));
    expect(error).toMatchObject({
      kind: "forbidden",
      message: "redirect 1 was refused: its host resolves to a private or reserved address, which is never fetched",
    });
    expect(error.message).not.toMatch(/10\.1\.2\.3|10\.0\.0\.0/);
    expect(asked).toEqual(["media.example.com"]);
    expect(ms).toBeLessThan(1000);
  });

  it("refuses a name with any private answer, even beside a public one", async () => {
    const f = createGuardedFetch({
      resolve: async () => [
        { address: "93.184.215.14", family: 4 },
        { address: "169.254.169.254", family: 4 },
      ],
    });
    const { error } = await fail(f("https://cdn.example.com/a.png", cap));
    expect(error).toMatchObject({ kind: "forbidden", message: expect.stringMatching(/private or reserved address/) });
    expect(error.message).not.toMatch(/169\.254/);
  });

  it("connects to the address it checked, with the name in the Host header (no second lookup)", async () => {
    let lookups = 0;
    const f = createGuardedFetch({
      allowLoopback: true,
      // A rebinding resolver: loopback (allowed here) first, the metadata endpoint afterwards.
      resolve: async () => (lookups++ === 0 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "169.254.169.254", family: 4 }]),
    });
    hosts = [];
    const r = await f(`http://media.test:${web.port}/photo.jpg`, cap);
    expect(r.buffer.length).toBe(1000);
    expect(lookups).toBe(1);
    expect(hosts).toEqual([`media.test:${web.port}`]);
  });

  it("follows 3 redirects, refuses a 4th; follows none with maxRedirects 0", async () => {
    expect((await open(`${web.url}/chain/3`, cap)).buffer.toString()).toBe("end");
    await expect(open(`${web.url}/chain/4`, cap)).rejects.toMatchObject({ kind: "http_status", message: "more than 3 redirects" });
    const none = createGuardedFetch({ allowLoopback: true, maxRedirects: 0 });
    await expect(none(`${web.url}/chain/1`, cap)).rejects.toMatchObject({ kind: "http_status", message: expect.stringMatching(/redirects are not followed/) });
  });

  it("refuses a body whose Content-Length announces more than the cap, without reading it", async () => {
    const { error, ms } = await fail(open(`${web.url}/announced`, { maxBytes: 16 * 1024 * 1024 }));
    expect(error).toMatchObject({ kind: "too_large", message: expect.stringMatching(/16 MB/) });
    expect(ms).toBeLessThan(1000);
  });

  it("stops reading a chunked body as soon as it passes the cap", async () => {
    const { error, ms } = await fail(open(`${web.url}/endless`, { maxBytes: 512 * 1024 }));
    expect(error.kind).toBe("too_large");
    expect(ms).toBeLessThan(2000);
  });

  it("decides the cap from the response's content type when given a function", async () => {
    const seen: unknown[] = [];
    const maxBytes = (head: { contentType: string | null; url: string }) => {
      seen.push(head);
      return head.contentType === "image/jpeg" ? 500 : 5000;
    };
    await expect(open(`${web.url}/photo.jpg`, { maxBytes })).rejects.toMatchObject({ kind: "too_large" });
    expect(seen).toEqual([{ contentType: "image/jpeg", url: `${web.url}/photo.jpg` }]);
  });

  it("times out a tarpit that trickles one byte a second", async () => {
    const f = createGuardedFetch({ allowLoopback: true, totalTimeoutMs: 1500 });
    const { error, ms } = await fail(f(`${web.url}/tarpit`, cap));
    expect(error).toMatchObject({ kind: "timeout", message: "the download did not finish within 1.5 s" });
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(3000);
  });

  it("times out a server that accepts the connection and never answers", async () => {
    const silent = await silentServer();
    try {
      const f = createGuardedFetch({ allowLoopback: true, totalTimeoutMs: 1000 });
      const { error, ms } = await fail(f(`${silent.url}/x`, cap));
      expect(error.kind).toBe("timeout");
      expect(silent.connections()).toBe(1);
      expect(ms).toBeLessThan(2500);
    } finally {
      await silent.close();
    }
  });

  it("reports other statuses and refused connections with their kinds", async () => {
    await expect(open(`${web.url}/missing`, cap)).rejects.toMatchObject({ kind: "http_status", status: 404, message: "the server answered 404" });
    const gone = await httpServer(() => {});
    const port = gone.port;
    await gone.close();
    // A refused connection and a name that does not resolve read the same (no map of what exists or answers).
    await expect(open(`http://127.0.0.1:${port}/`, cap)).rejects.toMatchObject({ kind: "network", message: "could not connect to 127.0.0.1" });
    const nx = createGuardedFetch({ resolve: async () => Promise.reject(Object.assign(new Error("x"), { code: "ENOTFOUND" })) });
    await expect(nx("https://nowhere.example.com/a", cap)).rejects.toMatchObject({ kind: "network", message: "could not connect to nowhere.example.com" });
    await expect(open("ftp://example.com/a", cap)).rejects.toMatchObject({ kind: "forbidden", message: expect.stringMatching(/only http and https/) });
  });

  it("fetches only from ports 80, 443 and 1024-65535 (issue 29)", async () => {
    for (const port of [0, 22, 25, 1023]) {
      await expect(open(`http://127.0.0.1:${port}/a`, cap), String(port)).rejects.toMatchObject({
        kind: "forbidden",
        message: expect.stringMatching(/port .* is not allowed/),
      });
    }
    await expect(open(`${web.url}/missing`, cap)).rejects.toMatchObject({ kind: "http_status", status: 404 });
  });
});

describe("the guard for POSTs (webhook deliveries)", () => {
  const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  let hooks: TestServer;
  beforeAll(async () => {
    hooks = await httpServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen.push({ method: req.method, headers: req.headers, body });
        if (req.url === "/moved") return void res.writeHead(301, { location: "http://169.254.169.254/" }).end();
        if (req.url === "/big") return void res.writeHead(200).end(Buffer.alloc(1024 * 1024, 1));
        if (req.url === "/hang") return;
        res.writeHead(req.url === "/gone" ? 410 : 204).end();
      });
    });
  });
  afterAll(() => hooks.close());
  const post = createGuardedPost({ allowLoopback: true });
  const msg = { body: '{"event":"x"}', headers: { "content-type": "application/json", "x-webhook-signature": "abc" }, timeoutMs: 2000 };

  it("refuses loopback without allowLoopback, before connecting", async () => {
    const before = hooks.connections();
    await expect(createGuardedPost()(`${hooks.url}/ok`, msg)).rejects.toMatchObject({ kind: "forbidden", message: expect.stringMatching(/loopback/) });
    expect(hooks.connections()).toBe(before);
  });

  it("POSTs the body and headers and returns any status, a redirect unfollowed, a long answer read in part", async () => {
    expect(await post(`${hooks.url}/ok`, msg)).toMatchObject({ status: 204 });
    expect(seen.at(-1)).toMatchObject({ method: "POST", body: '{"event":"x"}', headers: { "content-type": "application/json", "x-webhook-signature": "abc" } });
    expect((await post(`${hooks.url}/gone`, msg)).status).toBe(410);
    const n = seen.length;
    expect((await post(`${hooks.url}/moved`, msg)).status).toBe(301);
    expect(seen.length).toBe(n + 1);
    expect((await post(`${hooks.url}/big`, msg)).status).toBe(200);
  });

  it("gives up after timeoutMs when the receiver does not answer", async () => {
    const started = performance.now();
    await expect(post(`${hooks.url}/hang`, { ...msg, timeoutMs: 500 })).rejects.toMatchObject({ kind: "timeout", message: "no answer within 0.5 s" });
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
