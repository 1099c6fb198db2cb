import { type FetchError, type GuardedFetch, isFetchError } from "@outreach/core/net";
import { TransportError } from "@outreach/core/port";
import { fileNameOf, MEDIA_MAX_BYTES, type MediaKind, mediaKindOf } from "./kind";

/** Media downloaded once, ready to hand to WhatsApp as bytes (never as a URL). */
export interface Media {
  buffer: Buffer;
  kind: MediaKind;
  /** The response's content type without parameters, when it sent one. */
  mimetype?: string;
  fileName: string;
}

/** Fetches a message's media; a failure is a `TransportError` whose message names the rule. */
export type MediaFetcher = (url: string) => Promise<Media>;

/**
 * A refused or failed download as the sender sees it. Worth another attempt: a connection failure or
 * a 5xx/429 answer. Permanent: a forbidden address, a file over WhatsApp's limit, a timeout (a tarpit
 * would hold the session's lane again), any other status.
 */
export const mediaError = (e: FetchError) => {
  const retry = e.kind === "network" || (e.kind === "http_status" && e.status !== undefined && (e.status >= 500 || e.status === 429));
  return new TransportError(retry ? "transient" : "permanent", `media not sent: ${e.message}`);
};

/**
 * Downloads media through the outbound-fetch guard, capped by WhatsApp's limit for its kind. The
 * messages of one job share one URL: a download (or its permanent failure) is reused for `ttlMs`, so a
 * job costs one download, not one per recipient, and a tarpit holds only its first recipient.
 */
export const createMediaFetcher = (fetch: GuardedFetch, o: { ttlMs?: number; maxCachedBytes?: number } = {}): MediaFetcher => {
  const ttl = o.ttlMs ?? 5 * 60_000;
  const budget = o.maxCachedBytes ?? 128 * 1024 * 1024;
  const cache = new Map<string, { at: number; size: number; result: Promise<Media> }>();
  const evict = (now: number) => {
    let total = 0;
    // Newest last (Map order is insertion order): drop expired entries and the oldest over budget.
    for (const [url, e] of [...cache].reverse()) {
      total += e.size;
      if (now - e.at > ttl || total > budget) cache.delete(url);
    }
  };

  const download = async (url: string): Promise<Media> => {
    try {
      const r = await fetch(url, { maxBytes: (head) => MEDIA_MAX_BYTES[mediaKindOf(url, head.contentType)] });
      const mimetype = r.contentType?.split(";")[0]?.trim().toLowerCase() || undefined;
      return { buffer: r.buffer, kind: mediaKindOf(url, r.contentType), ...(mimetype ? { mimetype } : {}), fileName: fileNameOf(url) };
    } catch (e) {
      if (isFetchError(e)) throw mediaError(e);
      throw new TransportError("transient", `media not sent: ${(e as Error)?.message ?? String(e)}`);
    }
  };

  return async (url) => {
    const now = Date.now();
    evict(now);
    const hit = cache.get(url);
    if (hit) return hit.result;
    const entry = { at: now, size: 0, result: download(url) };
    cache.set(url, entry);
    try {
      const media = await entry.result;
      entry.size = media.buffer.length;
      return media;
    } catch (e) {
      if (!(e instanceof TransportError && e.kind === "permanent")) cache.delete(url);
      throw e;
    }
  };
};
