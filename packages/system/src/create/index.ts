import { randomBytes } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { dispatch, type Handlers } from "@outreach/core/message";
import type { QueueName } from "@outreach/core/port";
import { createEmitter } from "@outreach/core/webhook";
import { type Consumer, startConsumer } from "../consumer";
import type { Domain } from "../domain";
import type * as Hosting from "../hosting";
import { claimantId } from "../ownership/claimant";
import type { Adapters, AnyConfig, ApiSettings, HostSettings, Role, SystemConfig } from "../roles";

/** Loads the session host's module: only where sessions are hosted (`createSystem` in `./index`). */
export type LoadHosting = () => Promise<typeof Hosting>;

/** Loads the domain's handlers, timer repair and job recovery (`../domain`): statically, or at first use. */
export type LoadDomain = () => Promise<Domain>;

type DomainMessage = keyof ReturnType<Domain["domainHandlers"]>;
/** The messages whose handlers are the domain's own: `satisfies` stops the build when `domainHandlers` gains or loses one. */
const DOMAIN_MESSAGES = Object.keys({
  "job.snapshot": 0,
  "job.plan": 0,
  "job.finalize": 0,
  "group.purge": 0,
  purge: 0,
  "timer.fire": 0,
  "webhook.deliver": 0,
} satisfies Record<DomainMessage, 0>) as DomainMessage[];

/**
 * The domain's handlers built at the first message that needs one (once per process: the webhook
 * deliveries keep this process's line of attempts), so a loader that imports the domain lazily runs
 * only when such a message comes.
 */
const domainHandlersOf = (loadDomain: LoadDomain, deps: Adapters): Pick<Handlers, DomainMessage> => {
  let built: Promise<ReturnType<Domain["domainHandlers"]>> | undefined;
  const handlers = () => {
    // A failed import is tried again at the next message, not remembered for the life of the process.
    built ??= loadDomain()
      .then((d) => d.domainHandlers(deps))
      .catch((e) => {
        built = undefined;
        throw e;
      });
    return built;
  };
  const one =
    <T extends DomainMessage>(type: T) =>
    async (m: Parameters<Handlers[T]>[0], ctx?: Parameters<Handlers[T]>[1]) =>
      ((await handlers())[type] as (m: Parameters<Handlers[T]>[0], ctx?: Parameters<Handlers[T]>[1]) => Promise<unknown>)(m, ctx);
  return Object.fromEntries(DOMAIN_MESSAGES.map((t) => [t, one(t)])) as unknown as Pick<Handlers, DomainMessage>;
};

/**
 * The one composition root: builds the roles a process plays on the given adapters. Every consumer
 * (local pollers, the worker's sends poller, the events Lambda) dispatches received messages through
 * the same handler record; a message whose handler lives elsewhere is relayed or dropped, never lost.
 * What each role needs is checked by the config's type (`src/roles.ts`), not here.
 */
export const createSystemWith =
  (loadHosting: LoadHosting | undefined, loadDomain: LoadDomain) =>
  async <const R extends readonly Role[]>(config: { roles: R } & SystemConfig<R>) => {
    const c: AnyConfig = config;
    const { logger, roles } = c;
    const has = (r: Role) => roles.includes(r);
    // Claims of this start of the process carry its claimant id (ownership/: who may settle whose claims).
    const deps: Adapters = {
      ...c.adapters,
      claimant: c.adapters.claimant ?? claimantId(c.owner, randomBytes(4).toString("hex")),
      log: c.adapters.log ?? logger,
    };
    // Every role reports what happens (sends, receipts, inbound messages, job changes) for the tenant's webhooks.
    deps.events ??= createEmitter(deps, (err, tenantId, events) =>
      logger.warn({ err, tenant_id: tenantId, events: events.map((e) => e.type) }, "events not queued for webhooks"),
    );
    const wait = c.pollWaitSeconds ?? 20;
    // The config's type guarantees a host's transport and owner, and a sender's host.
    if (has("host") && !loadHosting) throw new Error("this build hosts no sessions: start the host role with createSystem from @outreach/system");
    const hosting =
      has("host") && loadHosting
        ? await loadHosting().then((h) => h.createHosting(deps, { ...(c as HostSettings), logger, sender: has("sender") }))
        : undefined;
    const sender = hosting?.sender;

    // Session control reaches whoever hosts the session: this host when the session's shard is its own,
    // else the shard's owner through the sends queue (on AWS the events Lambda relays it there).
    const handlers: Partial<Handlers> = {
      ...(has("events") ? domainHandlersOf(loadDomain, deps) : {}),
      "session.sync": (m) => (hosting?.hosts(m.session_id) ? hosting.host.sync(m.tenant_id, m.session_id) : deps.queue.send("sends", [{ body: m }])),
      "session.pair": (m) => (hosting?.hosts(m.session_id) ? hosting.host.pair(m.tenant_id, m.session_id, m.phone) : deps.queue.send("sends", [{ body: m }])),
      ...(sender ? { send: sender.handle } : {}),
    };
    const handle = dispatch(handlers, (body, why) => logger.warn({ body, why }, "message dropped"));

    let app: OpenAPIHono<any> | undefined;
    if (has("api")) {
      const { create, extend, ...settings } = (c as ApiSettings).api;
      app = create({ ...deps, logger, config: settings, ...(hosting ? { startSession: hosting.host.sync } : {}) }, { extend });
    }

    /** The repair sweep: overdue timers fire once, lost ones are armed again, stalled jobs are planned again. */
    const sweep = async (opts: { armWithinMs?: number } = {}) => {
      const timers = await (await loadDomain()).repairTimers(deps, opts);
      const claims = await watch();
      return { ...timers, ...claims };
    };
    /** Claims whose lease expired become `unknown`; running jobs past their watch time are planned again. */
    const watch = async () => (await loadDomain()).reconcile(deps, { sendingBefore: deps.clock.now(), replan: "stalled" });

    const consumers: Consumer[] = [];
    const stops: (() => Promise<void>)[] = [];
    return {
      deps,
      app,
      host: hosting?.host,
      transport: hosting?.transport,
      /** Handles one received message with this process's handlers (the Lambda consumers call this). */
      handle,
      sweep,
      watch,
      fleet: hosting?.fleet,
      /**
       * Starts what runs in the background: start-up recovery (sender), queue pollers for the queues
       * named in `poll` (`sends`: the shard queues of the shards this process takes in the fleet), the
       * session host's sync rounds, and the sweeper's interval.
       */
      async start(opts: { poll: QueueName[]; sweepEveryMs?: number }) {
        // Lease-expired claims settle; with a queue that forgets (locally) the planner's side plans running jobs again.
        if (sender || has("events")) {
          const recovered = await (await loadDomain()).recoverAtStart(deps, { durableQueues: c.durableQueues || !has("events") });
          if (recovered.unknown || recovered.replanned) logger.info(recovered, "recovered jobs of the previous run");
        }
        if (opts.poll.includes("events"))
          consumers.push(startConsumer({ queue: deps.queue, name: "events", handle, concurrency: 8, pollers: 2, waitSeconds: wait, logger }));
        // Joining the fleet takes this process's share of the shards (all of them when it is alone).
        await hosting?.start({ pollSends: opts.poll.includes("sends"), handle, waitSeconds: wait });
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
        await hosting?.leave();
        const draining = Promise.all(consumers.splice(0).map((x) => x.stop()));
        await hosting?.releaseIdle();
        await draining;
        await hosting?.host.stop();
      },
    };
  };
