import { jidDecode } from "baileys";

/** Baileys' `sock.onWhatsApp(...jids)` (`Socket/socket.js`): only numbers with an account come back, with WhatsApp's own JID. */
export type OnWhatsApp = (...jids: string[]) => Promise<{ jid: string; exists: boolean }[] | undefined>;

const digits = (jid: string) => jidDecode(jid)?.user ?? jid.split("@")[0] ?? "";

/**
 * Brazil's mobile numbers gained a ninth digit; many WhatsApp accounts still have the old id:
 * `55 DD 9XXXXXXXX` ↔ `55 DD XXXXXXXX`.
 */
const sameBrazilian = (a: string, b: string) => {
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return long.length === 13 && short.length === 12 && long.startsWith("55") && long[4] === "9" && long.slice(0, 4) + long.slice(5) === short;
};

/**
 * Pairs each asked number with the account WhatsApp returned for it. USync answers by JID only, so a
 * returned id is matched to the number it equals, then to its Brazilian ninth-digit twin, then (one
 * left on each side) to the last one left.
 */
export const matchResults = (asked: string[], found: { jid: string; exists: boolean }[]) => {
  const out = new Map<string, string | null>(asked.map((a) => [a, null]));
  const left = found.filter((f) => f.exists);
  const take = (pred: (a: string, f: string) => boolean) => {
    for (const a of asked) {
      if (out.get(a)) continue;
      const i = left.findIndex((f) => pred(a, digits(f.jid)));
      if (i >= 0) out.set(a, (left.splice(i, 1)[0] as { jid: string }).jid);
    }
  };
  take((a, f) => a === f);
  take(sameBrazilian);
  const unmatched = asked.filter((a) => !out.get(a));
  if (unmatched.length === 1 && left.length === 1) out.set(unmatched[0] as string, (left[0] as { jid: string }).jid);
  return out;
};

/**
 * Resolves numbers to WhatsApp ids before sending, per session: lookups asked within `lingerMs` go to
 * WhatsApp in one `onWhatsApp` call (at most `batch` numbers), answers are cached for `ttlMs`. Only
 * numbers about to be sent are asked — never a whole group up front, which WhatsApp treats as a
 * scraping signal. `null`: the number has no WhatsApp account.
 */
export const createResolver = (o: { ttlMs?: number; lingerMs?: number; batch?: number; now?: () => number } = {}) => {
  const ttl = o.ttlMs ?? 6 * 60 * 60_000;
  const linger = o.lingerMs ?? 25;
  const batch = o.batch ?? 50;
  const now = o.now ?? Date.now;
  const cache = new Map<string, { jid: string | null; until: number }>();
  let waiting: { user: string; resolve: (v: string | null) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  let ask: OnWhatsApp | undefined;

  const run = async () => {
    const take = waiting.slice(0, batch);
    waiting = waiting.slice(batch);
    scheduled = waiting.length > 0;
    if (scheduled) setTimeout(run, 0);
    const users = [...new Set(take.map((w) => w.user))];
    try {
      const found = await (ask as OnWhatsApp)(...users.map((u) => `${u}@s.whatsapp.net`));
      // No answer (a USync result that is not `type="result"`) says nothing about the numbers: asked again later, never "not on WhatsApp".
      if (!found) throw new Error("WhatsApp did not answer the number lookup");
      const matched = matchResults(users, found);
      for (const [u, jid] of matched) cache.set(u, { jid, until: now() + ttl });
      if (cache.size > 50_000) cache.clear();
      for (const w of take) w.resolve(matched.get(w.user) ?? null);
    } catch (e) {
      for (const w of take) w.reject(e);
    }
  };

  return {
    /** The JID to send `e164` to, or null when WhatsApp has no account for it. */
    resolve(e164: string, onWhatsApp: OnWhatsApp): Promise<string | null> {
      const user = e164.replace(/^\+/, "");
      const hit = cache.get(user);
      if (hit && hit.until > now()) return Promise.resolve(hit.jid);
      ask = onWhatsApp;
      return new Promise((resolve, reject) => {
        waiting.push({ user, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setTimeout(run, linger);
        }
      });
    },
    clear: () => cache.clear(),
  };
};
