import pino from "pino";

export type Logger = pino.Logger;

/** JSON logs. Keys, tokens and auth state are redacted wherever they appear. */
export const createLogger = (opts: { level?: string; name?: string } = {}) =>
  pino({
    name: opts.name ?? "outreach",
    level: opts.level ?? "info",
    redact: {
      paths: ["key", "api_key", "apiKey", "authorization", "*.authorization", "*.key", "*['x-api-key']", "headers.authorization", "creds", "*.creds"],
      censor: "[redacted]",
    },
  });

const INSTALLED = Symbol.for("outreach.unhandled-rejection");

/**
 * Every entry point calls this once: a promise rejected with nobody listening is logged
 * (`event: "process.unhandled_rejection"`, an alarm-able line) and the process keeps serving — Node's
 * default would end it, and with it every WhatsApp session and request it holds.
 */
export const keepServingOnUnhandledRejection = (logger: Pick<Logger, "error">) => {
  const p = process as unknown as Record<symbol, boolean>;
  if (p[INSTALLED]) return;
  p[INSTALLED] = true;
  process.on("unhandledRejection", (reason) => {
    logger.error({ event: "process.unhandled_rejection", err: reason }, "unhandled promise rejection; still serving");
  });
};
