import { DateTime } from "luxon";
import type { TemplateId } from "./port";
import { TEMPLATES, type Window } from "./templates";

/** One decimal, as the HTML and the console show shares (12.5% stays 12.5%, never 13%). */
const pct = (x: unknown) => `${Math.round(Number(x) * 1000) / 10}%`;
const n = (x: unknown) => Number(x ?? 0).toLocaleString("en-US");
/** A wait in hours as people say it: `3 h 20 min`, `2 d 4 h`. */
const hours = (h: number) => {
  const min = Math.round(h * 60);
  if (min < 60) return `${min} min`;
  if (min < 48 * 60) return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ""}`;
  return `${Math.floor(min / 1440)} d${Math.floor((min % 1440) / 60) ? ` ${Math.floor((min % 1440) / 60)} h` : ""}`;
};

/** The plain-text summary a WhatsApp delivery sends: a few lines, times in the report's time zone. */
export const summary = (template: TemplateId, data: Record<string, any>, w: Window, zone: string) => {
  const fmt = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat("d LLL yyyy HH:mm");
  const head = [`Outreach report: ${TEMPLATES.find((t) => t.id === template)?.name ?? template}`, `${fmt(w.start)} – ${fmt(w.end)} (${zone})`];
  const lines: string[] = [];
  switch (template) {
    case "bulk_send_progress": {
      const t = data.totals;
      lines.push(`${n(t.jobs)} bulk sends, ${n(t.total)} recipients`);
      lines.push(`Sent ${n(t.sent)} · delivered ${n(t.delivered)} (${pct(t.delivery_rate)}) · read ${n(t.read)} (${pct(t.read_rate)})`);
      lines.push(`Failed ${n(t.failed)} · skipped ${n(t.skipped)} · unknown ${n(t.unknown)}`);
      lines.push(`Replied ${n(t.replied)} (${pct(t.reply_rate)})`);
      break;
    }
    case "scheduled_messages_status":
      lines.push(`Executed ${n(data.totals.executed)} · failed ${n(data.totals.failed)} across ${n(data.schedules.length)} scheduled messages`);
      break;
    case "usage_plan":
      lines.push(`Plan ${data.plan}, ${data.month}`);
      for (const l of data.limits) lines.push(`${l.name}: ${n(l.used)}${l.limit ? ` of ${n(l.limit)} (${l.percentage}%)` : " (unlimited)"}`);
      if (data.suggestion) lines.push(data.suggestion);
      break;
    case "session_health":
      for (const s of data.sessions) lines.push(`${s.name}: ${s.status}, connected ${pct(s.connected_ratio)}, ${n(s.disconnects)} disconnects`);
      if (data.sessions.length === 0) lines.push("No sessions.");
      break;
    case "unanswered_contacts": {
      const list: { phone: string; name: string | null; waiting_hours: number }[] = data.contacts;
      lines.push(`${n(list.length)} contact${list.length === 1 ? "" : "s"} waiting ${data.threshold_hours} h or longer for an answer`);
      for (const c of list.slice(0, 10)) lines.push(`${c.name ? `${c.name} ` : ""}${c.phone}: waiting ${hours(c.waiting_hours)}`);
      if (list.length > 10) lines.push(`…and ${n(list.length - 10)} more`);
      break;
    }
    case "vip_contacts": {
      const list: { phone: string; name: string | null; messages: number; inbound: number; outbound: number; reply_rate: number }[] = data.contacts;
      if (list.length === 0) lines.push("No conversations in the period.");
      for (const [i, c] of list.slice(0, 10).entries())
        lines.push(
          `${i + 1}. ${c.name ? `${c.name} ` : ""}${c.phone}: ${n(c.messages)} messages (${n(c.inbound)} in, ${n(c.outbound)} out), replies ${pct(c.reply_rate)}`,
        );
      if (list.length > 10) lines.push(`…and ${n(list.length - 10)} more`);
      break;
    }
    case "lead_pipeline": {
      const t = data.totals;
      lines.push(
        `${n(t.leads)} new leads: ${data.by_source.map((s: { source: string; total: number }) => `${n(s.total)} from ${s.source === "group" ? "groups" : "bulk sends"}`).join(", ")}`,
      );
      lines.push(`New ${n(t.new)} · contacted ${n(t.contacted)} · qualified ${n(t.qualified)} · converted ${n(t.converted)} · lost ${n(t.lost)}`);
      lines.push(
        `Funnel: ${data.funnel.map((f: { stage: string; count: number; rate: number }, i: number) => `${f.stage} ${n(f.count)}${i ? ` (${pct(f.rate)})` : ""}`).join(" → ")}`,
      );
      lines.push(`Conversion ${pct(t.conversion_rate)} of leads`);
      break;
    }
    case "group_monitoring": {
      const list: { name: string; messages: number; matches: number; leads: number; keywords: Record<string, number> }[] = data.groups;
      if (list.length === 0) lines.push("No monitored groups.");
      for (const g of list.slice(0, 10)) {
        const top = Object.entries(g.keywords)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([k, c]) => `${k} ${n(c)}`)
          .join(", ");
        lines.push(`${g.name}: ${n(g.messages)} messages, ${n(g.matches)} matches${top ? ` (${top})` : ""}, ${n(g.leads)} leads`);
      }
      if (list.length > 10) lines.push(`…and ${n(list.length - 10)} more`);
      break;
    }
    case "review_digest": {
      const t = data.totals;
      lines.push(`${n(t.new_reviews)} new reviews, average sentiment ${pct(t.average_sentiment)}`);
      lines.push(`Approved ${n(t.approved)} · pending ${n(t.pending)}`);
      for (const q of data.best_quotes as { text: string; contact_name: string | null }[])
        lines.push(`“${q.text.length > 160 ? `${q.text.slice(0, 157)}…` : q.text}” — ${q.contact_name ?? "a customer"}`);
      break;
    }
    case "daily_activity":
      lines.push(
        `Sent ${n(data.totals.sent)} · received ${n(data.totals.received)} · opt-outs ${n(data.totals.opt_outs)} · sessions connected ${n(data.totals.sessions_connected)}`,
      );
      break;
  }
  return [...head, ...lines].join("\n");
};
