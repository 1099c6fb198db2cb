import type { TransportEvents } from "@outreach/core/port";
import type { CacheStore, proto } from "baileys";

/** A small TTL cache in Baileys' `CacheStore` shape. */
export const ttlCache = (ttlMs: number, max = 100_000): CacheStore => {
  const m = new Map<string, { v: unknown; until: number }>();
  return {
    get<T>(key: string) {
      const hit = m.get(key);
      if (!hit) return undefined;
      if (hit.until < Date.now()) {
        m.delete(key);
        return undefined;
      }
      return hit.v as T;
    },
    set<T>(key: string, value: T) {
      if (m.size >= max) m.delete(m.keys().next().value as string);
      m.set(key, { v: value, until: Date.now() + ttlMs });
    },
    del: (key: string) => void m.delete(key),
    flushAll: () => m.clear(),
  };
};

/**
 * Retry counts per message id for every socket of the process (Baileys' own default lives and dies
 * with one socket, so a reconnect would answer the same retry receipts again from zero).
 */
export const processRetryCounter: CacheStore = ttlCache(60 * 60_000);

/**
 * The messages this process sent, as WhatsApp got them, for retry receipts in the first hours (media
 * included: its upload cannot be rebuilt from the store). Older ones are rebuilt from the store.
 */
export const createSentCache = (ttlMs = 6 * 60 * 60_000, max = 5000) => {
  const m = new Map<string, { message: proto.IMessage; until: number }>();
  return {
    put(id: string, message: proto.IMessage | null | undefined) {
      if (!message) return;
      if (m.size >= max) m.delete(m.keys().next().value as string);
      m.set(id, { message, until: Date.now() + ttlMs });
    },
    get(id: string) {
      const hit = m.get(id);
      return hit && hit.until > Date.now() ? hit.message : undefined;
    },
  };
};

/**
 * Baileys' `getMessage` for retry receipts: what we sent under this id, from this process's memory,
 * else rebuilt from the store's content (text; a media message older than the memory would need a
 * new upload, so Baileys gets nothing and the contact sees "Waiting for this message").
 */
export const answerRetries =
  (sent: ReturnType<typeof createSentCache>, events: Pick<TransportEvents, "sentContent">, sessionId: string) =>
  async (key: { id?: string | null }): Promise<proto.IMessage | undefined> => {
    if (!key.id) return undefined;
    const hit = sent.get(key.id);
    if (hit) return hit;
    const m = await events.sentContent({ sessionId, messageId: key.id }).catch(() => undefined);
    return m?.kind === "text" ? { extendedTextMessage: { text: m.text } } : undefined;
  };
