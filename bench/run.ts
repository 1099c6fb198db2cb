import { mkdirSync, writeFileSync } from "node:fs";
import { apiLatency } from "./api-latency";
import { apiOverhead } from "./api-overhead";
import { awsRequests } from "./aws-requests";
import { baileysRss } from "./baileys-rss";
import { coldStart } from "./cold-start";
import { dynamoLocal } from "./dynamo-local";
import { dynamoRequests } from "./dynamo-requests";
import { fleetScale } from "./fleet";
import { groups } from "./groups";
import { inbound } from "./inbound";
import { keywordsBench } from "./keywords";
import { machine } from "./lib";
import { pacing } from "./pacing";
import { pipeline } from "./pipeline";
import { type FloorParts, pipelineFloor } from "./pipeline-floor";
import { scale } from "./scale";
import { sentiment } from "./sentiment";
import { stop } from "./stop";
import { timers } from "./timers";
import { webhooks } from "./webhooks";

/** `npm run bench [-- name ...]`: runs the benchmarks (all by default) and prints JSON results. */
const all: Record<string, () => Promise<unknown>> = {
  // `BENCH_RECEIPTS=without` or `with` runs only that half.
  pipeline: async () => {
    const only = process.env.BENCH_RECEIPTS;
    const run = (receipts: boolean) =>
      pipeline(Number(process.env.BENCH_RECIPIENTS ?? 5000), receipts, Number(process.env.BENCH_ROUNDS ?? 3), Number(process.env.BENCH_DELAY_SECONDS ?? 0));
    return {
      without_receipts: only === "with" ? undefined : await run(false),
      with_receipts: only === "without" ? undefined : await run(true),
    };
  },
  // `BENCH_FLOOR=no-summaries` leaves the conversation summaries out of the records, `lane` the records,
  // `summaries-in-tx` writes the summaries in a transaction; `BENCH_JVM=defaults`: DynamoDB Local on the JVM's defaults.
  "pipeline-floor": () =>
    pipelineFloor(Number(process.env.BENCH_RECIPIENTS ?? 1000), Number(process.env.BENCH_ROUNDS ?? 3), (process.env.BENCH_FLOOR ?? "all") as FloorParts),
  "dynamo-requests": () => dynamoRequests(Number(process.env.BENCH_REQUESTS ?? 300)),
  groups: () => groups(),
  "api-latency": () => apiLatency(),
  "api-overhead": () => apiOverhead(),
  timers: () => timers(100),
  scale: () => scale(50),
  fleet: async () => {
    const out = [];
    for (const w of (process.env.BENCH_WORKERS ?? "1,2,4").split(",").map(Number)) out.push(await fleetScale(w, Number(process.env.BENCH_SESSIONS ?? 200)));
    return out;
  },
  "baileys-rss": () => baileysRss(200),
  stop: () => stop(),
  pacing: () => pacing(),
  inbound: () => inbound(),
  webhooks: () => webhooks(),
  sentiment: () => sentiment(),
  keywords: () => keywordsBench(),
  "dynamo-local": () => dynamoLocal(),
  "cold-start": () => coldStart(),
  "aws-requests": () => awsRequests(),
};
const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(all);
const results: Record<string, unknown> = { machine: machine(), date: new Date().toISOString() };
for (const name of names) {
  const fn = all[name];
  if (!fn) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(all).join(", ")}`);
  console.error(`running ${name}…`);
  results[name] = await fn();
  console.log(JSON.stringify({ [name]: results[name] }, null, 2));
}
mkdirSync("bench/out", { recursive: true });
writeFileSync(`bench/out/${names.join("+")}.json`, JSON.stringify(results, null, 2));
process.exit(0);
