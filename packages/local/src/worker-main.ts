import { resolve } from "node:path";
import { startWorker } from "./worker/index";

/** A local worker process, started by the runtime for each of `OUTREACH_WORKERS`; not started by hand. */
const env = process.env;
const worker = await startWorker({
  dataDir: resolve(env.OUTREACH_DATA_DIR ?? ".data"),
  id: env.OUTREACH_WORKER_ID ?? "1",
  logLevel: env.OUTREACH_LOG_LEVEL ?? "info",
  allowPrivateUrls: env.OUTREACH_ALLOW_PRIVATE_URLS === "1",
});
// Ready: the runtime waits for this line before it lists the worker.
console.log("worker ready");
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  process.exit(0);
};
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
