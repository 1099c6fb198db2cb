import { randomBytes } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiConfig, createApp } from "@outreach/api/app";
import type { DynamoStore } from "@outreach/aws/store";
import type { Deps } from "@outreach/core/deps";
import * as Jobs from "@outreach/core/job";
import { dispatch, domainHandlers, type Handlers } from "@outreach/core/message";
import { type QueueName, shardQueue, type Transport, type TransportEvents } from "@outreach/core/port";
import { shardOf } from "@outreach/core/shard";
import * as Timer from "@outreach/core/timer";
import { createEmitter } from "@outreach/core/webhook";
import type { Logger } from "@outreach/log";
import { type Consumer, SENDS_CONCURRENCY, SENDS_VISIBILITY_S, startConsumer } from "./consumer";
import { createFleet, type Fleet } from "./fleet";
import { createSessionHost, type SessionHost } from "./host";
import { createLanes } from "./lane";
import { claimantId, recoverAtStart } from "./ownership";

export type { AwsResources } from "./compose";

/** The roles a process can play. The local runtime plays them all; each AWS entry point plays some. */
export type Role = "api" | "events" | "sender" | "host" | "sweeper";

/** The domain's dependencies, on the one store implementation (which also keeps auth state and the sandbox outbox). */
export type Adapters = Deps & { store: DynamoStore };

export interface SystemConfig {
  roles: Role[];
  adapters: Adapters;
  logger: Logger;
  /**
   * False locally: the local SQS server keeps nothing across restarts, so the sender's start-up
   * recovery plans running jobs again. True on AWS, where queued messages survive a new task.
   */
  durableQueues: boolean;
  /** `host`: the transport for the sessions (sandbox or Baileys), built around the host's event sink. */
  transport?: (events: TransportEvents) => Transport | Promise<Transport>;
  /** `host`: this process's owner id in session and shard leases, and its id in the fleet. */
  owner?: string;
  /** `host`: shard lease and fleet round timings (tests shorten them; defaults in fleet/). */
  fleet?: { leaseMs?: number; roundMs?: number; beatTtlMs?: number; onRoundError?: (err: unknown) => void };
  /**
   * `api`: the app factory and its settings; `extend` mounts extra routes (the sandbox's, locally).
   * The factory comes from the entry point, like the transport, so processes without the role never
   * bundle the API.
   */
  api?: ApiConfig & { create: typeof createApp; extend?: (app: OpenAPIHono<any>) => void };
  /** Long-poll wait of the queue consumers (SQS: 20 s; the local server: 1 s). */
  pollWaitSeconds?: number;
}

/**
 * The one composition root: builds the roles a process plays on the given adapters. Every consumer
 * (local pollers, the worker's sends poller, the events Lambda) dispatches received messages through
 * the same handler record; a message whose handler lives elsewhere is relayed or dropped, never lost.
 */
export const createSystem = async (config: SystemConfig) => {
  const { logger, roles } = config;
  // Claims of this start of the process carry its claimant id (ownership/: who may settle whose claims).
  const deps: Adapters = {
    ...config.adapters,
    claimant: config.adapters.claimant ?? claimantId(config.owner, randomBytes(4).toString("hex")),
    log: config.adapters.log ?? logger,
  };
  // Every role reports what happens (sends, receipts, inbound messages, job changes) for the tenant's webhooks.
  deps.events ??= createEmitter(deps, (err, tenantId, events) =>
    logger.warn({ err, tenant_id: tenantId, events: events.map((e) => e.type) }, "events not queued for webhooks"),
  );
  const has = (r: Role) => roles.includes(r);

  const shards = deps.queue.shards;
  const wait = config.pollWaitSeconds ?? 20;
  let host: SessionHost | undefined;
  let fleet: Fleet | undefined;
  let transport: Transport | undefined;
  /** The sends consumers of the shards this process holds, by shard. */
  const sendsConsumers = new Map<number, Consumer>();
  /** Whether `start` was asked to poll the sends queues (set before the fleet takes its first shards). */
  let pollSends = false;
  const inShard = (shard: number) => (sessionId: string) => shardOf(sessionId, shards) === shard;
  const lanes = createLanes(deps.clock);
  let sender: ReturnType<typeof Jobs.createSender> | undefined;
  let handle: ReturnType<typeof dispatch> = async () => {};
  if (has("host")) {
    if (!config.transport || !config.owner) throw new Error("the host role needs a transport and an owner id");
    // The host runs the sessions of the shards this worker holds (fleet/): shard leases, then session leases.
    const inScope = (sessionId: string) => fleet?.owns(shardOf(sessionId, shards)) ?? false;
    host = createSessionHost({ ...deps, logger, owner: config.owner, inScope });
    transport = await config.transport(host.events);
    host.attach(transport);
    const h = host;
    fleet = createFleet(deps, {
      owner: config.owner,
      pid: process.pid,
      shards,
      logger,
      ...config.fleet,
      hooks: {
        sessions: () => h.count(),
        async take(shard) {
          // Polling first: sends already due wait in their lanes while each session's lease comes free.
          if (sender && pollSends && !sendsConsumers.has(shard)) sendsConsumers.set(shard, consumeSends(shard));
          await h.syncWhere(inShard(shard));
        },
        async release(shard) {
          // Stop receiving; waiting sends go back to the queue; idle sessions go at once, busy ones after their send is recorded.
          const consumer = sendsConsumers.get(shard);
          sendsConsumers.delete(shard);
          const stopped = consumer?.stop();
          lanes.drain(inShard(shard));
          await h.releaseWhere((id) => inShard(shard)(id) && idle(id));
          await stopped;
          await h.releaseWhere(inShard(shard));
        },
      },
    });
  }
  if (has("sender")) {
    if (!transport || !host) throw new Error("the sender role needs the host role in the same process (it sends through the host's sockets)");
    sender = Jobs.createSender(deps, transport, lanes, { hosts: host.hosts });
  }
  /** No send under way on the session: none in its lane, none claimed and still being recorded. */
  const idle = (sessionId: string) => !lanes.busy(sessionId) && !(sender?.busy(sessionId) ?? false);
  /** One shard's sends queue, polled while this process holds the shard. */
  const consumeSends = (shard: number) =>
    startConsumer({
      queue: deps.queue,
      name: shardQueue(shard),
      handle,
      concurrency: SENDS_CONCURRENCY,
      pollers: 1,
      waitSeconds: wait,
      visibilitySeconds: SENDS_VISIBILITY_S,
      logger,
    });

  // Session control reaches whoever hosts the session: this host when the session's shard is its own,
  // else the shard's owner through the sends queue (on AWS the events Lambda relays it there).
  const hostsShardOf = (sessionId: string) => host !== undefined && (fleet?.owns(shardOf(sessionId, shards)) ?? false);
  const handlers: Partial<Handlers> = {
    ...(has("events") ? domainHandlers(deps) : {}),
    "session.sync": (m) => (hostsShardOf(m.session_id) ? (host as SessionHost).sync(m.tenant_id, m.session_id) : deps.queue.send("sends", [{ body: m }])),
    "session.pair": (m) =>
      hostsShardOf(m.session_id) ? (host as SessionHost).pair(m.tenant_id, m.session_id, m.phone) : deps.queue.send("sends", [{ body: m }]),
    ...(sender ? { send: sender.handle } : {}),
  };
  handle = dispatch(handlers, (body, why) => logger.warn({ body, why }, "message dropped"));

  let app: OpenAPIHono<any> | undefined;
  if (has("api")) {
    if (!config.api) throw new Error("the api role needs its settings");
    const { create, extend, ...settings } = config.api;
    app = create({ ...deps, logger, config: settings, ...(host ? { startSession: host.sync } : {}) }, { extend });
  }

  /** The repair sweep: overdue timers fire once, lost ones are armed again, stalled jobs are planned again. */
  const sweep = async (opts: { armWithinMs?: number } = {}) => {
    const timers = await Timer.repair(deps, opts);
    const claims = await watch();
    return { ...timers, ...claims };
  };
  /** Claims whose lease expired become `unknown`; running jobs past their watch time are planned again. */
  const watch = () => Jobs.reconcile(deps, { sendingBefore: deps.clock.now(), replan: "stalled" });

  const consumers: Consumer[] = [];
  const stops: (() => Promise<void>)[] = [];
  return {
    deps,
    app,
    host,
    transport,
    /** Handles one received message with this process's handlers (the Lambda consumers call this). */
    handle,
    sweep,
    watch,
    fleet,
    /**
     * Starts what runs in the background: start-up recovery (sender), queue pollers for the queues
     * named in `poll` (`sends`: the shard queues of the shards this process takes in the fleet), the
     * session host's sync rounds, and the sweeper's interval.
     */
    async start(opts: { poll: QueueName[]; sweepEveryMs?: number }) {
      // Lease-expired claims settle; with a queue that forgets (locally) the planner's side plans running jobs again.
      if (sender || has("events")) {
        const recovered = await recoverAtStart(deps, { durableQueues: config.durableQueues || !has("events") });
        if (recovered.unknown || recovered.replanned) logger.info(recovered, "recovered jobs of the previous run");
      }
      if (opts.poll.includes("events"))
        consumers.push(startConsumer({ queue: deps.queue, name: "events", handle, concurrency: 8, pollers: 2, waitSeconds: wait, logger }));
      pollSends = opts.poll.includes("sends");
      // Joining the fleet takes this process's share of the shards (all of them when it is alone).
      await fleet?.start();
      await host?.syncAll();
      if (has("sweeper") && opts.sweepEveryMs) {
        const swept = await sweep({});
        if (swept.fired) logger.info(swept, "fired overdue schedules");
        const timer = setInterval(() => {
          void watch()
            .then((r) => (r.unknown || r.replanned ? logger.warn(r, "recovered stalled jobs") : undefined))
            .catch((e) => logger.warn({ err: e }, "reconcile round failed"));
        }, opts.sweepEveryMs);
        timer.unref();
        stops.push(async () => clearInterval(timer));
      }
    },
    /**
     * Hands over cleanly: stops polling; sends waiting for their turn go back to the queue at once
     * (lanes closed); sessions with no send under way are released right away, so the next task can
     * take them while the rest finish their one send and record it; then the host stops (receipts
     * drained, remaining leases released).
     */
    async stop() {
      for (const s of stops.splice(0)) await s();
      // Every shard released as in a rebalance (lanes drained, sends recorded, sessions and leases let go).
      await fleet?.stop();
      lanes.close();
      const draining = Promise.all(consumers.splice(0).map((c) => c.stop()));
      await host?.releaseIdle(idle);
      await draining;
      await host?.stop();
    },
  };
};

export type System = Awaited<ReturnType<typeof createSystem>>;
