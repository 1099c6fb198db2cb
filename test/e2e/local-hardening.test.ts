import { readdirSync, statSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { sandbox } from "../helpers/api";

/** Issue 29: the local runtime's unauthenticated surfaces and its data, on the shared runtime process. */

/** A raw HTTP request (fetch would set Host itself). */
const raw = (path: string, o: { method?: string; host?: string; contentType?: string; body?: string } = {}) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const url = new URL(inject("runtimeUrl"));
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: o.method ?? "GET",
        headers: { host: o.host ?? url.host, ...(o.contentType ? { "content-type": o.contentType } : {}) },
      },
      (res) => {
        let body = "";
        res.on("data", (d) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });

describe("the sandbox answers only this machine, and only JSON", () => {
  const port = new URL(inject("runtimeUrl")).port;
  it("refuses a Host that is not localhost, 127.0.0.1 or [::1] (DNS rebinding)", async () => {
    for (const host of [`evil.example:${port}`, "evil.example", `127.0.0.1.nip.io:${port}`]) {
      const r = await raw("/sandbox/api/messages", { host });
      expect(r.status, host).toBe(403);
      expect(JSON.parse(r.body).error.code).toBe("sandbox.host_refused");
      expect((await raw("/sandbox", { host })).status).toBe(403);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`])
      expect((await raw("/sandbox/api/messages", { host })).status, host).toBe(200);
  });

  it("refuses a POST that is not application/json (a page's form or text/plain fetch needs no preflight)", async () => {
    const body = JSON.stringify({ session_id: "ses_x", from: "+5511987650000", text: "hi" });
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", undefined]) {
      const r = await raw("/sandbox/api/inbound", { method: "POST", contentType, body });
      expect(r.status, String(contentType)).toBe(415);
    }
    // The same body as JSON reaches the route (the session does not exist: 404).
    expect((await raw("/sandbox/api/inbound", { method: "POST", contentType: "application/json; charset=utf-8", body })).status).toBe(404);
  });
});

describe("the rest of the unauthenticated surface", () => {
  it("/console/assets/* answers 404 for any name it does not serve, inherited property names included", async () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "nope.js"]) {
      const r = await raw(`/console/assets/${name}`);
      expect(r.status, name).toBe(404);
    }
  });

  it("/health shows the workers' ids and shards, nothing about sessions", async () => {
    const h = (await sandbox().get("/health")).body as { status: string; workers: Record<string, unknown>[] };
    expect(h.status).toBe("ok");
    expect(h.workers.length).toBeGreaterThan(0);
    for (const w of h.workers) expect(Object.keys(w).sort()).toEqual(["id", "shards"]);
  });
});

describe("the data directory", () => {
  it("is 0700 with every file 0600, DynamoDB Local's database included", () => {
    const dir = inject("runtimeDataDir");
    const files: string[] = [];
    const walk = (d: string) => {
      expect(statSync(d).mode & 0o777, d).toBe(0o700);
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) files.push(p);
      }
    };
    walk(dir);
    expect(files.some((f) => f.endsWith(".db"))).toBe(true);
    // SQLite's journal comes and goes while the runtime writes: a file gone since the listing is not checked.
    for (const f of files) {
      const st = statSync(f, { throwIfNoEntry: false });
      if (st) expect(st.mode & 0o777, f).toBe(0o600);
    }
  });
});
