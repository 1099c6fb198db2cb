import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { createGuardedFetch } from "@outreach/fetch";
import { createLogger } from "@outreach/log";
import { createSystem } from "@outreach/system";
import { composeAws } from "@outreach/system/compose";
import { createBaileysTransport } from "@outreach/whatsapp/baileys";
import { Resource } from "sst";

// `node index.mjs --check`: every module of the bundle loaded; used by the image build check.
if (process.argv.includes("--check")) {
  console.log("worker bundle loads");
  process.exit(0);
}

/** The Fargate task: the `host` and `sender` roles on AWS, with Baileys sessions. */
const r = Resource as unknown as {
  Table: { name: string };
  Events: { url: string };
  Sends: { url: string };
  Scheduler: { groupName: string; roleArn: string; queueArn: string };
  AuthStateKey: { value: string };
};
const logger = createLogger({ level: process.env.OUTREACH_LOG_LEVEL ?? "info", name: "worker" });
const adapters = composeAws({
  table: r.Table.name,
  eventsUrl: r.Events.url,
  sendsUrl: r.Sends.url,
  scheduler: r.Scheduler,
  authStateKey: r.AuthStateKey.value,
});
const owner = `${hostname()}-${randomBytes(4).toString("hex")}`;
const system = await createSystem({
  roles: ["host", "sender"],
  adapters,
  logger,
  durableQueues: true,
  owner,
  // Media is fetched through the guard with its defaults: no private or loopback URL, ever, on AWS.
  transport: (events) => createBaileysTransport({ auth: adapters.store.auth, events, logger, fetchMedia: createGuardedFetch() }),
});
await system.start({ poll: ["sends"] });
logger.info({ owner }, "worker started");

const shutdown = async (signal: string) => {
  logger.info({ signal }, "stopping");
  await system.stop();
  process.exit(0);
};
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
