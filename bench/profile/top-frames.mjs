// node bench/profile/top-frames.mjs <file.cpuprofile> [n]: a CPU profile's self time by origin
// (AWS SDK, Node, our packages, …) and its top n self frames, in percent of the busy (non-idle) time.
import { readFileSync } from "node:fs";

const p = JSON.parse(readFileSync(process.argv[2], "utf8"));
const n = Number(process.argv[3] ?? 25);
const byId = new Map(p.nodes.map((x) => [x.id, x]));
const dt = new Map(); // node id -> us
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
let total = 0,
  idle = 0;
const frames = new Map(),
  origins = new Map();
const origin = (u, f) => {
  if (f === "(garbage collector)") return "GC";
  if (f === "(program)") return "(program: V8/native, outside JS)";
  if (!u) return `native/builtins: ${f}`;
  if (/@smithy|@aws-sdk|@aws\//.test(u)) return "AWS SDK";
  if (/node_modules\/(pino|sonic-boom|thread-stream|@pinojs)/.test(u)) return "logging (pino)";
  if (/node_modules\/zod/.test(u)) return "zod";
  if (/node_modules\/tsx|esbuild/.test(u)) return "tsx loader";
  if (/node:|^internal|node:internal/.test(u) || !u.includes("/")) return "Node internals";
  if (/\/packages\//.test(u))
    return (
      "ours: " +
      u
        .replace(/.*\/packages\//, "")
        .split("/")
        .slice(0, 3)
        .join("/")
    );
  const m = u.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  return m ? m[1] : u;
};
for (const [id, us] of dt) {
  const x = byId.get(id);
  const f = x.callFrame.functionName || "(anonymous)";
  if (f === "(idle)") {
    idle += us;
    continue;
  }
  total += us;
  const key = `${f} ${x.callFrame.url.replace(/.*node_modules\//, "").replace(/.*\/packages\//, "packages/")}:${x.callFrame.lineNumber + 1}`;
  frames.set(key, (frames.get(key) ?? 0) + us);
  const o = origin(x.callFrame.url, f);
  origins.set(o, (origins.get(o) ?? 0) + us);
}
console.log(`busy ${(total / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s`);
const pct = (v) => `${((100 * v) / total).toFixed(1).padStart(5)} %`;
console.log("-- by origin");
for (const [k, v] of [...origins].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(pct(v), k);
console.log("-- top self frames");
for (const [k, v] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(pct(v), k);
