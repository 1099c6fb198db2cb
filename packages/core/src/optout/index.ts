import { notFound } from "../error";
import { normalize } from "../phone";
import { type Clock, iso, type PageRequest, type Store } from "../port";

export { isStopMessage, MAX_STOP_TEXT } from "./stop";

export const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);

type D = { store: Store; clock: Clock };

export const add = async (d: D, tenantId: string, phones: string[], source: "api" | "inbound") => {
  const invalid: { phone: string; reason: string }[] = [];
  let added = 0;
  let already = 0;
  const now = d.clock.now();
  for (const p of phones) {
    const r = normalize(p);
    if (!r.ok) {
      invalid.push({ phone: String(p), reason: r.reason });
      continue;
    }
    if (await d.store.optouts.add(tenantId, { phone: r.e164, source, created_at: iso(now) })) added++;
    else already++;
  }
  if (added) await d.store.optouts.countActivity(tenantId, dayKey(now), { opt_outs: added });
  return { added, already_opted_out: already, invalid };
};

export const remove = async (d: D, tenantId: string, phone: string) => {
  const r = normalize(phone);
  if (!r.ok || !(await d.store.optouts.remove(tenantId, r.e164))) throw notFound("opt_out", phone);
};

export const list = (d: D, tenantId: string, page: PageRequest) => d.store.optouts.list(tenantId, page);
