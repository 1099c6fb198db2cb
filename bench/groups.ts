import { percentile, runtime } from "./lib";

/**
 * 100 add requests of 1,000 members each (latency), then the CSV export of the resulting
 * 100,000-member group: time and the process's peak memory growth while streaming it.
 */
export const groups = async () => {
  const rt = await runtime();
  try {
    const g = await rt.call("POST", "/custom-groups", { name: "big" });
    const latencies: number[] = [];
    for (let r = 0; r < 100; r++) {
      const contacts = Array.from({ length: 1000 }, (_, j) => ({ phone: `+5511${String(900000000 + r * 1000 + j)}`, name: `Member ${r}-${j}` }));
      const t = performance.now();
      const res = await rt.call("POST", `/custom-groups/${g.id}/members/add`, { contacts });
      latencies.push(performance.now() - t);
      if (res.added !== 1000) throw new Error(`add ${r}: ${JSON.stringify(res).slice(0, 200)}`);
    }
    const detail = await rt.call("GET", `/custom-groups/${g.id}?limit=1`);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const t0 = performance.now();
    const res = await fetch(`${rt.base}/api/v2/custom-groups/${g.id}/export/csv`, { headers: { "X-API-Key": rt.key } });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
    }
    const exportSeconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    return {
      add_1000: {
        requests: 100,
        p50_ms: Math.round(percentile(latencies, 50)),
        p99_ms: Math.round(percentile(latencies, 99)),
        max_ms: Math.round(Math.max(...latencies)),
      },
      member_count: detail.member_count,
      export_csv: {
        rows: lines - 1,
        megabytes: Math.round((bytes / 2 ** 20) * 10) / 10,
        seconds: Math.round(exportSeconds * 10) / 10,
        peak_rss_growth_mb: Math.round(((peak - before) / 2 ** 20) * 10) / 10,
      },
    };
  } finally {
    await rt.close();
  }
};
