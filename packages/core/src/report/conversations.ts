import { isUnanswered } from "../conversation";
import type { Uses } from "../deps";
import { rate } from "../job";
import { isStopMessage } from "../optout";
import { iso } from "../port";
import { settingsOf } from "../tenant";
import { DEFAULT_THRESHOLD_HOURS } from "./port";

type D = Uses<"conversations" | "tenants", "clock">;

/** The window a report covers. */
interface Window {
  start: number;
  end: number;
}

/** How many conversations `vip_contacts` lists. */
export const VIP_LIMIT = 20;

/**
 * `unanswered_contacts` ("warm leads going cold"): conversations whose last message is the contact's,
 * older than the threshold at the end of the period, oldest first, with how long they have waited.
 * Opted-out contacts are never listed. Message texts are not copied into the report (they expire
 * with the tenant's retention; executions are kept).
 */
export const unansweredContacts = async (d: D, tenantId: string, w: Window, thresholdHours: number | null) => {
  const threshold = thresholdHours ?? DEFAULT_THRESHOLD_HOURS;
  const before = iso(w.end - threshold * 3_600_000);
  const contacts: { phone: string; name: string | null; session_id: string; last_inbound_at: string; waiting_seconds: number; waiting_hours: number }[] = [];
  for await (const c of d.store.conversations.activeSince(tenantId, "")) {
    if (!isUnanswered(c) || !c.last_inbound_at || c.last_inbound_at > before) continue;
    const waited = Math.max(0, w.end - Date.parse(c.last_inbound_at));
    contacts.push({
      phone: c.phone,
      name: c.name ?? null,
      session_id: c.session_id,
      last_inbound_at: c.last_inbound_at,
      waiting_seconds: Math.round(waited / 1000),
      waiting_hours: Math.round(waited / 36_000) / 100,
    });
  }
  contacts.sort((a, b) => a.last_inbound_at.localeCompare(b.last_inbound_at) || a.phone.localeCompare(b.phone));
  return {
    threshold_hours: threshold,
    totals: { contacts: contacts.length, longest_wait_hours: contacts[0]?.waiting_hours ?? 0 },
    contacts,
  };
};

/**
 * `vip_contacts` ("most active conversations"): the conversations with the most messages in the
 * period, both directions, with the contact's reply rate — the share of our messages the contact
 * answered (a message of theirs, not a STOP, follows before our next one).
 */
export const vipContacts = async (d: D, tenantId: string, w: Window) => {
  const { retention_days } = settingsOf(await d.store.tenants.get(tenantId));
  // What the store still holds: messages older than the retention are gone (or going).
  const fromIso = iso(Math.max(w.start, d.clock.now() - retention_days * 86_400_000));
  const toIso = iso(w.end);
  const rows: {
    phone: string;
    name: string | null;
    session_id: string;
    messages: number;
    inbound: number;
    outbound: number;
    replied: number;
    reply_rate: number;
  }[] = [];
  for await (const c of d.store.conversations.activeSince(tenantId, fromIso)) {
    let inbound = 0;
    let outbound = 0;
    let replied = 0;
    let awaiting = false;
    let cursor: string | undefined;
    do {
      const page = await d.store.conversations.messages(tenantId, c.phone, { sessionId: c.session_id, order: "asc", fromIso, toIso }, { limit: 200, cursor });
      for (const e of page.items) {
        if (e.direction === "outbound") {
          outbound++;
          awaiting = true;
        } else {
          inbound++;
          // A STOP is an opt-out, not an answer.
          const stop = !e.message.media_type && isStopMessage(e.message.text);
          if (awaiting && !stop) replied++;
          awaiting = false;
        }
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    if (inbound + outbound === 0) continue;
    rows.push({
      phone: c.phone,
      name: c.name ?? null,
      session_id: c.session_id,
      messages: inbound + outbound,
      inbound,
      outbound,
      replied,
      reply_rate: rate(replied, outbound),
    });
  }
  rows.sort((a, b) => b.messages - a.messages || b.inbound - a.inbound || a.phone.localeCompare(b.phone));
  const top = rows.slice(0, VIP_LIMIT);
  const sum = (k: "messages" | "inbound" | "outbound" | "replied") => top.reduce((n, r) => n + r[k], 0);
  return {
    totals: {
      conversations: rows.length,
      listed: top.length,
      messages: sum("messages"),
      inbound: sum("inbound"),
      outbound: sum("outbound"),
      replied: sum("replied"),
      reply_rate: rate(sum("replied"), sum("outbound")),
    },
    contacts: top,
  };
};
