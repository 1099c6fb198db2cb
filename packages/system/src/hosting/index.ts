import * as Jobs from "@outreach/core/job";
import type { dispatch } from "@outreach/core/message";
import { shardQueue } from "@outreach/core/port";
import { shardOf } from "@outreach/core/shard";
import type { Logger } from "@outreach/log";
import { type Consumer, SENDS_CONCURRENCY, SENDS_DELETE_WITHIN_MS, SENDS_GATHER_MS, SENDS_VISIBILITY_S, startConsumer } from "../consumer";
import { createFleet } from "../fleet";
import { createSessionHost } from "../host";
import { createLanes } from "../lane";
import type { Adapters, HostSettings } from "../roles";

/**
 * The session side of a process (the `host` role, with `sender` beside it): the sessions of the
 * shards this worker holds, each still under its own session lease; the sender's per-session lanes;
 * one sends consumer per held shard. The fleet (`../fleet`) decides which shards; `take` and
 * `release` below are what a shard coming or going means here.
 */
export const createHosting = async (deps: Adapters, o: HostSettings & { logger: Logger; sender: boolean }) => {
  const { logger, owner } = o;
  const shards = deps.queue.shards;
  const inShard = (shard: number) => (sessionId: string) => shardOf(sessionId, shards) === shard;
  const lanes = createLanes(deps.clock);
  // The host runs the sessions of the shards this worker holds: shard leases, then session leases.
  // A receipt for a message whose record still lingers waits for it (the sender is made below, after the transport).
  const host = createSessionHost({
    ...deps,
    logger,
    owner,
    inScope: (id) => fleet.owns(shardOf(id, shards)),
    recording: (messageId) => sender?.recording(messageId),
  });
  const transport = await o.transport(host.events);
  host.attach(transport);
  const sender = o.sender ? Jobs.createSender(deps, transport, lanes, { hosts: host.hosts }) : undefined;
  /** No send under way on the session: none in its lane, none claimed and still being recorded. */
  const idle = (sessionId: string) => !lanes.busy(sessionId) && !(sender?.busy(sessionId) ?? false);

  /** The sends consumers of the shards this process holds, by shard. */
  const consumers = new Map<number, Consumer>();
  /** How a held shard's sends queue is polled, once `start` asked for it (before the fleet takes its first shards). */
  let poll: ((shard: number) => Consumer) | undefined;
  const fleet = createFleet(deps, {
    owner,
    pid: process.pid,
    shards,
    logger,
    ...o.fleet,
    hooks: {
      sessions: () => host.count(),
      async take(shard) {
        // Polling first: sends already due wait in their lanes while each session's lease comes free.
        if (sender && poll && !consumers.has(shard)) consumers.set(shard, poll(shard));
        await host.syncWhere(inShard(shard));
      },
      async release(shard) {
        // Stop receiving; waiting sends go back to the queue; idle sessions go at once, busy ones after their send is recorded.
        const consumer = consumers.get(shard);
        consumers.delete(shard);
        const stopped = consumer?.stop();
        lanes.drain(inShard(shard));
        await host.releaseWhere((id) => inShard(shard)(id) && idle(id));
        await stopped;
        await host.releaseWhere(inShard(shard));
      },
    },
  });

  return {
    host,
    transport,
    sender,
    fleet,
    /** Whether this process hosts the session now (its shard is held here). */
    hosts: (sessionId: string) => fleet.owns(shardOf(sessionId, shards)),
    /** Joins the fleet (taking this process's share of the shards, polling their sends queues when asked), then syncs every session. */
    async start(opts: { pollSends: boolean; handle: ReturnType<typeof dispatch>; waitSeconds: number }) {
      if (opts.pollSends) {
        poll = (shard) =>
          startConsumer({
            queue: deps.queue,
            name: shardQueue(shard),
            handle: opts.handle,
            concurrency: SENDS_CONCURRENCY,
            pollers: 1,
            waitSeconds: opts.waitSeconds,
            visibilitySeconds: SENDS_VISIBILITY_S,
            gatherMs: SENDS_GATHER_MS,
            deleteWithinMs: SENDS_DELETE_WITHIN_MS,
            logger,
          });
      }
      await fleet.start();
      await host.syncAll();
    },
    /** Every shard released as in a rebalance (lanes drained, sends recorded, sessions and leases let go); then the lanes close. */
    async leave() {
      await fleet.stop();
      lanes.close();
    },
    /** Sessions with no send under way are released at once, so the next task can take them. */
    releaseIdle: () => host.releaseIdle(idle),
  };
};

export type Hosting = Awaited<ReturnType<typeof createHosting>>;
