import { createApp } from "@outreach/api/app";
import { createLogger } from "@outreach/api/log";
import type { Deps } from "@outreach/core/deps";

/** The same Hono app as locally, without the sandbox routes (real WhatsApp only on AWS). */
export const buildApp = (deps: Deps, env: NodeJS.ProcessEnv = process.env) =>
  createApp({
    ...deps,
    logger: createLogger({ level: env.OUTREACH_LOG_LEVEL ?? "info" }),
    config: { rateLimitPerSecond: Number(env.OUTREACH_RATE_LIMIT ?? 100), transport: "baileys" },
  });
