import { percentile, runtime } from "./lib";

/** Lateness of 100 one_time schedules due in the same minute: run recorded at − scheduled time. */
export const timers = async (n: number) => {
  const rt = await runtime();
  try {
    const session = await rt.session();
    const group = await rt.group(1);
    const due = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000 + 5_000);
    const ids: { id: string; at: string }[] = [];
    for (let i = 0; i < n; i++) {
      const at = new Date(due.getTime() + Math.floor((i * 50_000) / n)).toISOString();
      const s = await rt.call("POST", "/scheduled-messages", {
        name: `t${i}`,
        session_id: session,
        custom_group_id: group,
        message_content: "x",
        schedule_type: "one_time",
        scheduled_time: at,
      });
      ids.push({ id: s.id, at });
    }
    await new Promise((r) => setTimeout(r, Math.max(0, due.getTime() + 60_000 - Date.now())));
    const lateness: number[] = [];
    for (const { id, at } of ids) {
      for (let tries = 0; tries < 40; tries++) {
        const h = await rt.call("GET", `/scheduled-messages/${id}/history`);
        const run = h.executions?.[0];
        if (run) {
          lateness.push(Date.parse(run.created_at) - Date.parse(at));
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    return { schedules: n, fired: lateness.length, lateness_ms: { p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: Math.max(...lateness) } };
  } finally {
    await rt.close();
  }
};
