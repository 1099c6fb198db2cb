import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import * as Group from "@outreach/core/group";
import { hashKey } from "@outreach/core/tenant";
import autocannon from "autocannon";
import { Hono } from "hono";
import { machine, runtime } from "./lib";

/**
 * `npm run bench -- api-overhead` (`BENCH_ROUNDS`, default 3; `BENCH_SECONDS`, default 15): what the
 * API adds to a route. The same route — `GET /custom-groups/{id}` (a group of 200 members, the first
 * page of 50) — through the runtime's Hono app (key, rate-limit and usage counting, zod validation,
 * request log, error mapping) and through a bare Hono handler on the same store that calls what the
 * route calls (`Group.detail`: the group's read and the members' query) and answers its JSON. Both
 * at the same fixed rate at the same time (autocannon, 10 connections and `BENCH_RATE` requests/s
 * each, default 100), in one process, so both share the machine's noise; the ratio of their
 * latencies at p50 and p99 is the figure.
 */
export const apiOverhead = async () => {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const seconds = Number(process.env.BENCH_SECONDS ?? 15);
  const rate = Number(process.env.BENCH_RATE ?? 100);
  const rt = await runtime();
  try {
    const g = await rt.call("POST", "/custom-groups", {
      name: "overhead",
      members: Array.from({ length: 200 }, (_, i) => ({ phone: `+5511${String(800000000 + i)}`, name: `M${i}` })),
    });
    const key = await rt.store.tenants.findKey(hashKey(rt.key));
    if (!key) throw new Error("the runtime's key is unknown");
    const bare = new Hono().get("/bare/:id", async (c) => c.json(await Group.detail(rt.deps, key.tenant_id, c.req.param("id"), { limit: 50 })));
    const server = serve({ fetch: bare.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((r) => server.once("listening", () => r()));
    const barePort = (server.address() as AddressInfo).port;
    const run = (url: string) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        autocannon({ url, connections: 10, duration: seconds, overallRate: rate, headers: { "X-API-Key": rt.key } }, (err, res) =>
          err ? reject(err) : resolve(res),
        );
      });
    const summary = (r: autocannon.Result) => ({
      requests: r.requests.total,
      non_2xx: r.non2xx,
      errors: r.errors,
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
    });
    // Both warm (JIT, connections, DynamoDB Local) before the measured rounds.
    await Promise.all([run(`${rt.base}/api/v2/custom-groups/${g.id}`), run(`http://127.0.0.1:${barePort}/bare/${g.id}`)]);
    const out = [];
    for (let i = 0; i < rounds; i++) {
      const [app, direct] = await Promise.all([run(`${rt.base}/api/v2/custom-groups/${g.id}`), run(`http://127.0.0.1:${barePort}/bare/${g.id}`)]);
      out.push({
        app: summary(app),
        bare: summary(direct),
        ratio_p50: Math.round((app.latency.p50 / direct.latency.p50) * 100) / 100,
        ratio_p99: Math.round((app.latency.p99 / direct.latency.p99) * 100) / 100,
      });
    }
    server.close();
    return { machine: machine(), rate_per_s_each: rate, seconds, rounds: out };
  } finally {
    await rt.close();
  }
};
