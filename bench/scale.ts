import { runtime } from "./lib";

/** One process hosting `sessions` sandbox sessions, each running a paced job (1–2 s gaps): memory and CPU. */
export const scale = async (sessions: number, seconds = 60) => {
  const rt = await runtime();
  try {
    const baseline = process.memoryUsage().rss;
    const ids: string[] = [];
    for (let i = 0; i < sessions; i++) ids.push(await rt.session());
    for (let i = 0; i < sessions; i++) {
      const group = await rt.group(100, 2000 + i);
      await rt.call("POST", "/bulk-send", { session_id: ids[i], custom_group_id: group, message_content: "paced", min_delay_seconds: 1, max_delay_seconds: 2 });
    }
    // Jobs created first start sending while later ones are set up: count only what the window sends.
    const sent0 = (await rt.call("GET", "/usage/current")).total_messages;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 250);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpu0);
    const wall = (performance.now() - t0) / 1000;
    const sent = (await rt.call("GET", "/usage/current")).total_messages - sent0;
    return {
      sessions,
      seconds,
      messages_sent: sent,
      messages_per_second: Math.round((sent / wall) * 10) / 10,
      // With gaps drawn from 1–2 s, 50 sessions pace at most 50 / 1.5 ≈ 33 messages/s on average.
      paced_rate_expected: Math.round((sessions / 1.5) * 10) / 10,
      node_cpu_percent_of_one_core: Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 1000) / 10,
      node_rss_mb: Math.round(peak / 2 ** 20),
      node_rss_growth_mb: Math.round((peak - baseline) / 2 ** 20),
      note: "Node process only (API, planner, sender, 50 sessions); DynamoDB Local runs in its own JVM.",
    };
  } finally {
    await rt.close();
  }
};
