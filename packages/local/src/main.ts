import { resolve } from "node:path";
import { isPlanId } from "@outreach/core/plan";
import { parseWaVersion } from "@outreach/core/session";
import { parseShards } from "@outreach/core/shard";
import { StartupError } from "./dynamo-local";
import { startRuntime } from "./runtime";

/** `npm start`: the local runtime. Configuration comes from the environment (docs/getting-started.md; the list is scripts/docs/env-vars.ts). */
const env = process.env;
const plan = env.OUTREACH_DEV_PLAN ?? "business";
const transport = env.OUTREACH_TRANSPORT ?? "sandbox";

const fail = (msg: string) => {
  console.error(`outreach: ${msg}`);
  process.exit(1);
};
if (!isPlanId(plan)) fail(`OUTREACH_DEV_PLAN must be one of free, starter, pro, business, unlimited (got "${plan}").`);
if (transport !== "sandbox" && transport !== "baileys") fail(`OUTREACH_TRANSPORT must be sandbox or baileys (got "${transport}").`);
const port = Number(env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`PORT must be a port number (got "${env.PORT}").`);
const workers = Number(env.OUTREACH_WORKERS ?? 0);
if (!Number.isInteger(workers) || workers < 0 || workers > 16) fail(`OUTREACH_WORKERS must be a whole number from 0 to 16 (got "${env.OUTREACH_WORKERS}").`);
/** `OUTREACH_WEBHOOK_RETRY_SECONDS`: comma-separated whole seconds, 1–900 each, at most 8. */
const retrySeconds = (raw: string) => {
  const v = raw.split(",").map((x) => Number(x.trim()));
  if (v.length > 8 || v.some((x) => !Number.isInteger(x) || x < 1 || x > 900))
    fail(`OUTREACH_WEBHOOK_RETRY_SECONDS must be up to 8 comma-separated whole seconds from 1 to 900 (got "${raw}").`);
  return v;
};
let shards = 0;
try {
  shards = parseShards(env.OUTREACH_SHARDS);
} catch (e) {
  fail((e as Error).message);
}
let waVersion: [number, number, number] | undefined;
try {
  waVersion = parseWaVersion(env.OUTREACH_WA_VERSION);
} catch (e) {
  fail((e as Error).message);
}
if (workers > 0 && transport !== "sandbox") fail("OUTREACH_WORKERS needs OUTREACH_TRANSPORT=sandbox (worker processes host sandbox sessions).");

try {
  const rt = await startRuntime({
    port,
    host: env.HOST || "127.0.0.1",
    dataDir: resolve(env.OUTREACH_DATA_DIR ?? ".data"),
    transport: transport as "sandbox" | "baileys",
    devApiKey: env.OUTREACH_DEV_API_KEY || undefined,
    devPlan: plan as "business",
    logLevel: env.OUTREACH_LOG_LEVEL ?? "info",
    rateLimitPerSecond: Number(env.OUTREACH_RATE_LIMIT ?? 100),
    unauthenticatedPerMinute: env.OUTREACH_UNAUTH_RATE_LIMIT ? Number(env.OUTREACH_UNAUTH_RATE_LIMIT) : undefined,
    allowPrivateUrls: env.OUTREACH_ALLOW_PRIVATE_URLS === "1",
    fetchTimeoutMs: env.OUTREACH_FETCH_TIMEOUT_SECONDS ? Number(env.OUTREACH_FETCH_TIMEOUT_SECONDS) * 1000 : undefined,
    webhookRetryDelaysS: env.OUTREACH_WEBHOOK_RETRY_SECONDS ? retrySeconds(env.OUTREACH_WEBHOOK_RETRY_SECONDS) : undefined,
    workers,
    shards,
    waVersion,
  });
  console.log(
    `\nOutreach is running on http://localhost:${rt.port}  (API docs: http://localhost:${rt.port}/docs${transport === "sandbox" ? ", sandbox inbox: /sandbox" : ""})`,
  );
  console.log(`Development API key (plan ${plan}): ${rt.devKey}`);
  console.log(`  saved to ${resolve(env.OUTREACH_DATA_DIR ?? ".data", "dev-api-key")}\n`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rt.logger.info({ signal }, "stopping");
    await rt.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
} catch (e) {
  if (e instanceof StartupError) fail(e.message);
  throw e;
}
