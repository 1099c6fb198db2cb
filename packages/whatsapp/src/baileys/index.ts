import type { GuardedFetch } from "@outreach/core/net";
import type { Outbound, Transport, TransportEvents } from "@outreach/core/port";
import { TransportError } from "@outreach/core/port";
import type { AuthenticationState } from "baileys";
import QRCode from "qrcode";
import { createMediaFetcher, type Media } from "../media";
import { type AuthStore, useStoredAuthState } from "./auth";
import { contentOf, groupOf, inboundOf, jidOf, phoneOf, receiptOf, typingMs } from "./map";
import { CODE, classify, silentLogger } from "./support";

export { type AuthStore, useStoredAuthState } from "./auth";
export * from "./map";

/** The part of Baileys' socket (`makeWASocket`'s result) this adapter uses: the narrow boundary tests fake. */
export interface SocketLike {
  ev: { on(event: string, listener: (arg: any) => void): void };
  user?: { id: string } | null;
  sendMessage(jid: string, content: any, opts?: { messageId?: string }): Promise<unknown>;
  sendPresenceUpdate(type: "composing" | "paused" | "available" | "unavailable", jid?: string): Promise<void>;
  groupFetchAllParticipating(): Promise<Record<string, { id: string; subject?: string; participants?: any[] }>>;
  requestPairingCode(phone: string): Promise<string>;
  readMessages(keys: any[]): Promise<void>;
  /** Baileys 7 keeps the LID ↔ phone-number mapping WhatsApp shares with the device here. */
  signalRepository?: { lidMapping?: { getPNForLID(lid: string): Promise<string | null> } };
  logout(msg?: string): Promise<void>;
  end(error: Error | undefined): unknown;
}

export type MakeSocket = (opts: {
  auth: AuthenticationState;
  logger: any;
  markOnlineOnConnect: boolean;
  syncFullHistory: boolean;
  browser?: [string, string, string];
}) => SocketLike;

export interface BaileysOptions {
  auth: AuthStore;
  events: TransportEvents;
  logger: { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void; child?(o: object): any };
  /** Defaults to the real `makeWASocket`; tests inject a fake socket here. */
  makeSocket?: MakeSocket;
  backoff?: { baseMs: number; maxMs: number };
  /** Delay range before an incoming message is marked read, like a person reading it. */
  readDelayMs?: [number, number];
  /** At most one full group fetch per this interval (Baileys warns of rate-overlimit). */
  groupsThrottleMs?: number;
  /** Show "typing…" before each message. */
  typing?: boolean;
  /** The outbound-fetch guard (`@outreach/fetch`): media is downloaded through it once and handed to Baileys as bytes. */
  fetchMedia: GuardedFetch;
  /** Called with each new QR (the local runtime prints it in the terminal). */
  onQr?: (sessionId: string, qr: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

interface State {
  sock?: SocketLike;
  connected: boolean;
  intentional: boolean;
  attempt: number;
  timer?: NodeJS.Timeout;
  groupsTimer?: NodeJS.Timeout;
  lastGroupsFetch: number;
}

/**
 * The Baileys transport: real WhatsApp Web sessions with auth state in the store, reconnection by
 * close reason, human "typing…" before each message, our own message ids, receipts, inbound
 * messages (marked read after a short delay), WhatsApp groups (throttled) and contacts.
 */
export const createBaileysTransport = (o: BaileysOptions): Transport => {
  const sessions = new Map<string, State>();
  const backoff = o.backoff ?? { baseMs: 2000, maxMs: 120_000 };
  const readDelay = o.readDelayMs ?? [1500, 6000];
  const throttle = o.groupsThrottleMs ?? 60_000;
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const media = createMediaFetcher(o.fetchMedia);
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

  const connect = async (sessionId: string) => {
    const s = sessions.get(sessionId);
    if (!s || s.intentional) return;
    if (!makeSocket) makeSocket = (await import("baileys")).makeWASocket as unknown as MakeSocket;
    const { state, saveCreds } = await useStoredAuthState(o.auth, sessionId);
    const sock = makeSocket({
      auth: state,
      logger: silentLogger(),
      markOnlineOnConnect: false,
      syncFullHistory: false,
      browser: ["Outreach", "Chrome", "1.0"],
    });
    s.sock = sock;
    s.connected = false;

    sock.ev.on("creds.update", () => void saveCreds().catch((e) => o.logger.error({ err: e, session_id: sessionId }, "saving credentials failed")));

    sock.ev.on("connection.update", async (u: { connection?: string; lastDisconnect?: { error?: any }; qr?: string }) => {
      if (s.sock !== sock) return;
      if (u.qr) {
        o.onQr?.(sessionId, u.qr);
        const png = await QRCode.toDataURL(u.qr).catch(() => null);
        await o.events.status({ sessionId, status: "qr", qr: u.qr, qrPngDataUrl: png, reason: "scan the QR code with WhatsApp, or request a pairing code" });
      }
      if (u.connection === "open") {
        s.connected = true;
        s.attempt = 0;
        await o.events.status({ sessionId, status: "working", phone: phoneOf(sock.user?.id), qr: null, qrPngDataUrl: null, pairingCode: null, reason: null });
        await fetchGroups(sessionId, s);
      }
      if (u.connection === "close") await onClose(sessionId, s, u.lastDisconnect?.error);
    });

    sock.ev.on("messages.update", (updates: any[]) => {
      for (const u of updates) {
        const r = receiptOf(u);
        if (r) void o.events.receipt({ sessionId, ...r, at: Date.now() }).catch((e) => o.logger.warn({ err: e }, "receipt not recorded"));
      }
    });

    /** A LID sender's number, from the mapping WhatsApp shared with this device (undefined when it has none yet). */
    const resolveLid = async (lid: string) => {
      const pn = await sock.signalRepository?.lidMapping?.getPNForLID(lid).catch(() => null);
      return phoneOf(pn);
    };

    sock.ev.on("messages.upsert", ({ messages, type }: { messages: any[]; type: string }) => {
      if (type !== "notify") return;
      for (const m of messages) {
        const inbound = inboundOf(m);
        if (!inbound) continue;
        void (async () => {
          const from = inbound.from ?? (inbound.lid ? await resolveLid(inbound.lid) : undefined);
          if (inbound.waGroupId) {
            // A group member known only by a LID is still reported (a monitored group stores the message with the LID).
            await o.events.inbound({
              sessionId,
              from: from ?? "",
              text: inbound.text,
              messageId: inbound.id,
              at: inbound.at,
              waGroupId: inbound.waGroupId,
              ...(inbound.lid ? { fromLid: inbound.lid } : {}),
              ...(inbound.mediaType ? { mediaType: inbound.mediaType } : {}),
              ...(inbound.name ? { name: inbound.name } : {}),
            });
            return;
          }
          if (!from) {
            o.logger.info({ session_id: sessionId }, "inbound message from a LID without a known number; not recorded");
            return;
          }
          await o.events.inbound({
            sessionId,
            from,
            text: inbound.text,
            messageId: inbound.id,
            at: inbound.at,
            ...(inbound.mediaType ? { mediaType: inbound.mediaType } : {}),
            ...(inbound.name ? { name: inbound.name } : {}),
          });
        })().catch((e) => o.logger.warn({ err: e }, "inbound not recorded"));
        // "Seen" after a short, human-looking delay (1:1 chats only: monitoring a group reads nothing aloud).
        if (inbound.waGroupId) continue;
        const t = setTimeout(() => void sock.readMessages([m.key]).catch(() => {}), readDelay[0] + Math.random() * (readDelay[1] - readDelay[0]));
        t.unref?.();
      }
    });

    for (const ev of ["groups.update", "group-participants.update", "groups.upsert"]) sock.ev.on(ev, () => scheduleGroups(sessionId, s));

    const onContacts = (list: { id: string; phoneNumber?: string; name?: string; notify?: string }[]) => {
      const contacts = list.flatMap((c) => {
        const phone = phoneOf(c.phoneNumber) ?? phoneOf(c.id);
        const name = c.name ?? c.notify;
        return phone ? [{ phone, ...(name ? { name } : {}) }] : [];
      });
      if (contacts.length) void o.events.contacts({ sessionId, contacts }).catch((e) => o.logger.warn({ err: e }, "contacts not recorded"));
    };
    sock.ev.on("contacts.upsert", onContacts);
    sock.ev.on("contacts.update", onContacts);
  };

  const onClose = async (sessionId: string, s: State, error: any) => {
    s.connected = false;
    if (s.intentional) return;
    const code: number | undefined = error?.output?.statusCode;
    const why = error?.message ?? "connection closed";
    const stopHere = async (status: "stopped" | "failed", reason: string, forget: boolean) => {
      sessions.delete(sessionId);
      if (forget) await o.auth.clear(sessionId);
      o.logger.warn({ session_id: sessionId, code, reason }, `session ${status}`);
      await o.events.status({ sessionId, status, reason, qr: null, qrPngDataUrl: null });
    };
    switch (code) {
      case CODE.loggedOut:
        return stopHere("stopped", "logged out from the phone; pair again to reconnect", true);
      case CODE.connectionReplaced:
        return stopHere("failed", "connection replaced: this WhatsApp account was opened by another client", false);
      case CODE.forbidden:
        return stopHere("failed", "forbidden by WhatsApp (the number may be restricted or banned)", false);
      case CODE.badSession:
      case CODE.multideviceMismatch:
        return stopHere("failed", `the stored session is not usable (${why}); pair again`, true);
      case CODE.restartRequired:
        o.logger.info({ session_id: sessionId }, "restart required; reconnecting now");
        return connect(sessionId);
      default: {
        s.attempt++;
        const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (s.attempt - 1));
        const reason = `connection lost (${why}${code ? `, code ${code}` : ""}); reconnecting in ${Math.round(delay / 1000)} s (attempt ${s.attempt})`;
        o.logger.warn({ session_id: sessionId, code, attempt: s.attempt, delay_ms: delay }, "connection lost; reconnecting with backoff");
        await o.events.status({ sessionId, status: "starting", reason });
        s.timer = setTimeout(() => void connect(sessionId).catch((e) => onClose(sessionId, s, e)), delay);
        s.timer.unref?.();
      }
    }
  };

  return {
    name: "baileys",
    isRunning: (id) => sessions.has(id),

    async start({ sessionId }) {
      if (sessions.has(sessionId)) return;
      sessions.set(sessionId, { connected: false, intentional: false, attempt: 0, lastGroupsFetch: 0 });
      await o.events.status({ sessionId, status: "starting", reason: "connecting to WhatsApp" });
      const s = sessions.get(sessionId) as State;
      await connect(sessionId).catch((e) => onClose(sessionId, s, e));
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
      if (logout) {
        await s.sock?.logout().catch(() => {});
        await o.auth.clear(sessionId);
      } else {
        await Promise.resolve(s.sock?.end(undefined)).catch(() => {});
      }
      await o.events.status({ sessionId, status: "stopped", reason: logout ? "logged out" : "stopped", qr: null, qrPngDataUrl: null });
    },

    async send(sessionId, m: Outbound) {
      const s = sessions.get(sessionId);
      if (!s?.sock || !s.connected) throw new TransportError("transient", "the session is not connected to WhatsApp");
      const sock = s.sock;
      const jid = jidOf(m.to);
      const text = m.kind === "text" ? m.text : m.caption;
      // Downloaded before "typing…": a refused URL fails the send without a gesture to the contact.
      const file: Media | undefined = m.kind === "media" ? await media(m.url) : undefined;
      if (o.typing !== false) {
        await sock.sendPresenceUpdate("composing", jid).catch(() => {});
        await sleep(typingMs(text));
        await sock.sendPresenceUpdate("paused", jid).catch(() => {});
      }
      const content = contentOf(m, file);
      try {
        await sock.sendMessage(jid, content, { messageId: m.messageId });
      } catch (e) {
        throw classify(e);
      }
      return { messageId: m.messageId };
    },

    async requestPairingCode(sessionId, phone) {
      const s = sessions.get(sessionId);
      if (!s?.sock) throw new TransportError("transient", "the session is not running here");
      return s.sock.requestPairingCode(phone.replace(/^\+/, ""));
    },
  };
};
