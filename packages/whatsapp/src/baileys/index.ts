import type { GuardedFetch } from "@outreach/core/net";
import type { Outbound, Transport, TransportEvents } from "@outreach/core/port";
import { TransportError } from "@outreach/core/port";
import QRCode from "qrcode";
import { createMediaFetcher, type Media } from "../media";
import { type AuthStore, type StoredAuth, useStoredAuthState } from "./auth";
import { answerRetries, createSentCache, processRetryCounter } from "./caches";
import { createCloseHandler } from "./close";
import { guard, listenMessages } from "./listen";
import { contentOf, groupOf, phoneOf, typingMs } from "./map";
import { restrictionReason } from "./reasons";
import { createResolver } from "./resolve";
import { createRestrictionReporter, timelockEnd } from "./restrict";
import type { MakeSocket, SocketLike } from "./socket";
import { baileysLogger, classify } from "./support";
import { imageThumbnail } from "./thumb";

export { type AuthStore, useStoredAuthState } from "./auth";
export * from "./map";
export type { MakeSocket, SocketLike, SocketOptions } from "./socket";
export { CODE, closeAction } from "./support";

export interface BaileysOptions {
  auth: AuthStore;
  events: TransportEvents;
  logger: { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void; child?(o: object): any };
  /** Defaults to the real `makeWASocket`; tests inject a fake socket here. */
  makeSocket?: MakeSocket;
  backoff?: { baseMs: number; maxMs: number };
  /** Randomness of the backoff's full jitter (tests fix it). */
  random?: () => number;
  /** QR codes shown without a scan before the session stops (Baileys ends each socket after ~6 of them with 408). */
  maxQrCycles?: number;
  /** Delay range before an incoming message is marked read, like a person reading it. */
  readDelayMs?: [number, number];
  /** At most one full group fetch per this interval (Baileys warns of rate-overlimit). */
  groupsThrottleMs?: number;
  /** Show "typing…" before each message. */
  typing?: boolean;
  /** The WhatsApp Web version to announce (`OUTREACH_WA_VERSION`); absent: Baileys' built-in one. */
  waVersion?: [number, number, number];
  /** How long an `onWhatsApp` answer is trusted. */
  resolveTtlMs?: number;
  /** The outbound-fetch guard (`@outreach/fetch`): media is downloaded through it once and handed to Baileys as bytes. */
  fetchMedia: GuardedFetch;
  /** Called with each new QR (the local runtime prints it in the terminal). */
  onQr?: (sessionId: string, qr: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface State {
  sock?: SocketLike;
  connected: boolean;
  intentional: boolean;
  attempt: number;
  /** Sockets in a row that showed QR codes and closed without a scan. */
  qrCycles: number;
  /** Whether the current socket has shown a QR (pairing by code is possible only then). */
  qrShown: boolean;
  /** The session's auth state for as long as it runs: read once, kept across reconnects, saves flushed on stop. */
  auth?: StoredAuth;
  /** When a restriction was last reported. */
  restrictedAt: number;
  timer?: NodeJS.Timeout;
  groupsTimer?: NodeJS.Timeout;
  lastGroupsFetch: number;
}

/**
 * The Baileys transport: real WhatsApp Web sessions with auth state in the store, close codes handled
 * as Baileys means them, numbers resolved before sending, human "typing…" before each message, our own
 * message ids, receipts and refusals, inbound messages (marked read after a short delay), WhatsApp
 * groups (throttled) and contacts. No listener can throw: each is guarded and logs.
 */
export const createBaileysTransport = (o: BaileysOptions): Transport => {
  const sessions = new Map<string, State>();
  const readDelay = o.readDelayMs ?? [1500, 6000];
  const throttle = o.groupsThrottleMs ?? 60_000;
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const media = createMediaFetcher(o.fetchMedia);
  const resolvers = new Map<string, ReturnType<typeof createResolver>>();
  const sent = createSentCache();
  let makeSocket = o.makeSocket;

  const fetchGroups = async (sessionId: string, s: State) => {
    if (!s.sock || !s.connected) return;
    s.lastGroupsFetch = Date.now();
    try {
      const all = await s.sock.groupFetchAllParticipating();
      await o.events.groups({ sessionId, groups: Object.values(all).map(groupOf) });
    } catch (e) {
      o.logger.warn({ err: e, session_id: sessionId }, "group fetch failed; will retry on the next change");
    }
  };

  /** Group changes refetch at most once per throttle window. */
  const scheduleGroups = (sessionId: string, s: State) => {
    if (s.groupsTimer) return;
    const wait = Math.max(0, s.lastGroupsFetch + throttle - Date.now());
    s.groupsTimer = setTimeout(() => {
      s.groupsTimer = undefined;
      void fetchGroups(sessionId, s);
    }, wait);
    s.groupsTimer.unref?.();
  };

  /** A status write that fails is logged: the socket's life never depends on the store being up. */
  const status = (e: Parameters<TransportEvents["status"]>[0]) =>
    o.events.status(e).catch((err) => o.logger.error({ err, session_id: e.sessionId, status: e.status }, "session status not recorded"));

  const restricted = createRestrictionReporter(o);

  const connect = async (sessionId: string) => {
    const s = sessions.get(sessionId);
    if (!s || s.intentional) return;
    if (!makeSocket) makeSocket = (await import("baileys")).makeWASocket as unknown as MakeSocket;
    const { makeCacheableSignalKeyStore } = await import("baileys");
    const log = baileysLogger(o.logger, { session_id: sessionId });
    s.auth ??= await useStoredAuthState(o.auth, sessionId, {
      onSaveFailed: (err) => o.logger.error({ err, session_id: sessionId, event: "session.creds_not_saved" }, "saving credentials failed after retries"),
    });
    // stop() may have run while the auth state loaded: no socket is made for a session that is gone.
    if (sessions.get(sessionId) !== s || s.intentional) return;
    const auth = s.auth;
    const sock = makeSocket({
      // The session's lease makes this process the only writer: key reads may be cached for the socket's life.
      auth: { creds: auth.state.creds, keys: makeCacheableSignalKeyStore(auth.state.keys, log) },
      logger: log,
      markOnlineOnConnect: false,
      syncFullHistory: false,
      browser: ["Outreach", "Chrome", "1.0"],
      ...(o.waVersion ? { version: o.waVersion } : {}),
      msgRetryCounterCache: processRetryCounter,
      getMessage: answerRetries(sent, o.events, sessionId),
    });
    s.sock = sock;
    s.connected = false;
    s.qrShown = false;
    let closed = false;
    const at = { session_id: sessionId };

    sock.ev.on(
      "creds.update",
      guard(o.logger, at, "creds.update", () => auth.saveCreds()),
    );

    sock.ev.on(
      "connection.update",
      guard(o.logger, at, "connection.update", async (u: { connection?: string; lastDisconnect?: { error?: any }; qr?: string; reachoutTimeLock?: any }) => {
        if (s.sock !== sock || closed) return;
        if (u.connection === "close") {
          closed = true;
          return onClose(sessionId, s, u.lastDisconnect?.error);
        }
        if (u.reachoutTimeLock?.isActive) {
          const ends = u.reachoutTimeLock.timeEnforcementEnds;
          const reason = "WhatsApp's reach-out time lock: this account may not start new chats for now.";
          await restricted(sessionId, s, "reachout_timelock", reason, async () => (ends instanceof Date ? ends.getTime() : null));
        }
        if (u.qr) {
          s.qrShown = true;
          o.onQr?.(sessionId, u.qr);
          const png = await QRCode.toDataURL(u.qr).catch(() => null);
          // A QR drawn after its socket closed (the session stopped meanwhile) is not shown.
          if (closed || sessions.get(sessionId) !== s) return;
          await status({ sessionId, status: "qr", qr: u.qr, qrPngDataUrl: png, reason: "scan the QR code with WhatsApp, or request a pairing code" });
        }
        if (u.connection === "open") {
          s.connected = true;
          s.attempt = 0;
          s.qrCycles = 0;
          s.qrShown = false;
          await status({ sessionId, status: "working", phone: phoneOf(sock.user?.id), qr: null, qrPngDataUrl: null, pairingCode: null, reason: null });
          await fetchGroups(sessionId, s);
        }
      }),
    );

    listenMessages({
      sock,
      sessionId,
      events: o.events,
      log: o.logger,
      markRead: (key) => {
        const t = setTimeout(() => void sock.readMessages([key]).catch(() => {}), readDelay[0] + Math.random() * (readDelay[1] - readDelay[0]));
        t.unref?.();
      },
      restricted: (code) => restricted(sessionId, s, code, restrictionReason(code), timelockEnd(sock)),
    });

    for (const ev of ["groups.update", "group-participants.update", "groups.upsert"])
      sock.ev.on(
        ev,
        guard(o.logger, at, ev, () => scheduleGroups(sessionId, s)),
      );
  };

  const onClose = createCloseHandler({ ...o, sessions, connect, status });

  /** A connect that throws (the store down while reading credentials) is a close like any other: retried with backoff. */
  const connectOrRetry = (sessionId: string, s: State) => connect(sessionId).catch((e) => onClose(sessionId, s, e));

  return {
    name: "baileys",
    isRunning: (id) => sessions.has(id),
    ready: (id) => sessions.get(id)?.connected === true,

    async start({ sessionId }) {
      if (sessions.has(sessionId)) return;
      const s: State = { connected: false, intentional: false, attempt: 0, qrCycles: 0, qrShown: false, restrictedAt: 0, lastGroupsFetch: 0 };
      sessions.set(sessionId, s);
      // The socket is started whatever happens to this status write.
      await status({ sessionId, status: "starting", reason: "connecting to WhatsApp" });
      await connectOrRetry(sessionId, s);
    },

    async stop(sessionId, { logout }) {
      const s = sessions.get(sessionId);
      if (!s) {
        if (logout) await o.auth.clear(sessionId);
        return;
      }
      s.intentional = true;
      if (s.timer) clearTimeout(s.timer);
      if (s.groupsTimer) clearTimeout(s.groupsTimer);
      sessions.delete(sessionId);
      resolvers.delete(sessionId);
      if (logout) {
        await s.sock?.logout().catch(() => {});
        await s.auth?.flush();
        await o.auth.clear(sessionId);
      } else {
        await Promise.resolve(s.sock?.end(undefined)).catch(() => {});
        // The lease is released after this returns: the next owner must find every credential saved.
        await s.auth?.flush();
      }
      await status({ sessionId, status: "stopped", reason: logout ? "logged out" : "stopped", qr: null, qrPngDataUrl: null });
    },

    async send(sessionId, m: Outbound) {
      const s = sessions.get(sessionId);
      if (!s?.sock || !s.connected) throw new TransportError("offline", "the session is not connected to WhatsApp (reconnecting)");
      const sock = s.sock;
      // Downloaded first: a refused URL fails the send without a lookup or a gesture to the contact.
      const file: Media | undefined = m.kind === "media" ? await media(m.url) : undefined;
      const resolver = resolvers.get(sessionId) ?? createResolver({ ttlMs: o.resolveTtlMs });
      resolvers.set(sessionId, resolver);
      let jid: string | null;
      try {
        jid = await resolver.resolve(m.to, (...jids) => sock.onWhatsApp(...jids));
      } catch (e) {
        throw classify(e);
      }
      if (!jid) throw new TransportError("permanent", `not_on_whatsapp: ${m.to} has no WhatsApp account`);
      const text = m.kind === "text" ? m.text : m.caption;
      const thumb = file?.kind === "image" ? await imageThumbnail(file.buffer) : undefined;
      if (o.typing !== false) {
        // "typing…" shows only from an available client subscribed to the chat, as WhatsApp Web does it.
        await sock.sendPresenceUpdate("available").catch(() => {});
        await sock.presenceSubscribe(jid).catch(() => {});
        await sock.sendPresenceUpdate("composing", jid).catch(() => {});
        await sleep(typingMs(text));
        await sock.sendPresenceUpdate("paused", jid).catch(() => {});
      }
      const content = contentOf(m, file, thumb);
      try {
        const r = (await sock.sendMessage(jid, content, { messageId: m.messageId })) as { message?: any } | undefined;
        sent.put(m.messageId, r?.message);
      } catch (e) {
        throw classify(e);
      } finally {
        // Back to unavailable, so the phone keeps getting its notifications.
        if (o.typing !== false) await sock.sendPresenceUpdate("unavailable").catch(() => {});
      }
      return { messageId: m.messageId };
    },

    async requestPairingCode(sessionId, phone) {
      const s = sessions.get(sessionId);
      if (!s?.sock) throw new TransportError("transient", "the session is not running here");
      // Baileys would overwrite `creds.me` of a paired account and save it (`requestPairingCode`, `Socket/socket.js`).
      if (!s.qrShown || s.auth?.state.creds.registered)
        throw new TransportError("permanent", "the session is not waiting to be paired (no QR shown, or already registered)");
      return s.sock.requestPairingCode(phone.replace(/^\+/, ""));
    },
  };
};
