import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
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
    // Receipts recorded (delivered and read counts of the jobs): whether the worker kept up with them.
    const receipts = async () =>
      ((await rt.call("GET", "/bulk-send?limit=200")).jobs as { delivered_count: number; read_count: number }[]).reduce(
        (n, j) => n + j.delivered_count + j.read_count,
        0,
      );
    const receipts0 = await receipts();
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
    const recorded = (await receipts()) - receipts0;
    const self = process.cpuUsage(self0);
    const workerCpu = pids.map((p, i) => procStats(p).cpuSeconds - (cpu0[i] as number));
    const runtimeCpu = (self.user + self.system) / 1e6;
    const javaCpu = rt.dynamoCpuSeconds() - java0;
    // The machine is the limit when the processes measured use (nearly) every core, or when other
    // processes take what the paced rate needs (sessions behind their pace with the workers not busy).
    const busy = (workerCpu.reduce((a, b) => a + b, 0) + runtimeCpu + javaCpu) / wall / cpus().length;
    const load = loadavg()[0] as number;
    return {
      workers,
      sessions,
      seconds,
      /** Worker CPU per message sent, all workers together: the figure issue 31 asks for (≤ 5 ms). */
      worker_cpu_ms_per_message: sent ? round1((workerCpu.reduce((a, b) => a + b, 0) * 1000) / sent) : null,
      machine_busy_percent: round1(busy * 100),
      load_average: round1(load),
      limited_by:
        sent / wall >= (sessions / 1.5) * 0.9 ? "pace (every session at its pace)" : busy > 0.85 || load > cpus().length ? "the machine" : "the fleet",
      messages_sent: sent,
      messages_per_second: round1(sent / wall),
      /** Delivered and read receipts recorded in the window per message sent in it (2 when the worker keeps up with them). */
      receipts_recorded_per_message: sent ? Math.round((recorded / sent) * 100) / 100 : null,
      // Gaps drawn from 1–2 s: each session paces at 1 / 1.5 s on average.
      paced_rate_expected: round1(sessions / 1.5),
      shards_per_worker: pids.map((p) => info.workers.find((w) => w.pid === p)?.shards.length ?? null),
      worker_cpu_percent_of_one_core: workerCpu.map((c) => round1((c / wall) * 100)),
      worker_rss_mb_peak: peak,
      runtime_cpu_percent_of_one_core: round1((runtimeCpu / wall) * 100),
      dynamodb_local_cpu_percent_of_one_core: round1((javaCpu / wall) * 100),
    };
  } finally {
    await rt.close();
  }
};
