import { type ApiConfig, createApp } from "@outreach/api/app";
import { createLogger } from "@outreach/log";
import { type Adapters, createSystem } from "@outreach/system/serverless";

/**
 * The API role on AWS: the same Hono app as locally, without the sandbox routes. New sessions use
 * Baileys (real WhatsApp); `OUTREACH_TRANSPORT=sandbox` exists for the stage test only (infra never sets it).
 */
export const buildApp = async (adapters: Adapters, env: NodeJS.ProcessEnv = process.env, consoleAssets?: ApiConfig["console"]) => {
  const system = await createSystem({
    roles: ["api"],
    adapters,
    logger: createLogger({ level: env.OUTREACH_LOG_LEVEL ?? "info" }),
    durableQueues: true,
    api: {
      create: createApp,
      rateLimitPerSecond: Number(env.OUTREACH_RATE_LIMIT ?? 100),
      transport: env.OUTREACH_TRANSPORT === "sandbox" ? "sandbox" : "baileys",
      console: consoleAssets,
    },
  });
  return system.app as NonNullable<typeof system.app>;
};
