import type { TransportEvents } from "@outreach/core/port";
import type { SocketLike } from "./socket";

/** A restriction is reported again at most this often. */
const RESTRICTION_QUIET_MS = 60_000;

type Log = { error(o: object, m?: string): void };

/**
 * The account is restricted (463, the reach-out time lock): reported once a minute at most — every
 * refused message of a burst says so again, and fetching the time lock announces it once more on
 * connection.update — with an alarm-able log line (`event: "session.restricted"`).
 */
export const createRestrictionReporter =
  (o: { logger: Log; events: TransportEvents }) =>
  async (sessionId: string, s: { restrictedAt: number }, code: string, reason: string, until: () => Promise<number | null>) => {
    if (Date.now() - s.restrictedAt < RESTRICTION_QUIET_MS) return;
    s.restrictedAt = Date.now();
    const end = await until().catch(() => null);
    o.logger.error({ session_id: sessionId, event: "session.restricted", code, until: end }, "WhatsApp restricted the account; its jobs pause");
    await o.events
      .restricted({ sessionId, code, reason, until: end })
      .catch((err) => o.logger.error({ err, session_id: sessionId }, "restriction not recorded"));
  };

/** When the reach-out time lock ends. Baileys fetches it itself only for codes other than 463 (`handleBadAck`); we ask either way. */
export const timelockEnd = (sock: SocketLike) => async () => {
  const lock = await sock.fetchAccountReachoutTimelock?.();
  return lock?.isActive && lock.timeEnforcementEnds ? lock.timeEnforcementEnds.getTime() : null;
};
