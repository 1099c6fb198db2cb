// Counts this process's AWS requests by operation (the `x-amz-target` header of the JSON protocols that
// DynamoDB and SQS speak), and writes `requests-<pid>.json` into PROFILE_DIR (default bench/out) at SIGTERM:
// the counts taken each second, so a window can be read from them. For the local workers:
//   OUTREACH_WORKER_NODE_ARGS="--import ./bench/profile/count-hook.mjs" BENCH_WORKERS=1 BENCH_SESSIONS=40 npm run bench -- fleet
//   node bench/profile/requests.mjs bench/out/requests-<pid>.json 50
import { writeFileSync } from "node:fs";
import http from "node:http";

const dir = process.env.PROFILE_DIR ?? "bench/out";
const counts = {};
const original = http.request;
http.request = function request(...args) {
  const opts = typeof args[0] === "object" && !(args[0] instanceof URL) ? args[0] : args[1];
  const headers = opts?.headers ?? {};
  const target = headers["x-amz-target"] ?? headers["X-Amz-Target"];
  const op = target ? String(target).split(".").pop() : "(other)";
  const req = original.apply(this, args);
  if (op !== "PutItem" && op !== "BatchWriteItem") {
    counts[op] = (counts[op] ?? 0) + 1;
    return req;
  }
  // The sandbox's own writes (its outbox, one PutItem per message sent; its receipts) exist only locally.
  const end = req.end;
  req.end = function (body, ...rest) {
    const sandbox = typeof body === "string" ? body.includes('"S":"SANDBOX"') : Buffer.isBuffer(body) && body.includes('"S":"SANDBOX"');
    const name = sandbox ? `${op} (sandbox)` : op;
    counts[name] = (counts[name] ?? 0) + 1;
    return end.call(this, body, ...rest);
  };
  return req;
};
const taken = [];
setInterval(() => taken.push({ at: Date.now(), counts: { ...counts } }), 1000).unref();
process.prependListener("SIGTERM", () => {
  taken.push({ at: Date.now(), counts: { ...counts } });
  writeFileSync(`${dir}/requests-${process.pid}.json`, JSON.stringify(taken));
});
