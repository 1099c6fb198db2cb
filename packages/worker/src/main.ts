import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { createLogger } from "@outreach/api/log";
import * as Campaign from "@outreach/core/campaign";
import { createGuardedFetch } from "@outreach/fetch";
import { createBaileysTransport } from "@outreach/whatsapp/baileys";
import { Resource } from "sst";
import { composeAws } from "./compose";
import { SENDS_CONCURRENCY, startConsumer } from "./consumer";
import { createSessionHost } from "./host";
import { createLanes } from "./lane";

// `node index.mjs --check`: every module of the bundle loaded; used by the image build check.
if (process.argv.includes("--check")) {
  console.log("worker bundle loads");
  process.exit(0);
}

/**
 * The Fargate task: hosts the WhatsApp sessions (Baileys) and sends. Exactly one runs (the service's
 * deployment stops the old task first), and DynamoDB leases enforce single ownership per session.
 */
const r = Resource as unknown as {
  Table: { name: string };
  Events: { url: string };
  Sends: { url: string };
  Scheduler: { groupName: string; roleArn: string; queueArn: string };
  AuthStateKey: { value: string };
};
const logger = createLogger({ level: process.env.OUTREACH_LOG_LEVEL ?? "info", name: "worker" });
const deps = composeAws({ table: r.Table.name, eventsUrl: r.Events.url, sendsUrl: r.Sends.url, scheduler: r.Scheduler, authStateKey: r.AuthStateKey.value });

const owner = `${hostname()}-${randomBytes(4).toString("hex")}`;
const host = createSessionHost({ ...deps, logger, owner });
// Media is fetched through the guard with its defaults: no private or loopback URL, ever, on AWS.
const transport = createBaileysTransport({ auth: deps.store.auth, events: host.events, logger, fetchMedia: createGuardedFetch() });
host.attach(transport);

// The only sender is this task: whatever a previous task left `sending` is `unknown`, never resent.
logger.info(await Campaign.reconcile(deps, { sendingBefore: Number.MAX_SAFE_INTEGER, replan: false }), "recovered claims of the previous task");

const sender = Campaign.createSender(deps, transport, createLanes(deps.clock));
const consumer = startConsumer({
  queue: deps.queue,
  name: "sends",
  concurrency: SENDS_CONCURRENCY,
  pollers: 2,
  waitSeconds: 20,
  logger,
  handle: async (raw) => {
    const body = raw as { type?: string; tenant_id: string; session_id: string; phone?: string };
    if (body.type === "session.sync") return host.sync(body.tenant_id, body.session_id);
    if (body.type === "session.pair") return host.pair(body.tenant_id, body.session_id, body.phone ?? "");
    if (body.type === "send") return sender.handle(raw as Campaign.SendMessage);
    logger.warn({ type: body.type }, "unknown message on the sends queue dropped");
  },
});
await host.syncAll();
logger.info({ owner }, "worker started");

const shutdown = async (signal: string) => {
  logger.info({ signal }, "stopping");
  await consumer.stop();
  await host.stop();
  process.exit(0);
};
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
