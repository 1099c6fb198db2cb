import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import { createApp } from "@outreach/api/app";
import { sandboxRoutes } from "@outreach/api/routes";
import { createSqsClient, createSqsQueue, ensureQueues } from "@outreach/aws/sqs";
import { createDb, createStore, ensureTable, parseAuthStateKey, parseCursorKey } from "@outreach/aws/store";
import { writeConsole } from "@outreach/console/build";
import { createIds } from "@outreach/core/id";
import type { PlanId } from "@outreach/core/plan";
import { systemClock, type TransportEvents } from "@outreach/core/port";
import { DEFAULT_SHARDS } from "@outreach/core/shard";
import { authenticate, createKey, createTenant } from "@outreach/core/tenant";
import { createGuardedFetch, createGuardedPost } from "@outreach/fetch";
import { createLogger, keepServingOnUnhandledRejection, type Logger } from "@outreach/log";
import { type ApiSettings, type BaseConfig, createSystem } from "@outreach/system";
import { createSandboxTransport, type SandboxTransport } from "@outreach/whatsapp/sandbox";
import { StartupError, startDynamoLocal } from "../dynamo-local";
import { portIsFree } from "../net";
import { runs } from "../proc";
import { privateDir } from "../proc/private";
import { startSqsLocal } from "../sqs-local";
import { createLocalTimers } from "../timers";
import { idleEvents, startWorkers, workerIds } from "../workers";

export interface RuntimeConfig {
  port: number;
  /** Address the API listens on; 127.0.0.1 unless set (`HOST`). */
  host?: string;
  dataDir: string;
  transport: "sandbox" | "baileys";
  devApiKey?: string;
  devPlan: PlanId;
  logLevel: string;
  rateLimitPerSecond: number;
  /** Requests without a valid key per address and minute (default 600). */
  unauthenticatedPerMinute?: number;
  /** `OUTREACH_ALLOW_PRIVATE_URLS=1`: tenants' URLs may name loopback (127.0.0.0/8, ::1, localhost), never private or link-local. */
  allowPrivateUrls?: boolean;
  /** Whole-download cap of a media fetch (default 60 s; tests of slow servers shorten it). */
  fetchTimeoutMs?: number;
  /** `OUTREACH_WEBHOOK_RETRY_SECONDS`: seconds before each webhook retry (tests shorten the ~22 h schedule). */
  webhookRetryDelaysS?: number[];
  /**
   * `OUTREACH_WORKERS`: 0 (default) hosts sessions and sends in this process; N ≥ 1 starts N worker
   * processes for that (the `host` and `sender` roles, sandbox sessions), like worker tasks on AWS.
   */
  workers?: number;
  /** `OUTREACH_SHARDS`: shards (sends queues) of the local stage (default 8). */
  shards?: number;
  /** `OUTREACH_WA_VERSION`: the WhatsApp Web version the Baileys transport announces (default: Baileys' own). */
  waVersion?: [number, number, number];
  /** Benchmarks attach AWS SDK middleware (request counting) to the runtime's clients. */
  instrument?: (client: { middlewareStack: { add: (...args: any[]) => void } }) => void;
}

/**
 * The whole system in one process: DynamoDB Local (Java) with data under `dataDir`, the local SQS
 * server, the API, the events consumer (planner, snapshots, timers), the sender and the session host.
 */
export const startRuntime = async (config: RuntimeConfig) => {
  const logger = createLogger({ level: config.logLevel });
  keepServingOnUnhandledRejection(logger);
  if (!(await portIsFree(config.port))) {
    throw new StartupError(`Port ${config.port} is already in use; stop whatever uses it or start with PORT=<another port>.`);
  }
  privateDir(config.dataDir);
  claimDataDir(config.dataDir);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch((e) => logger.error({ err: e }, "stop failed"));
  };
  try {
    // The web console is built from its sources at every start (esbuild, well under a second), so
    // `npm start` and the tests serve what the working tree holds; the same build is written as the
    // module the API Lambda imports (packages/console/dist/assets.mjs).
    const consoleAssets = writeConsole();
    consoleAssets.catch(() => {});
    const dynamo = await startDynamoLocal({ dataDir: join(config.dataDir, "dynamodb"), log: (m) => logger.warn(m) });
    stops.push(() => dynamo.stop());
    let sqs = await startSqsLocal();
    stops.push(() => sqs.stop());

    const db = createDb({ table: "outreach", endpoint: dynamo.endpoint, cursorKey: localCursorKey(config.dataDir) });
    config.instrument?.(db.doc);
    await ensureTable(db);
    // WhatsApp credentials are encrypted here too, with a key generated into the data directory once.
    const store = createStore(db, { authKey: localAuthKey(config.dataDir) });
    const sqsClient = createSqsClient({ endpoint: sqs.endpoint });
    config.instrument?.(sqsClient);
    const shards = config.shards ?? DEFAULT_SHARDS;
    const queue = createSqsQueue({ urls: await ensureQueues(sqsClient, "outreach", shards), client: sqsClient, firstMessageFirst: true });
    /** Fault tests: the local SQS server restarts empty on the same port, as after a crash of it. */
    const restartQueues = async () => {
      const port = sqs.port;
      await sqs.stop();
      sqs = await startSqsLocal({ port });
      await ensureQueues(sqsClient, "outreach", shards);
    };
    const clock = systemClock;
    const ids = createIds();
    const timers = createLocalTimers({ queue, clock });
    stops.push(async () => timers.close());
    const net = { allowLoopback: config.allowPrivateUrls === true };
    const deps = { store, queue, clock, ids, timers, net, post: createGuardedPost(net), webhookRetryDelaysS: config.webhookRetryDelaysS };
    const fetchMedia = createGuardedFetch({ ...net, ...(config.fetchTimeoutMs ? { totalTimeoutMs: config.fetchTimeoutMs } : {}) });

    const devKey = await ensureDevTenant(deps, config);

    // Every role in this one process, unless worker processes host the sessions. One runtime per data
    // directory, so its owner id is stable: a restart after a crash takes its sessions back at once.
    const external = (config.workers ?? 0) > 0;
    // With worker processes, this process's sandbox hosts no session: its routes read the shared outbox
    // (what was sent), while the routes that act on a running session answer 404 here.
    let sandbox: SandboxTransport | undefined =
      external && config.transport === "sandbox" ? createSandboxTransport({ outbox: store.sandbox, events: idleEvents, clock, fetchMedia }) : undefined;
    const common = {
      adapters: deps,
      logger,
      durableQueues: false,
      pollWaitSeconds: 1,
      owner: `local:${createHash("sha256").update(config.dataDir).digest("hex").slice(0, 16)}`,
      // The sandbox's routes exist only with the sandbox transport, never with a real one.
      api: {
        create: createApp,
        rateLimitPerSecond: config.rateLimitPerSecond,
        unauthenticatedPerMinute: config.unauthenticatedPerMinute,
        transport: config.transport,
        console: await consoleAssets,
        extend: (a) =>
          sandbox
            ? a.route(
                "/",
                sandboxRoutes(sandbox, {
                  host: config.host,
                  // Unauthenticated and local only: a session's status, never its tenant's data.
                  sessionStatus: async (id) => (await store.sessions.all()).find((x) => x.id === id && x.transport === "sandbox")?.status,
                }),
              )
            : undefined,
      },
    } satisfies BaseConfig & ApiSettings;
    const system = external
      ? await createSystem({ ...common, roles: ["api", "events", "sweeper"] })
      : await createSystem({
          ...common,
          roles: ["api", "events", "sender", "host", "sweeper"],
          transport: async (events) => {
            if (config.transport !== "sandbox") return baileysTransport(store, events, logger, fetchMedia, config.waVersion);
            sandbox = createSandboxTransport({ outbox: store.sandbox, events, clock, fetchMedia });
            return sandbox;
          },
        });
    stops.push(async () => {
      await system.stop();
      sandbox?.close();
    });
    const info = { pid: process.pid, port: config.port, dynamodb_endpoint: dynamo.endpoint, sqs_endpoint: sqs.endpoint, table: "outreach", shards };
    writeRuntimeInfo(config.dataDir, info);
    // Every 30 s: claims whose lease expired become unknown; running jobs past their watch time
    // (queued messages lost, e.g. the SQS server restarted) are planned again. Timers live in this
    // process: at start, what came due while it was down fires (once) and the rest is armed.
    await system.start({ poll: external ? ["events"] : ["events", "sends"], sweepEveryMs: 30_000 });
    const workers = external
      ? await startWorkers({
          ids: workerIds(config.workers ?? 0),
          dataDir: config.dataDir,
          logLevel: config.logLevel,
          allowPrivateUrls: config.allowPrivateUrls,
        })
      : undefined;
    if (workers) stops.push(() => workers.stop());

    const app = system.app as NonNullable<typeof system.app>;
    const server: ServerType = await new Promise((resolve, reject) => {
      // This machine only by default: the sandbox routes are unauthenticated (HOST=0.0.0.0 to share it on purpose).
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host ?? "127.0.0.1" }, () => resolve(s));
      s.once("error", reject);
    });
    // Idle keep-alive connections live longer than clients keep them (undici: 4 s), so a client never
    // sends on a connection the server is closing at that moment.
    (server as { keepAliveTimeout?: number }).keepAliveTimeout = 65_000;
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(() => resolve());
        }),
    );
    // runtime.json lists the live workers of the fleet and their shards, kept current (every 2 s).
    const listWorkers = async () => {
      const { workers: beats } = await store.fleet.state();
      const now = clock.now();
      const live = beats.filter((w) => w.expires_at > now).sort((a, b) => a.id.localeCompare(b.id));
      writeRuntimeInfo(config.dataDir, { ...info, workers: live.map((w) => ({ id: w.id, pid: w.pid, shards: w.shards })) });
    };
    await listWorkers();
    const lister = setInterval(() => void listWorkers().catch((e) => logger.warn({ err: e }, "runtime.json not updated")), 2000);
    lister.unref();
    stops.push(async () => clearInterval(lister));
    return {
      port: config.port,
      devKey,
      sandbox,
      deps,
      restartQueues,
      dynamoEndpoint: dynamo.endpoint,
      store,
      logger,
      /** The worker processes this runtime started (`OUTREACH_WORKERS`). */
      workers: workers?.list() ?? [],
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
};

/** Writes runtime.json whole (a reader never sees half a file). */
const writeRuntimeInfo = (dataDir: string, info: object) => {
  const file = join(dataDir, "runtime.json");
  writeFileSync(`${file}.tmp`, JSON.stringify(info, null, 2), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
};

/** The development tenant and its key: the configured key, the one from the last run, or a new one. */
const ensureDevTenant = async (deps: Parameters<typeof createKey>[0], config: RuntimeConfig) => {
  const keyFile = join(config.dataDir, "dev-api-key");
  const candidate = config.devApiKey ?? (existsSync(keyFile) ? readFileSync(keyFile, "utf8").trim() : undefined);
  let key = candidate;
  const existing = candidate ? await authenticate(deps.store, candidate) : undefined;
  if (existing) {
    const tenant = await deps.store.tenants.get(existing.tenant_id);
    if (tenant && tenant.plan !== config.devPlan) await deps.store.tenants.setPlan(tenant.id, config.devPlan);
  } else {
    const tenant = await createTenant(deps, { name: "Development", plan: config.devPlan });
    const created = await createKey(deps, { tenantId: tenant.id, name: "development", plain: candidate });
    key = created.key;
  }
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  return key as string;
};

/** The local auth-state key: `<dataDir>/auth-state-key` (0600), created on first start. */
const localAuthKey = (dataDir: string) => {
  const file = join(dataDir, "auth-state-key");
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
  return parseAuthStateKey(readFileSync(file, "utf8"));
};

/** The cursor key of this data directory (generated once, 0600): cursors stay valid across restarts. */
const localCursorKey = (dataDir: string) => {
  const file = join(dataDir, "cursor-key");
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
  return parseCursorKey(readFileSync(file, "utf8"));
};

/** Refuses to share a data directory with another live runtime (its DynamoDB Local would be stopped under it). */
const claimDataDir = (dataDir: string) => {
  const file = join(dataDir, "runtime.json");
  if (existsSync(file)) {
    try {
      const { pid } = JSON.parse(readFileSync(file, "utf8")) as { pid?: number };
      if (pid && pid !== process.pid && runs(pid, ["main.ts", "outreach"])) {
        throw new StartupError(`Another Outreach runtime (pid ${pid}) is using ${dataDir}; stop it or set OUTREACH_DATA_DIR to another directory.`);
      }
    } catch (e) {
      if (e instanceof StartupError) throw e;
    }
  }
  writeFileSync(file, JSON.stringify({ pid: process.pid }), { mode: 0o600 });
};

/** Real WhatsApp: loaded only when asked for (Baileys is large); prints each pairing QR in the terminal. */
const baileysTransport = async (
  store: ReturnType<typeof createStore>,
  events: TransportEvents,
  logger: Logger,
  fetchMedia: ReturnType<typeof createGuardedFetch>,
  waVersion: [number, number, number] | undefined,
) => {
  const { createBaileysTransport } = await import("@outreach/whatsapp/baileys");
  const QRCode = (await import("qrcode")).default;
  return createBaileysTransport({
    auth: store.auth,
    events,
    logger,
    fetchMedia,
    waVersion,
    onQr: (sessionId, qr) => {
      void QRCode.toString(qr, { type: "terminal", small: true }).then((art) => {
        console.log(`\nSession ${sessionId}: scan this QR with WhatsApp (Settings → Linked devices → Link a device):\n${art}`);
      });
    },
  });
};
