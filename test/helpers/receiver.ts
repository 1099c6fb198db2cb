import { createHmac } from "node:crypto";
import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1 (the runtime reaches it with OUTREACH_ALLOW_PRIVATE_URLS=1). `answer`
 * decides each request's status from the request and how many came to its path before (0-based); a
 * promise lets it take its time. Every request is kept in `got`, in arrival order.
 */
export const startReceiver = async (answer: (r: Received, before: number) => number | Promise<number> = () => 200) => {
  const got: Received[] = [];
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const path = req.url ?? "/";
      const r: Received = { path, headers: req.headers, body, json, at: Date.now() };
      got.push(r);
      const before = counts.get(path) ?? 0;
      counts.set(path, before + 1);
      void Promise.resolve(answer(r, before)).then((status) => {
        if (!res.destroyed) res.writeHead(status, { "content-type": "text/plain" }).end("ok");
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    got,
    at: (path: string) => got.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};

/** Whether both signature headers of a delivery verify with `secret` (what a receiver should check). */
export const verifies = (r: Received, secret: string) => {
  const hex = (data: string) => createHmac("sha256", secret).update(data).digest("hex");
  const ts = String(r.headers["x-webhook-timestamp"]);
  return r.headers["x-webhook-signature"] === hex(r.body) && r.headers["x-webhook-signature-v2"] === hex(`${ts}.${r.body}`);
};
