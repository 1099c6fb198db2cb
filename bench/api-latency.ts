import autocannon from "autocannon";
import { runtime } from "./lib";

/** Latency at a fixed request rate (autocannon, 20 connections) for a read and a write route. */
export const apiLatency = async (rate = 100, seconds = 15) => {
  const rt = await runtime();
  try {
    const g = await rt.call("POST", "/custom-groups", {
      name: "latency",
      members: Array.from({ length: 200 }, (_, i) => ({ phone: `+5511${String(800000000 + i)}`, name: `M${i}` })),
    });
    const run = (opts: autocannon.Options) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        autocannon(
          { connections: 20, duration: seconds, overallRate: rate, headers: { "X-API-Key": rt.key, "content-type": "application/json" }, ...opts },
          (err, res) => (err ? reject(err) : resolve(res)),
        );
      });
    const summary = (r: autocannon.Result) => ({
      requests: r.requests.total,
      rate_per_s: rate,
      non_2xx: r.non2xx,
      errors: r.errors,
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      max_ms: r.latency.max,
    });
    const read = await run({ url: `${rt.base}/api/v2/custom-groups/${g.id}` });
    let n = 0;
    const write = await run({
      url: `${rt.base}/api/v2/custom-groups/${g.id}/members/add`,
      method: "POST",
      setupClient: (client) => {
        client.setBody(JSON.stringify({ contacts: [{ phone: `+5511${String(700000000 + (n++ % 100000))}` }] }));
      },
      requests: [
        {
          method: "POST",
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({ contacts: Array.from({ length: 10 }, () => ({ phone: `+5511${String(700000000 + (n++ % 1000000))}` })) }),
          }),
        },
      ],
    });
    return { "GET /custom-groups/{id}": summary(read), "POST /custom-groups/{id}/members/add (10 contacts)": summary(write) };
  } finally {
    await rt.close();
  }
};
