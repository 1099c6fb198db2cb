import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { parseWaVersion } from "@outreach/core/session";
import { parseShards } from "@outreach/core/shard";
import { createGuardedFetch } from "@outreach/fetch";
import { createLogger, keepServingOnUnhandledRejection } from "@outreach/log";
import { createSystem } from "@outreach/system";
import { composeAws, sendsUrlsOf } from "@outreach/system/compose";
import { startLiveness } from "@outreach/system/health";
import { createBaileysTransport } from "@outreach/whatsapp/baileys";
import { Resource } from "sst";

// `node index.mjs --check`: every module of the bundle loaded; used by the image build check.
if (process.argv.includes("--check")) {
  console.log("worker bundle loads");
  process.exit(0);
}

/**
 * A Fargate task of the worker service: the `host` and `sender` roles on AWS, with Baileys sessions.
 * It joins the fleet: takes its share of the shards by lease, hosts their sessions and polls their queues.
 */
const r = Resource as unknown as {
  Table: { name: string };
  Events: { url: string };
  Scheduler: { groupName: string; roleArn: string; queueArn: string };
};
const env = process.env;
const logger = createLogger({ level: env.OUTREACH_LOG_LEVEL ?? "info", name: "worker" });
keepServingOnUnhandledRejection(logger);

// The key that encrypts WhatsApp credentials comes from SSM by reference (infra/secrets.ts). Without
// it the worker does not start: credentials are never stored or read as plaintext on AWS.
const authStateKey = env.OUTREACH_AUTH_STATE_KEY?.trim();
if (!authStateKey || !/^[0-9a-fA-F]{64}$/.test(authStateKey)) {
  logger.fatal(
    { env: "OUTREACH_AUTH_STATE_KEY", present: Boolean(authStateKey) },
    'refusing to start: the auth state key is missing or not 64 hex characters (npx sst secret set AuthStateKey "$(openssl rand -hex 32)")',
  );
  process.exit(78);
}

// OUTREACH_WA_VERSION: the WhatsApp Web version to announce (after a 405 "update required"); unset: Baileys' own.
let waVersion: [number, number, number] | undefined;
try {
  waVersion = parseWaVersion(env.OUTREACH_WA_VERSION);
} catch (e) {
  logger.fatal({ env: "OUTREACH_WA_VERSION" }, (e as Error).message);
  process.exit(78);
}

const adapters = composeAws({
  table: r.Table.name,
  eventsUrl: r.Events.url,
  sendsUrls: sendsUrlsOf(Resource as unknown as Record<string, unknown>, parseShards(env.OUTREACH_SHARDS)),
  scheduler: r.Scheduler,
  authStateKey,
  requireAuthKey: true,
});
const owner = `${hostname()}-${randomBytes(4).toString("hex")}`;
const system = await createSystem({
  roles: ["host", "sender"],
  adapters,
  logger,
  durableQueues: true,
  owner,
  // Media is fetched through the guard with its defaults: no private or loopback URL, ever, on AWS.
  transport: (events) => createBaileysTransport({ auth: adapters.store.auth, events, logger, fetchMedia: createGuardedFetch(), waVersion }),
});
await system.start({ poll: ["sends"] });
const liveness = startLiveness({ port: Number(env.OUTREACH_HEALTH_PORT ?? 8080), clock: adapters.clock, hostLastRoundAt: system.host?.lastRoundAt });
logger.info({ owner }, "worker started");

const shutdown = async (signal: string) => {
  logger.info({ signal }, "stopping");
  await system.stop();
  await liveness.close();
  process.exit(0);
};
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
