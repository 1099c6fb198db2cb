import { createHash, randomBytes } from "node:crypto";
import { createCoalescer } from "@outreach/core/coalesce";
import type { GuardedFetch } from "@outreach/core/net";
import {
  type Clock,
  type InboundEvent,
  iso,
  type Outbound,
  type Transport,
  TransportError,
  type TransportErrorKind,
  type TransportEvents,
  type WaParticipant,
} from "@outreach/core/port";
import type { SandboxMessage } from "@outreach/core/sandbox";
import { rejectionReason, restrictionReason } from "../baileys/reasons";
import { createMediaFetcher } from "../media";

export type { SandboxMessage };

/** Where the sandbox keeps its outbox: durable (DynamoDB), so a crash test can count what went out. */
export interface SandboxOutbox {
  record(m: SandboxMessage, seq: string): Promise<void>;
  /** Stores messages again with a new status; never called with two updates of one message. */
  setStatuses(updates: { m: SandboxMessage; seq: string }[]): Promise<void>;
  list(filter: { to?: string; session_id?: string }): Promise<SandboxMessage[]>;
}

export interface SandboxTransport extends Transport {
  /** The next `n` sends of the session fail with `error`. */
  injectFaults(sessionId: string, n: number, error: TransportErrorKind): void;
  /**
   * A contact writes to the session: a text, or media with an optional caption. `messageId` plays
   * WhatsApp redelivering the same message (default: a new id); `name` is the contact's push name.
   */
  inbound(
    sessionId: string,
    from: string,
    text: string,
    opts?: { messageId?: string; mediaType?: InboundEvent["mediaType"]; name?: string; at?: number; waGroupId?: string; fromLid?: string; mentions?: string[] },
  ): Promise<{ messageId: string }>;
  /** The session is in this WhatsApp group (it was defined with `defineGroup`). */
  hasGroup(sessionId: string, waGroupId: string): boolean;
  /** Declares (or replaces) a WhatsApp group the session is in. */
  defineGroup(sessionId: string, group: { wa_group_id: string; name: string; participants: WaParticipant[] }): Promise<void>;
  /** Numbers whose messages are never delivered or read (receipts stay `sent`). */
  setReceipts(phone: string, mode: ReceiptMode): void;
  messages(filter: { to?: string; session_id?: string }): Promise<SandboxMessage[]>;
  /** Pending receipt timers are dropped (the runtime is stopping). */
  close(): void;
}

/** A fictional, valid number per session: +1 202 555 xxxx (555 numbers are reserved for fiction). */
export const sandboxPhone = (sessionId: string) => {
  const n = createHash("sha256").update(sessionId).digest().readUInt16BE(0) % 10000;
  return `+1202555${String(n).padStart(4, "0")}`;
};

/**
 * A simulated WhatsApp: sessions are `working` at once, every outbound message is written to the
 * outbox before the send is acknowledged, receipts follow after ~1 s (delivered) and ~2 s (read).
 * Media is downloaded through the outbound-fetch guard like the real transport does, so a refused or
 * oversized URL fails the send with the same reason.
 */
/**
 * What the simulated WhatsApp does after a message to a number: read receipts (`normal`), only
 * delivered, none, or `refused_463` — it refuses the message as WhatsApp refuses a restricted
 * account's (a failed receipt with code 463) and reports the restriction, like Baileys' `handleBadAck`.
 */
export type ReceiptMode = "normal" | "none" | "delivered_only" | "refused_463";

export const createSandboxTransport = (deps: {
  outbox: SandboxOutbox;
  events: TransportEvents;
  clock: Clock;
  /** The outbound-fetch guard (`@outreach/fetch`). */
  fetchMedia: GuardedFetch;
  receiptDelays?: { delivered: number; read: number };
}): SandboxTransport => {
  const media = createMediaFetcher(deps.fetchMedia);
  const running = new Map<string, string>();
  const faults = new Map<string, { n: number; error: TransportErrorKind }>();
  const receiptModes = new Map<string, ReceiptMode>();
  const groups = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const delays = deps.receiptDelays ?? { delivered: 1000, read: 2000 };

  // Status changes are written in batches, in the order they happened (one flush at a time); of two
  // changes of one message in a batch, the later one is written.
  const setStatus = createCoalescer<{ m: SandboxMessage; seq: string }>({
    max: 25,
    lingerMs: 400,
    flush: (_key, updates) => deps.outbox.setStatuses([...new Map(updates.map((u) => [u.seq, u])).values()]),
  });

  const later = (ms: number, fn: () => Promise<void>) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn().catch(() => {});
    }, ms);
    t.unref();
    timers.add(t);
  };

  return {
    name: "sandbox",
    isRunning: (id) => running.has(id),

    async start({ sessionId }) {
      running.set(sessionId, sandboxPhone(sessionId));
      await deps.events.status({ sessionId, status: "working", phone: sandboxPhone(sessionId), reason: null, qr: null, pairingCode: null });
    },

    async stop(sessionId, { logout }) {
      running.delete(sessionId);
      faults.delete(sessionId);
      await deps.events.status({ sessionId, status: "stopped", reason: logout ? "logged out" : "stopped" });
    },

    async send(sessionId, message: Outbound) {
      if (!running.has(sessionId)) throw new TransportError("transient", "the session is not connected");
      const f = faults.get(sessionId);
      if (f && f.n > 0) {
        f.n--;
        if (f.n === 0) faults.delete(sessionId);
        if (f.error === "logout") {
          running.delete(sessionId);
          await deps.events.status({ sessionId, status: "stopped", reason: "logged out (sandbox fault)" });
        }
        throw new TransportError(f.error, `sandbox fault: ${f.error}`);
      }
      if (message.kind === "media") await media(message.url);
      const sentAt = iso(deps.clock.now());
      const seq = randomBytes(4).toString("hex");
      const m: SandboxMessage = {
        id: message.messageId,
        session_id: sessionId,
        to: message.to,
        type: message.kind,
        text: message.kind === "text" ? message.text : (message.caption ?? null),
        media_url: message.kind === "media" ? message.url : null,
        sent_at: sentAt,
        status: "sent",
      };
      await deps.outbox.record(m, seq);
      const mode = receiptModes.get(message.to) ?? "normal";
      if (mode === "refused_463") {
        later(delays.delivered, async () => {
          const at = deps.clock.now();
          await deps.events.restricted({ sessionId, code: "463", reason: restrictionReason("463"), until: null });
          await deps.events.receipt({ sessionId, messageId: message.messageId, state: "failed", code: "463", reason: rejectionReason("463"), at });
        });
        return { messageId: message.messageId };
      }
      if (mode !== "none") {
        later(delays.delivered, async () => {
          await setStatus("outbox", { m: { ...m, status: "delivered" }, seq });
          await deps.events.receipt({ sessionId, messageId: message.messageId, state: "delivered", at: deps.clock.now() });
        });
      }
      if (mode === "normal") {
        later(delays.read, async () => {
          await setStatus("outbox", { m: { ...m, status: "read" }, seq });
          await deps.events.receipt({ sessionId, messageId: message.messageId, state: "read", at: deps.clock.now() });
        });
      }
      return { messageId: message.messageId };
    },

    async requestPairingCode() {
      throw new TransportError("permanent", "sandbox sessions need no pairing");
    },

    injectFaults(sessionId, n, error) {
      if (n <= 0) faults.delete(sessionId);
      else faults.set(sessionId, { n, error });
    },

    async inbound(sessionId, from, text, opts = {}) {
      const messageId = opts.messageId ?? `in_${randomBytes(8).toString("hex")}`;
      await deps.events.inbound({
        sessionId,
        from,
        text,
        at: opts.at ?? deps.clock.now(),
        messageId,
        ...(opts.mediaType ? { mediaType: opts.mediaType } : {}),
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.waGroupId ? { waGroupId: opts.waGroupId } : {}),
        ...(opts.fromLid ? { fromLid: opts.fromLid } : {}),
        ...(opts.mentions?.length ? { mentions: opts.mentions } : {}),
      });
      return { messageId };
    },

    hasGroup: (sessionId, waGroupId) => groups.has(`${sessionId}\u0000${waGroupId}`),

    async defineGroup(sessionId, g) {
      groups.add(`${sessionId}\u0000${g.wa_group_id}`);
      await deps.events.groups({ sessionId, groups: [{ waGroupId: g.wa_group_id, name: g.name, participants: g.participants }] });
    },

    setReceipts(phone, mode) {
      receiptModes.set(phone, mode);
    },

    messages: (filter) => deps.outbox.list(filter),

    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
};
