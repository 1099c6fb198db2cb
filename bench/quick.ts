import { rmSync } from "node:fs";
import { startRuntime } from "../packages/local/src/runtime";

rmSync("/tmp/bq", { recursive: true, force: true });
const rt = await startRuntime({ port: 3411, dataDir: "/tmp/bq", transport: "sandbox", devPlan: "unlimited", logLevel: "warn", rateLimitPerSecond: 0 });
const H = { "X-API-Key": rt.devKey, "content-type": "application/json" };
const post = async (p: string, b: unknown) =>
  (await fetch(`http://127.0.0.1:3411/api/v2${p}`, { method: "POST", headers: H, body: JSON.stringify(b) })).json() as any;
const get = async (p: string) => (await fetch(`http://127.0.0.1:3411/api/v2${p}`, { headers: H })).json() as any;
const s = await post("/sessions", { name: "b" });
while ((await get(`/sessions/${s.id}`)).status !== "working") await new Promise((r) => setTimeout(r, 50));
const n = Number(process.argv[2] ?? 500);
const g = await post("/custom-groups", { name: "g" });
for (let i = 0; i < n; i += 1000)
  await post(`/custom-groups/${g.id}/members/add`, {
    contacts: Array.from({ length: Math.min(1000, n - i) }, (_, j) => ({ phone: `+551198${String(i + j).padStart(7, "0")}` })),
  });
const t0 = performance.now();
const j = await post("/bulk-send", { session_id: s.id, custom_group_id: g.id, message_content: "x", min_delay_seconds: 0, max_delay_seconds: 0 });
let last = 0;
for (;;) {
  const cur = await get(`/bulk-send/${j.id}`);
  if (cur.sent_count !== last) {
    last = cur.sent_count;
    console.log(((performance.now() - t0) / 1000).toFixed(1), "s", cur.sent_count);
  }
  if (cur.status === "completed") break;
  await new Promise((r) => setTimeout(r, 500));
}
console.log("claim", (globalThis as any).__claim, "send", (globalThis as any).__send);
console.log("rate", (n / ((performance.now() - t0) / 1000)).toFixed(1), "msg/s");
await rt.stop();
