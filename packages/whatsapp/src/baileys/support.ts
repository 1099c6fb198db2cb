import { TransportError } from "@outreach/core/port";

/** Close codes (Baileys' DisconnectReason, `Types/index.js`), plus 405 from a `failure` node (`Socket/socket.js` `CB:failure`). */
export const CODE = {
  loggedOut: 401,
  forbidden: 403,
  updateRequired: 405,
  timedOut: 408,
  multideviceMismatch: 411,
  connectionClosed: 428,
  connectionReplaced: 440,
  badSession: 500,
  unavailableService: 503,
  restartRequired: 515,
};

/**
 * What a close means, as Baileys produces it. 500 is Baileys' catch-all (`Utils/generics.js`
 * `getErrorCodeFromStreamError` and `getCodeFromWSError` default to it, `CB:failure` without a reason
 * too), so it is transient like every code not named here; only 401 means the device was unlinked.
 */
export type CloseAction =
  | { kind: "forget"; status: "stopped"; reason: string }
  | { kind: "stop"; status: "stopped" | "failed"; reason: string }
  | { kind: "update"; reason: string }
  | { kind: "restart" }
  | { kind: "reconnect" };

export const closeAction = (code: number | undefined): CloseAction => {
  switch (code) {
    case CODE.loggedOut:
      return { kind: "forget", status: "stopped", reason: "logged out from the phone (the linked device was removed); pair again to reconnect" };
    case CODE.forbidden:
      return {
        kind: "stop",
        status: "failed",
        reason: "WhatsApp refused this account (403: the number may be restricted or banned); check the phone, then start the session again",
      };
    case CODE.connectionReplaced:
      return {
        kind: "stop",
        status: "failed",
        reason:
          "connection replaced (440): this WhatsApp account was opened by another client with the same device; start the session again once the other client is closed",
      };
    case CODE.updateRequired:
      return {
        kind: "update",
        reason:
          "WhatsApp requires a newer WhatsApp Web version (405): set OUTREACH_WA_VERSION to the current version (or update Baileys), restart, then start the session again",
      };
    case CODE.restartRequired:
      return { kind: "restart" };
    default:
      return { kind: "reconnect" };
  }
};

/** Full-jitter backoff (a random wait up to the capped exponential): a worker's sessions never reconnect in lockstep. */
export const jitterDelay = (attempt: number, b: { baseMs: number; maxMs: number }, random: () => number = Math.random) =>
  Math.floor(random() * Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, attempt - 1)));

type Log = { warn(o: object, m?: string): void; error(o: object, m?: string): void };

/** Only plain facts of a Baileys log line pass (no buffers, keys or nodes): ids, codes, messages. */
const safe = (o: unknown): Record<string, unknown> => {
  if (o instanceof Error) return { err: { message: o.message, name: o.name } };
  if (!o || typeof o !== "object") return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v instanceof Error) out[k] = { message: v.message, name: v.name };
    else if (typeof v === "string") out[k] = v.slice(0, 200);
    else if (typeof v === "number" || typeof v === "boolean") out[k] = v;
  }
  return out;
};

/**
 * Baileys' pino-shaped logger: its warnings and errors (463 restrictions, decrypt failures, pre-key
 * problems, bad acks) reach our logs at `warn`/`error` with `source: "baileys"`; its chatter
 * (trace/debug/info) stays out.
 */
export const baileysLogger = (log: Log, bindings: Record<string, unknown> = {}) => {
  const line = (level: "warn" | "error") => (obj: unknown, msg?: string) => {
    const text = typeof obj === "string" ? obj : msg;
    log[level]({ source: "baileys", ...bindings, ...(typeof obj === "string" ? {} : safe(obj)) }, text ?? "baileys");
  };
  const l: any = { level: "warn", trace() {}, debug() {}, info() {}, warn: line("warn"), error: line("error"), fatal: line("error") };
  l.child = (b: Record<string, unknown>) => baileysLogger(log, { ...bindings, ...safe(b) });
  return l;
};

/** Baileys logs through pino; its chatter stays out of ours. */
export const silentLogger = () => {
  const l: any = { level: "silent", trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };
  l.child = () => l;
  return l;
};

/** A failed `sendMessage`: logged out, worth retrying (connection, timeouts, rate) or not (anything else). */
export const classify = (e: any): TransportError => {
  const code: number | undefined = e?.output?.statusCode;
  const message = e?.message ?? String(e);
  if (code === CODE.loggedOut) return new TransportError("logout", message);
  // The socket closed under the send ("Connection Closed", 428): it goes back to the queue without spending an attempt.
  if (code === CODE.connectionClosed) return new TransportError("offline", message);
  if (code === undefined || [CODE.timedOut, CODE.badSession, CODE.unavailableService, CODE.restartRequired, 429].includes(code)) {
    return new TransportError("transient", message);
  }
  return new TransportError("permanent", message);
};
