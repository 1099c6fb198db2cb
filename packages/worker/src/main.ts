import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { parseWaVersion } from "@outreach/core/session";
import { parseShards } from "@outreach/core/shard";
import { createEmitter } from "@outreach/core/webhook";
import { createGuardedFetch } from "@outreach/fetch";
import { createLogger, keepServingOnUnhandledRejection } from "@outreach/log";
import { composeAws, sendsUrlsOf } from "@outreach/system/compose";
import { createSystemWith } from "@outreach/system/create";
import { domain } from "@outreach/system/domain";
import { startLiveness } from "@outreach/system/health";
import * as Hosting from "@outreach/system/hosting";
import { countingEvents, countingTransportEvents, createMetrics } from "@outreach/system/metrics";
import { createBaileysTransport } from "@outreach/whatsapp/baileys";
import { createSandboxTransport } from "@outreach/whatsapp/sandbox";
import { Resource } from "sst";

// `node index.mjs --check`: every module of the bundle loaded; used by the image build check.
if (process.argv.includes("--check")) {
  console.log("worker bundle loads");
  process.exit(0);
}

/**
 * A Fargate task of the worker service: the `host` and `sender` roles on AWS, with Baileys sessions.
 * It joins the fleet: takes its share of the shards by lease, hosts their sessions and polls their queues.
 * Its environment is infra/roles.ts `WORKER.environment` plus the auth-state key ECS injects from SSM.
 */
const r = Resource as unknown as {
  Table: { name: string };
  Events: { url: string };
  Scheduler: { groupName: string; roleArn: string; queueArn: string };
};
const env = process.env;
const logger = createLogger({ level: env.OUTREACH_LOG_LEVEL ?? "info", name: "worker" });
keepServingOnUnhandledRejection(logger);

/** Under `sst dev` the secret is linked (infra/worker.ts); a deployed task gets it from SSM by reference only. */
const linkedKey = () => {
  try {
    return (Resource as unknown as { AuthStateKey?: { value?: string } }).AuthStateKey?.value;
  } catch {
    return undefined;
  }
};

// The key that encrypts WhatsApp credentials. Without it the worker does not start: credentials are
// never stored or read as plaintext on AWS.
const authStateKey = (env.OUTREACH_AUTH_STATE_KEY ?? linkedKey())?.trim();
if (!authStateKey || !/^[0-9a-fA-F]{64}$/.test(authStateKey)) {
  logger.fatal(
    { env: "OUTREACH_AUTH_STATE_KEY", present: Boolean(authStateKey) },
    'refusing to start: the auth state key is missing or not 64 hex characters (npx sst secret set AuthStateKey "$(openssl rand -hex 32)")',
  );
  process.exit(78);
}

// `sandbox` only where WhatsApp cannot be reached (the stage test, `npm run test:stage`); infra never sets it.
const transportName = env.OUTREACH_TRANSPORT === "sandbox" ? "sandbox" : "baileys";
if (transportName === "sandbox") logger.warn({ transport: "sandbox" }, "sandbox transport: nothing is sent to WhatsApp");

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

let gauges: () => Promise<{ Sessions: number; SendsBacklog: number }> = async () => ({ Sessions: 0, SendsBacklog: 0 });
const metrics = createMetrics({
  namespace: env.OUTREACH_METRICS_NAMESPACE ?? "Outreach",
  dimensions: { Stage: env.OUTREACH_STAGE ?? "local" },
  gauges: () => gauges(),
  write: (line) => process.stdout.write(`${line}\n`),
  clock: adapters.clock,
  onError: (e) => logger.warn({ err: e }, "metrics not read"),
});
metrics.count("WorkerStarts");

const fetchMedia = createGuardedFetch();
// The host imported statically: the image is one file, and a dynamic import in its graph makes esbuild
// wrap every module it reaches, untouched by tree-shaking (+445 KiB).
const createSystem = createSystemWith(
  async () => Hosting,
  async () => domain,
);
const system = await createSystem({
  roles: ["host", "sender"],
  // The tenant's webhooks hear of every send, and so does the MessagesSent/MessagesFailed count.
  adapters: {
    ...adapters,
    events: countingEvents(
      createEmitter(adapters, (err, tenantId, events) =>
        logger.warn({ err, tenant_id: tenantId, events: events.map((e) => e.type) }, "events not queued for webhooks"),
      ),
      metrics,
    ),
  },
  logger,
  durableQueues: true,
  owner,
  fleet: { onRoundError: () => metrics.count("StoreErrors") },
  // Media is fetched through the guard with its defaults: no private or loopback URL, ever, on AWS.
  transport: (hostEvents) => {
    const events = countingTransportEvents(hostEvents, metrics);
    return transportName === "sandbox"
      ? createSandboxTransport({ outbox: adapters.store.sandbox, events, clock: adapters.clock, fetchMedia })
      : createBaileysTransport({ auth: adapters.store.auth, events, logger, fetchMedia, waVersion });
  },
});
gauges = async () => {
  const held = Array.from({ length: adapters.queue.shards }, (_, i) => i).filter((i) => system.fleet?.owns(i));
  const depths = await Promise.all(held.map((i) => adapters.queue.backlog?.(`sends-${i}`) ?? 0));
  return { Sessions: system.host?.count() ?? 0, SendsBacklog: depths.reduce((a, b) => a + b, 0) };
};
await system.start({ poll: ["sends"] });
metrics.start();
const liveness = startLiveness({ port: Number(env.OUTREACH_HEALTH_PORT ?? 8080), clock: adapters.clock, hostLastRoundAt: system.host?.lastRoundAt });
logger.info({ owner, transport: transportName }, "worker started");

const shutdown = async (signal: string) => {
  logger.info({ signal }, "stopping");
  await system.stop();
  await metrics.stop();
  await liveness.close();
  process.exit(0);
};
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
