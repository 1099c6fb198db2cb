import type { Store } from "@outreach/core/port";
import type { ApiKey } from "@outreach/core/tenant";
import { authenticate, hashKey } from "@outreach/core/tenant";
import { perStore } from "./per-store";

/**
 * How long a process keeps a valid key it looked up before reading it again: the revocation delay.
 * A key revoked through this process (`DELETE /api-keys/{id}`) is refused at its next request; one
 * revoked elsewhere (another Lambda instance, the admin CLI) is refused by this process at most this
 * long after the revocation. Expiry (`expires_at`) is checked at every request.
 */
export const KEY_CACHE_MS = 30_000;

type Entry = { key: ApiKey; until: number };
const cacheOf = perStore<Entry>();

/**
 * `authenticate`, with valid keys kept for `KEY_CACHE_MS` (a refused key is read again each time: the
 * refusals are counted per address instead). Saves the key's read on nearly every request.
 */
export const authenticateCached = async (store: Store, plain: string, now: number): Promise<ApiKey | undefined> => {
  if (plain.length < 16 || plain.length > 200) return undefined;
  const cache = cacheOf(store);
  const hash = hashKey(plain);
  const hit = cache.get(hash);
  if (hit && hit.until > now) return hit.key.expires_at && Date.parse(hit.key.expires_at) <= now ? undefined : hit.key;
  const key = await authenticate(store, plain, now);
  if (cache.size > 10_000) cache.clear();
  if (key) cache.set(hash, { key, until: now + KEY_CACHE_MS });
  else cache.delete(hash);
  return key;
};

/** This process forgets a key it revoked: its next request is read from the store (and refused). */
export const forgetKey = (store: Store, id: string) => {
  const cache = cacheOf(store);
  for (const [hash, e] of cache) if (e.key.id === id) cache.delete(hash);
};
