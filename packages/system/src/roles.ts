import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiConfig, createApp } from "@outreach/api/app";
import type { DynamoStore } from "@outreach/aws/store";
import type { Deps } from "@outreach/core/deps";
import type { Transport, TransportEvents } from "@outreach/core/port";
import type { Logger } from "@outreach/log";

/** The roles a process can play. The local runtime plays them all; each AWS entry point plays some. */
export type Role = "api" | "events" | "sender" | "host" | "sweeper";

/** The domain's dependencies, on the one store implementation (which also keeps auth state and the sandbox outbox). */
export type Adapters = Deps & { store: DynamoStore };

/** What every process gives, whatever its roles. */
export interface BaseConfig {
  adapters: Adapters;
  logger: Logger;
  /**
   * False locally: the local SQS server keeps nothing across restarts, so the sender's start-up
   * recovery plans running jobs again. True on AWS, where queued messages survive a new task.
   */
  durableQueues: boolean;
  /** This process's owner id (the host's id in session and shard leases, and in the fleet); part of its claimant id. */
  owner?: string;
  /** Long-poll wait of the queue consumers (SQS: 20 s; the local server: 1 s). */
  pollWaitSeconds?: number;
}

/** The `host` role: the sessions of the shards this process holds. */
export interface HostSettings {
  /** The transport for the sessions (sandbox or Baileys), built around the host's event sink. */
  transport: (events: TransportEvents) => Transport | Promise<Transport>;
  owner: string;
  /** Shard lease and fleet round timings (tests shorten them; defaults in fleet/). */
  fleet?: { leaseMs?: number; roundMs?: number; beatTtlMs?: number; onRoundError?: (err: unknown) => void };
}

/**
 * The `api` role: the app factory and its settings; `extend` mounts extra routes (the sandbox's,
 * locally). The factory comes from the entry point, like the transport, so processes without the
 * role never bundle the API.
 */
export interface ApiSettings {
  api: ApiConfig & { create: typeof createApp; extend?: (app: OpenAPIHono<any>) => void };
}

/** The sender sends through the host's sockets: without `host` in the same process, this key is required and cannot be given. */
interface SenderWithoutHost {
  "the sender role needs the host role in the same process": never;
}

/** What the roles in `R` need besides the base: checked by `tsc` where the system is created. */
type Needs<R extends Role> = ("host" extends R ? HostSettings : unknown) &
  ("api" extends R ? ApiSettings : unknown) &
  ("sender" extends R ? ("host" extends R ? unknown : SenderWithoutHost) : unknown);

/**
 * A process's configuration, typed by its roles: a `host` without its transport or owner, an `api`
 * without its settings, or a `sender` without a `host` does not compile. Distributes over a union of
 * role lists (`external ? [...] : [...]`).
 */
export type SystemConfig<R extends readonly Role[] = readonly Role[]> = R extends readonly Role[] ? BaseConfig & { roles: R } & Needs<R[number]> : never;

/** Every setting any role may have, for the root's own reading once the roles' type has been checked. */
export type AnyConfig = BaseConfig & { roles: readonly Role[] } & Partial<HostSettings> & Partial<ApiSettings>;
