import type { StatusEvent } from "@outreach/core/port";
import type { AuthStore } from "./auth";
import type { State } from "./index";
import { closeAction, jitterDelay } from "./support";

type Log = { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };

/**
 * What a closed socket leads to, by close code (see `closeAction`): 401 forgets the credentials, 403
 * and 440 stop, 405 fails with an alarm-able log line (`event: "session.update_required"`), 515 restarts
 * at once, every other code reconnects after a full-jitter backoff; a session that keeps showing QR
 * codes nobody scans stops after `maxQrCycles` sockets. The reconnect is scheduled before any status
 * write, so a store outage cannot leave a session without a socket.
 */
export const createCloseHandler = (o: {
  auth: AuthStore;
  logger: Log;
  backoff?: { baseMs: number; maxMs: number };
  random?: () => number;
  maxQrCycles?: number;
  sessions: Map<string, State>;
  connect: (sessionId: string) => Promise<void>;
  status: (e: StatusEvent) => Promise<void>;
}) => {
  const backoff = o.backoff ?? { baseMs: 2000, maxMs: 120_000 };
  const maxQrCycles = o.maxQrCycles ?? 3;

  const onClose = async (sessionId: string, s: State, error: any): Promise<void> => {
    s.connected = false;
    if (s.intentional || o.sessions.get(sessionId) !== s) return;
    const code: number | undefined = error?.output?.statusCode;
    const why = error?.message ?? "connection closed";
    const at = { session_id: sessionId, code };

    const end = async (status: "stopped" | "failed", reason: string, forget: boolean) => {
      o.sessions.delete(sessionId);
      if (s.timer) clearTimeout(s.timer);
      if (s.groupsTimer) clearTimeout(s.groupsTimer);
      // A queued credential save must not write the credentials back after they are forgotten.
      await s.auth?.flush();
      if (forget) await o.auth.clear(sessionId).catch((err) => o.logger.error({ ...at, err }, "forgetting the credentials failed"));
      o.logger.warn({ ...at, reason }, `session ${status}`);
      await o.status({ sessionId, status, reason, qr: null, qrPngDataUrl: null });
    };

    const action = closeAction(code);
    switch (action.kind) {
      case "forget":
      case "stop":
        return end(action.status, action.reason, action.kind === "forget");
      case "update":
        o.logger.error({ ...at, event: "session.update_required" }, action.reason);
        return end("failed", action.reason, false);
      case "restart":
        // After pairing WhatsApp demands a new connection at once; the in-memory auth state already holds the pairing.
        o.logger.info(at, "restart required; reconnecting now");
        return reconnectIn(sessionId, s, 0);
    }
    if (s.qrShown) {
      s.qrCycles++;
      if (s.qrCycles >= maxQrCycles) {
        return end("stopped", `no QR code was scanned (${s.qrCycles} rounds of QR codes expired); start the session again to get new ones`, false);
      }
    }
    s.attempt++;
    const delay = jitterDelay(s.attempt, backoff, o.random);
    reconnectIn(sessionId, s, delay);
    o.logger.warn({ ...at, attempt: s.attempt, delay_ms: delay }, "connection lost; reconnecting with backoff");
    const reason = `connection lost (${why}${code ? `, code ${code}` : ""}); reconnecting in ${Math.round(delay / 1000)} s (attempt ${s.attempt})`;
    await o.status({ sessionId, status: "starting", reason });
  };

  const reconnectIn = (sessionId: string, s: State, delay: number) => {
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      s.timer = undefined;
      void o.connect(sessionId).catch((e) => onClose(sessionId, s, e).catch((err) => o.logger.error({ session_id: sessionId, err }, "reconnect failed")));
    }, delay);
    s.timer.unref?.();
  };

  return onClose;
};
