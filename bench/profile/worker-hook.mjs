// Starts V8's sampling profiler (1 ms) in this process and writes `worker-<pid>.cpuprofile` into
// PROFILE_DIR (default bench/out) at SIGTERM, the fleet's stop. Node refuses --cpu-prof in NODE_OPTIONS,
// and --cpu-prof writes only at a normal exit; so, for the local workers:
//   OUTREACH_WORKER_NODE_ARGS="--import ./bench/profile/worker-hook.mjs" BENCH_WORKERS=1 BENCH_SESSIONS=40 npm run bench -- fleet
//   node bench/profile/top-frames.mjs bench/out/worker-<pid>.cpuprofile 30

import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const dir = process.env.PROFILE_DIR ?? "bench/out";
const s = new Session();
s.connect();
s.post("Profiler.setSamplingInterval", { interval: 1000 });
s.post("Profiler.enable", () => s.post("Profiler.start"));
process.prependListener("SIGTERM", () => {
  s.post("Profiler.stop", (err, r) => {
    if (!err) writeFileSync(`${dir}/worker-${process.pid}.cpuprofile`, JSON.stringify(r.profile));
  });
});
