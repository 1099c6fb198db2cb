import type { TransportEvents } from "@outreach/core/port";
import { inboundOf, phoneOf, receiptOf } from "./map";
import type { SocketLike } from "./socket";

type Log = { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };

/**
 * A listener that can never throw into Baileys' event emitter nor leave a rejected promise behind:
 * whatever fails is logged and the socket keeps running.
 */
export const guard =
  <A>(log: Log, bindings: object, what: string, fn: (arg: A) => unknown) =>
  (arg: A) => {
    try {
      const r = fn(arg);
      if (r && typeof (r as Promise<unknown>).catch === "function") (r as Promise<unknown>).catch((err) => log.error({ ...bindings, err }, `${what} failed`));
    } catch (err) {
      log.error({ ...bindings, err }, `${what} failed`);
    }
  };

/**
 * The message listeners of one socket: receipts and refusals (`messages.update`), inbound messages of
 * both upsert types, contacts. `notify` is a message that arrived live; `append` is one that arrived
 * while the socket was down (`Socket/messages-recv.js` upserts offline nodes as `append`): a STOP among
 * them counts as much. Both are deduplicated downstream by WhatsApp's message id.
 */
export const listenMessages = (o: {
  sock: SocketLike;
  sessionId: string;
  events: TransportEvents;
  log: Log;
  /** Marks a 1:1 message read after a human-looking delay. */
  markRead: (key: unknown) => void;
  /** Reports the account's restriction (fetching the time lock's end where Baileys can; once a minute at most). */
  restricted: (code: string) => Promise<void>;
}) => {
  const { sock, sessionId, events, log } = o;
  const at = { session_id: sessionId };

  sock.ev.on(
    "messages.update",
    guard(log, at, "messages.update", async (updates: any[]) => {
      for (const u of updates ?? []) {
        const r = receiptOf(u);
        if (!r) continue;
        if (r.state !== "failed") {
          void events
            .receipt({ sessionId, messageId: r.messageId, state: r.state, at: Date.now() })
            .catch((err) => log.warn({ ...at, err }, "receipt not recorded"));
          continue;
        }
        log.warn({ ...at, event: "message.rejected", code: r.code, message_id: r.messageId }, "WhatsApp refused a message");
        const recorded = events
          .receipt({ sessionId, messageId: r.messageId, state: "failed", code: r.code, reason: r.reason, at: Date.now() })
          .catch((err) => log.warn({ ...at, err }, "refusal not recorded"));
        // The session's jobs pause at once; the refused message's record follows.
        if (r.restricted) await o.restricted(r.code);
        await recorded;
      }
    }),
  );

  /** A LID sender's number, from the mapping WhatsApp shared with this device (undefined when it has none yet). */
  const resolveLid = async (lid: string) => {
    const pn = await sock.signalRepository?.lidMapping?.getPNForLID(lid).catch(() => null);
    return phoneOf(pn);
  };

  sock.ev.on(
    "messages.upsert",
    guard(log, at, "messages.upsert", ({ messages, type }: { messages: any[]; type: string }) => {
      if (type !== "notify" && type !== "append") return;
      for (const m of messages ?? []) {
        const inbound = inboundOf(m);
        if (!inbound) continue;
        void (async () => {
          const from = inbound.from ?? (inbound.lid ? await resolveLid(inbound.lid) : undefined);
          const extra = { ...(inbound.mediaType ? { mediaType: inbound.mediaType } : {}), ...(inbound.name ? { name: inbound.name } : {}) };
          if (inbound.waGroupId) {
            // A group member known only by a LID is still reported (a monitored group stores the message with the LID).
            const lid = inbound.lid ? { fromLid: inbound.lid } : {};
            // Mentions as numbers where known; the session's own LID is its own number (the `mentions` mode).
            const user = (jid: string) => (jid.split("@")[0] ?? "").split(":")[0];
            const ownLid = sock.user?.lid ? user(sock.user.lid) : undefined;
            const ownPhone = phoneOf(sock.user?.id);
            const mentions = (inbound.mentions ?? []).map((j) => phoneOf(j) ?? (ownPhone && ownLid && j.endsWith("@lid") && user(j) === ownLid ? ownPhone : j));
            await events.inbound({
              sessionId,
              from: from ?? "",
              text: inbound.text,
              messageId: inbound.id,
              at: inbound.at,
              waGroupId: inbound.waGroupId,
              ...(mentions.length > 0 ? { mentions } : {}),
              ...lid,
              ...extra,
            });
            return;
          }
          if (!from) {
            log.info(at, "inbound message from a LID without a known number; not recorded");
            return;
          }
          await events.inbound({ sessionId, from, text: inbound.text, messageId: inbound.id, at: inbound.at, ...extra });
        })().catch((err) => log.warn({ ...at, err }, "inbound not recorded"));
        // "Seen" after a short, human-looking delay (1:1 chats only: monitoring a group reads nothing aloud).
        if (!inbound.waGroupId) o.markRead(m.key);
      }
    }),
  );

  const onContacts = (list: { id: string; phoneNumber?: string; name?: string; notify?: string }[]) => {
    const contacts = (list ?? []).flatMap((c) => {
      const phone = phoneOf(c.phoneNumber) ?? phoneOf(c.id);
      const name = c.name ?? c.notify;
      return phone ? [{ phone, ...(name ? { name } : {}) }] : [];
    });
    if (contacts.length) void events.contacts({ sessionId, contacts }).catch((err) => log.warn({ ...at, err }, "contacts not recorded"));
  };
  sock.ev.on("contacts.upsert", guard(log, at, "contacts.upsert", onContacts));
  sock.ev.on("contacts.update", guard(log, at, "contacts.update", onContacts));
};
