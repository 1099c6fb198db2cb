import type { Uses } from "../deps";
import { loadNormalize } from "../e164";
import type { Normalize } from "../phone";
import type { InboundEvent } from "../port";
import type { MonitoredGroup } from "./port";

/** What this module uses. */
type D = Uses<"sessions">;

/** A mention as an E.164 number, from a phone number or a phone JID (`5511…@s.whatsapp.net`, `…@c.us`); LIDs stay unknown. */
const mentionedPhone = (normalize: Normalize, m: string) => {
  const jid = /^(\d{5,20})(?::\d+)?@(s\.whatsapp\.net|c\.us)$/.exec(m);
  const r = normalize(jid ? `+${jid[1]}` : m);
  return r.ok ? r.e164 : undefined;
};

/**
 * Whether a stored group message makes its author a lead, by the group's mode (the once-per-member
 * rule is the lead's own dedupe, `Lead.detect`):
 * - `keywords`: it matched one of the group's keywords;
 * - `first_message`: it was written after monitoring began (every such message asks; only the
 *   member's first makes a lead);
 * - `mentions`: it @-mentions the session's own number (the transport turns the session's own LID
 *   into that number);
 * - `all`: every message is stored; one matching a keyword (if the group has any) makes a lead.
 */
export const leadOf = async (d: D, tenantId: string, g: MonitoredGroup, e: InboundEvent, matched: string[]): Promise<boolean> => {
  switch (g.monitor_mode) {
    case "keywords":
      return matched.length > 0;
    case "first_message":
      return e.at >= Date.parse(g.created_at);
    case "mentions": {
      if (!e.mentions?.length) return false;
      const own = (await d.store.sessions.get(tenantId, g.session_id))?.phone;
      if (!own) return false;
      const normalize = await loadNormalize();
      return e.mentions.some((m) => mentionedPhone(normalize, m) === own);
    }
    case "all":
      return matched.length > 0;
  }
};
