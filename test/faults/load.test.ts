import autocannon from "autocannon";
import { describe, expect, inject, it } from "vitest";
import { groupWith, newTenant } from "../helpers/api";

describe("load", () => {
  it("serves 50 concurrent clients for 60 s of mixed reads and writes with zero errors", async () => {
    const { api, key } = await newTenant("business");
    const g = await groupWith(api, 100);
    const base = `${inject("runtimeUrl")}/api/v2`;
    let n = 0;
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      autocannon(
        {
          url: base,
          connections: 50,
          duration: Number(process.env.OUTREACH_LOAD_SECONDS ?? 60),
          headers: { "X-API-Key": key, "content-type": "application/json" },
          requests: [
            { method: "GET", path: `/api/v2/custom-groups/${g.id}?limit=20` },
            { method: "GET", path: "/api/v2/custom-groups" },
            {
              method: "POST",
              path: `/api/v2/custom-groups/${g.id}/members/add`,
              setupRequest: (req) => ({
                ...req,
                body: JSON.stringify({ contacts: Array.from({ length: 5 }, () => ({ phone: `+5511${String(600000000 + n++)}` })) }),
              }),
            },
            { method: "GET", path: "/api/v2/usage/current" },
            { method: "POST", path: "/api/v2/opt-outs", body: JSON.stringify({ phones: ["+5511988880000"] }) },
            { method: "GET", path: "/api/v2/custom-groups/contacts?limit=50" },
          ],
        },
        (err, res) => (err ? reject(err) : resolve(res)),
      );
    });
    console.log(
      JSON.stringify({
        requests: result.requests.total,
        rps: result.requests.average,
        p50_ms: result.latency.p50,
        p99_ms: result.latency.p99,
        max_ms: result.latency.max,
        non2xx: result.non2xx,
        errors: result.errors,
      }),
    );
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result.requests.total).toBeGreaterThan(1000);
    const after = await api.get(`/custom-groups/${g.id}`);
    const exported = (await api.get(`/custom-groups/${g.id}/export/json`)).body as unknown[];
    expect(after.body.member_count).toBe(exported.length);
  }, 180_000);
});
