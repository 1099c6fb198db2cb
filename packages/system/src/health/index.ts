import { createServer } from "node:http";
import type { Clock } from "@outreach/core/port";

/** A session host whose renew-and-sync rounds (every 10 s) stopped this long ago is stalled. */
export const HOST_STALL_MS = 60_000;

/**
 * The worker's liveness endpoint for the container health check: `GET /live` on 127.0.0.1 answers
 * 200 while the event loop turns (a stalled loop answers nothing: the check times out) and the
 * session host completes its rounds; 503 with the reason otherwise.
 */
export const startLiveness = (opts: { port: number; clock: Clock; hostLastRoundAt?: () => number }) => {
  const server = createServer((req, res) => {
    if (req.method !== "GET" || req.url !== "/live") {
      res.writeHead(404).end();
      return;
    }
    const since = opts.hostLastRoundAt ? opts.clock.now() - opts.hostLastRoundAt() : 0;
    if (since > HOST_STALL_MS) {
      res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ status: "stalled", host_round_age_ms: since }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
  });
  server.listen(opts.port, "127.0.0.1");
  server.unref();
  return { close: () => new Promise<void>((r) => server.close(() => r())) };
};
