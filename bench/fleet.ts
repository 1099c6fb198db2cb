import { readFileSync } from "node:fs";
import { join } from "node:path";
import { procStats, runtime } from "./lib";

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The fleet locally: `workers` worker processes (OUTREACH_WORKERS) share the 8 shards and host
 * `sessions` sandbox sessions, each running a paced job (1–2 s gaps, 100 members). Over the window:
 * messages/s against the paced rate, and CPU and RSS of each worker, of the runtime process (API,
 * planner, webhooks emitter) and of DynamoDB Local — all on this machine's cores.
 */
export const fleetScale = async (workers: number, sessions: number, seconds = 60) => {
  const rt = await runtime(undefined, { workers });
  try {
    const ids: string[] = [];
    for (let i = 0; i < sessions; i += 20) {
      const made = await Promise.all(Array.from({ length: Math.min(20, sessions - i) }, () => rt.call("POST", "/sessions", { name: "bench" })));
      ids.push(...made.map((s) => s.id as string));
    }
    for (;;) {
      const list = (await rt.call("GET", "/sessions")) as { id: string; status: string }[];
      if (ids.every((id) => list.find((s) => s.id === id)?.status === "working")) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const group = await rt.group(100, 3000);
    for (let i = 0; i < ids.length; i += 20)
      await Promise.all(
        ids
          .slice(i, i + 20)
          .map((id) =>
            rt.call("POST", "/bulk-send", { session_id: id, custom_group_id: group, message_content: "paced", min_delay_seconds: 1, max_delay_seconds: 2 }),
          ),
      );
    const info = JSON.parse(readFileSync(join(rt.dataDir, "runtime.json"), "utf8")) as { workers: { id: string; pid: number; shards: number[] }[] };
    const pids = rt.workers.map((w) => w.pid as number);
    // Jobs created first start sending while later ones are set up: count only what the window sends.
    const sent0 = (await rt.call("GET", "/usage/current")).total_messages;
    const cpu0 = pids.map((p) => procStats(p).cpuSeconds);
    const self0 = process.cpuUsage();
    const java0 = rt.dynamoCpuSeconds();
    const t0 = performance.now();
    const peak = pids.map(() => 0);
    const sampler = setInterval(() => {
      pids.forEach((p, i) => {
        peak[i] = Math.max(peak[i] as number, procStats(p).rssMb);
      });
    }, 500);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(sampler);
    const wall = (performance.now() - t0) / 1000;
    const sent = (await rt.call("GET", "/usage/current")).total_messages - sent0;
    const self = process.cpuUsage(self0);
    return {
      workers,
      sessions,
      seconds,
      messages_sent: sent,
      messages_per_second: round1(sent / wall),
      // Gaps drawn from 1–2 s: each session paces at 1 / 1.5 s on average.
      paced_rate_expected: round1(sessions / 1.5),
      shards_per_worker: pids.map((p) => info.workers.find((w) => w.pid === p)?.shards.length ?? null),
      worker_cpu_percent_of_one_core: pids.map((p, i) => round1(((procStats(p).cpuSeconds - (cpu0[i] as number)) / wall) * 100)),
      worker_rss_mb_peak: peak,
      runtime_cpu_percent_of_one_core: round1(((self.user + self.system) / 1e6 / wall) * 100),
      dynamodb_local_cpu_percent_of_one_core: round1(((rt.dynamoCpuSeconds() - java0) / wall) * 100),
    };
  } finally {
    await rt.close();
  }
};
