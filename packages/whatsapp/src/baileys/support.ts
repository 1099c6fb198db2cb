import { TransportError } from "@outreach/core/port";

/** Close codes (Baileys' DisconnectReason). */
export const CODE = {
  loggedOut: 401,
  forbidden: 403,
  timedOut: 408,
  multideviceMismatch: 411,
  connectionClosed: 428,
  connectionReplaced: 440,
  badSession: 500,
  unavailableService: 503,
  restartRequired: 515,
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
  if (code === undefined || [CODE.timedOut, CODE.connectionClosed, CODE.badSession, CODE.unavailableService, CODE.restartRequired, 429].includes(code)) {
    return new TransportError("transient", message);
  }
  return new TransportError("permanent", message);
};
