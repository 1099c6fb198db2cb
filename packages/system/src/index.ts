import { randomBytes } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiConfig, createApp } from "@outreach/api/app";
import type { DynamoStore } from "@outreach/aws/store";
import type { Deps } from "@outreach/core/deps";
import * as Jobs from "@outreach/core/job";
import { dispatch, domainHandlers, type Handlers } from "@outreach/core/message";
import type { QueueName, Transport, TransportEvents } from "@outreach/core/port";
import * as Timer from "@outreach/core/timer";
import { createEmitter } from "@outreach/core/webhook";
import type { Logger } from "@outreach/log";
import { type Consumer, SENDS_CONCURRENCY, startConsumer } from "./consumer";
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
  /** `host`: this process's owner id in session leases. */
  owner?: string;
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
  const deps: Adapters = { ...config.adapters, claimant: config.adapters.claimant ?? claimantId(config.owner, randomBytes(4).toString("hex")) };
  // Every role reports what happens (sends, receipts, inbound messages, job changes) for the tenant's webhooks.
  deps.events ??= createEmitter(deps, (err, tenantId, events) =>
    logger.warn({ err, tenant_id: tenantId, events: events.map((e) => e.type) }, "events not queued for webhooks"),
  );
  const has = (r: Role) => roles.includes(r);

  let host: SessionHost | undefined;
  let transport: Transport | undefined;
  if (has("host")) {
    if (!config.transport || !config.owner) throw new Error("the host role needs a transport and an owner id");
    host = createSessionHost({ ...deps, logger, owner: config.owner });
    transport = await config.transport(host.events);
    host.attach(transport);
  }
  let sender: ReturnType<typeof Jobs.createSender> | undefined;
  const lanes = createLanes(deps.clock);
  if (has("sender")) {
    if (!transport || !host) throw new Error("the sender role needs the host role in the same process (it sends through the host's sockets)");
    sender = Jobs.createSender(deps, transport, lanes, { owns: host.owns });
  }

  const handlers: Partial<Handlers> = {
    ...(has("events") ? domainHandlers(deps) : {}),
    // Session control reaches whoever hosts the sessions: here, or the worker through the sends queue.
    "session.sync": (m) => (host ? host.sync(m.tenant_id, m.session_id) : deps.queue.send("sends", [{ body: m }])),
    "session.pair": (m) => (host ? host.pair(m.tenant_id, m.session_id, m.phone) : deps.queue.send("sends", [{ body: m }])),
    ...(sender ? { send: (m, ctx) => sender.handle(m, ctx) } : {}),
  };
  const handle = dispatch(handlers, (body, why) => logger.warn({ body, why }, "message dropped"));

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
    /**
     * Starts what runs in the background: start-up recovery (sender), queue pollers for the queues
     * named in `poll`, the session host's sync rounds, and the sweeper's interval.
     */
    async start(opts: { poll: QueueName[]; sweepEveryMs?: number }) {
      // Lease-expired claims settle; with a queue that forgets (locally) the planner's side plans running jobs again.
      if (sender || has("events")) {
        const recovered = await recoverAtStart(deps, { durableQueues: config.durableQueues || !has("events") });
        if (recovered.unknown || recovered.replanned) logger.info(recovered, "recovered jobs of the previous run");
      }
      const wait = config.pollWaitSeconds ?? 20;
      if (opts.poll.includes("events"))
        consumers.push(startConsumer({ queue: deps.queue, name: "events", handle, concurrency: 8, pollers: 2, waitSeconds: wait, logger }));
      if (opts.poll.includes("sends"))
        consumers.push(
          startConsumer({ queue: deps.queue, name: "sends", handle, concurrency: SENDS_CONCURRENCY, pollers: wait > 5 ? 2 : 4, waitSeconds: wait, logger }),
        );
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
      lanes.close();
      const draining = Promise.all(consumers.splice(0).map((c) => c.stop()));
      await host?.releaseIdle((id) => !lanes.busy(id));
      await draining;
      await host?.stop();
    },
  };
};

export type System = Awaited<ReturnType<typeof createSystem>>;
