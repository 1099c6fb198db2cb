import type { Deps } from "@outreach/core/deps";
import type { ApiKey } from "@outreach/core/tenant";
import type { Logger } from "@outreach/log";
import type { ConsoleAssets } from "../console";

export interface ApiConfig {
  /** Requests per second per key; 0 disables the limit. */
  rateLimitPerSecond: number;
  /** Longest life of one progress stream (default `STREAM_MAX_SECONDS`; the client reconnects). The API Lambda's timeout must exceed it (infra/roles.ts). */
  streamMaxSeconds?: number;
  /** Progress streams one key may hold open at once (default 5). */
  streamsPerKey?: number;
  /** Requests without a valid key per source address and minute (default 600; 0 disables). */
  unauthenticatedPerMinute?: number;
  /** Transport new sessions use. */
  transport: "sandbox" | "baileys";
  /**
   * The web console's built files, served at `/console` (absent: no console). A function is called
   * at the console's first request: the API Lambda imports its ≈ 115 KiB of files then, not at a cold start.
   */
  console?: ConsoleAssets | (() => Promise<ConsoleAssets>);
}

export interface ApiDeps extends Deps {
  logger: Logger;
  config: ApiConfig;
  /**
   * When this process also hosts sessions (the local runtime): starts one now, so a sandbox session is
   * `working` when its create call returns. Absent where the host is another process.
   */
  startSession?: (tenantId: string, sessionId: string) => Promise<void>;
}

export interface Env {
  Variables: {
    deps: ApiDeps;
    requestId: string;
    apiKey: ApiKey;
    tenantId: string;
    log: Logger;
  };
}

/** Default longest life of a `/progress` stream: a client reconnects to go on. */
export const STREAM_MAX_SECONDS = 300;
