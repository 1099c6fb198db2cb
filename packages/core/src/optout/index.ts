import type { Uses } from "../deps";

export * from "./port";

import { dayKey } from "../activity";
import type { OnMessagesRecorded } from "../conversation/port";
import { chatIdOf, loadNormalize } from "../e164";
import { DomainError, notFound } from "../error";
import type { DomainEvent } from "../event";
import type { JobRef } from "../job/port";
import { iso, type PageRequest } from "../port";
import type { OptOutFilter } from "./port";

export { dayKey } from "../activity";

export { isStopMessage, MAX_STOP_TEXT } from "./stop";

type D = Uses<"activity" | "conversations" | "optouts", "clock" | "events">;

/** What is known of a number that wrote STOP: its name, and the campaign the STOP answered. */
export type StopOrigin = { name: string | null; campaign: JobRef | null };

/**
 * Opts numbers out. An inbound STOP carries its origin (`about`, by number): the opt-out keeps the
 * contact's name and the campaign it answered, and that campaign's `opted_out_count` grows in the same write.
 */
export const add = async (d: D, tenantId: string, phones: string[], source: "api" | "inbound", about?: ReadonlyMap<string, StopOrigin>) => {
  const normalize = await loadNormalize();
  const invalid: { phone: string; reason: string }[] = [];
  let added = 0;
  let already = 0;
  const now = d.clock.now();
  const events: DomainEvent[] = [];
  for (const p of phones) {
    const r = normalize(p);
    if (!r.ok) {
      invalid.push({ phone: String(p), reason: r.reason });
      continue;
    }
    const origin = about?.get(r.e164);
    const campaign = origin?.campaign ?? undefined;
    const o = { phone: r.e164, source, created_at: iso(now), name: origin?.name ?? null, bulk_send_id: campaign?.id ?? null };
    if (await d.store.optouts.add(tenantId, o, campaign)) {
      added++;
      // Their conversations are no longer waiting for an answer.
      await d.store.conversations.setOptedOut(tenantId, r.e164, true);
      events.push({
        type: "contact.opted_out",
        key: `${r.e164}|${iso(now)}`,
        at: iso(now),
        data: { phone: r.e164, chat_id: chatIdOf(r.e164), source, bulk_send_id: o.bulk_send_id },
      });
    } else already++;
  }
  if (added) await d.store.activity.count(tenantId, dayKey(now), { opt_outs: added });
  await d.events?.emit(tenantId, events);
  return { added, already_opted_out: already, invalid };
};

/** The id an opt-out of a sender that is not a phone number is kept under (see `addRaw`). */
export const rawIdOf = (rawId: string) => rawId.replace(/[^\w@.:+-]/g, "").slice(0, 100) || "unknown";

/**
 * "Messages recorded": a STOP opts its sender out. Idempotent: a redelivered STOP whose first delivery
 * crashed before this still lands.
 */
export const onMessagesRecorded =
  (d: D): OnMessagesRecorded =>
  async (e) => {
    for (const raw of e.raw_stops) await addRaw(d, e.tenant_id, raw);
    if (e.stops.length > 0)
      await add(
        d,
        e.tenant_id,
        e.stops.map((s) => s.phone),
        "inbound",
        new Map(e.stops.map((s) => [s.phone, { name: s.name, campaign: s.campaign }])),
      );
  };

/**
 * A STOP from a sender the phone library cannot read (issue 29: it was dropped without a trace): kept
 * as an opt-out of that chat id as the transport gave it (letters, digits and `@._:+-`, 100 at most),
 * so it shows in the list and nothing is ever sent to it. The caller logs it at `warn`.
 */
export const addRaw = async (d: D, tenantId: string, rawId: string) => {
  const id = rawIdOf(rawId);
  const now = d.clock.now();
  const added = await d.store.optouts.add(tenantId, { phone: id, source: "inbound", created_at: iso(now) });
  if (added) await d.store.activity.count(tenantId, dayKey(now), { opt_outs: 1 });
  return { id, added };
};

/** Removes an opt-out added through the API. One the contact made by writing STOP stays: only they can undo it. */
export const remove = async (d: D, tenantId: string, phone: string) => {
  const r = (await loadNormalize())(phone);
  const res = r.ok ? await d.store.optouts.remove(tenantId, r.e164) : "not_found";
  if (res === "not_found") throw notFound("opt_out", phone);
  if (res === "removed" && r.ok) await d.store.conversations.setOptedOut(tenantId, r.e164, false);
  if (res === "by_contact") {
    throw new DomainError(
      "forbidden",
      "opt_out.by_contact",
      `${phone} opted out by writing STOP; only the contact can opt back in (by writing to the session), not the API.`,
    );
  }
  return { phone: r.ok ? r.e164 : phone, deleted: true as const };
};

/** Opt-outs, newest number order as stored; `filter.q` matches a number's digits or a part of the name (case-insensitive). */
export const list = (d: D, tenantId: string, page: PageRequest, filter: OptOutFilter = {}) => d.store.optouts.list(tenantId, page, filter);
