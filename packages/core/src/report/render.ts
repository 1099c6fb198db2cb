import { DateTime } from "luxon";
import { esc } from "../html";
import type { Execution } from "./port";
import { TEMPLATES } from "./templates";

const csvCell = (v: unknown) => {
  let s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s) && Number.isNaN(Number(s))) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const COUNTS = ["total", "sent", "delivered", "read", "failed", "skipped", "unknown", "replied", "delivery_rate", "read_rate", "reply_rate"];

/** Columns per template, in reading order (the stored data is a map, whose key order is not kept). */
const COLUMNS: Record<Execution["template_id"], string[]> = {
  bulk_send_progress: ["bulk_send_id", "name", "status", "created_at", ...COUNTS, "jobs"],
  scheduled_messages_status: ["scheduled_message_id", "name", "executed", "failed"],
  usage_plan: ["name", "used", "limit", "percentage"],
  session_health: ["name", "session_id", "status", "phone", "connected_seconds", "connected_ratio", "disconnects", "disconnect_reasons"],
  daily_activity: ["day", "sent", "received", "opt_outs", "sessions_connected"],
  unanswered_contacts: ["phone", "name", "session_id", "last_inbound_at", "waiting_hours", "waiting_seconds", "contacts", "longest_wait_hours"],
  vip_contacts: ["phone", "name", "session_id", "messages", "inbound", "outbound", "replied", "reply_rate", "conversations", "listed"],
  lead_pipeline: ["stage", "count", "rate", "new", "contacted", "qualified", "converted", "lost", "conversion_rate"],
  group_monitoring: ["name", "group_id", "wa_group_id", "messages", "matches", "match_rate", "leads", "keywords", "groups"],
  review_digest: ["item", "collector_id", "new_reviews", "approved", "pending", "hidden", "average_sentiment", "sentiment_score", "contact_name", "text"],
};

const keywordList = (k: Record<string, number>) =>
  Object.entries(k)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([w, n]) => `${w}: ${n}`)
    .join("; ");

/** The rows an execution's numbers flatten to: its main list, plus a totals row when there is one. */
export const rows = (e: Execution): Record<string, unknown>[] => {
  const d = e.data as Record<string, any>;
  let raw: Record<string, unknown>[];
  switch (e.template_id) {
    case "bulk_send_progress":
      raw = [...d.jobs, { bulk_send_id: "TOTAL", ...d.totals }];
      break;
    case "scheduled_messages_status":
      raw = [...d.schedules, { scheduled_message_id: "TOTAL", name: "", ...d.totals }];
      break;
    case "usage_plan":
      raw = d.limits;
      break;
    case "session_health":
      raw = d.sessions.map((s: Record<string, unknown>) => ({
        ...s,
        disconnect_reasons: (s.disconnect_reasons as { reason: string }[]).map((x) => x.reason).join("; "),
      }));
      break;
    case "daily_activity":
      raw = [...d.days, { day: "TOTAL", ...d.totals }];
      break;
    case "unanswered_contacts":
      raw = [...d.contacts, { phone: "TOTAL", ...d.totals }];
      break;
    case "vip_contacts":
      raw = [...d.contacts, { phone: "TOTAL", ...d.totals }];
      break;
    case "lead_pipeline":
      raw = [
        ...d.funnel,
        ...d.by_source.map((x: Record<string, unknown>) => ({ ...x, stage: `source ${x.source}`, count: x.total })),
        { stage: "TOTAL leads", count: d.totals.leads, ...d.totals },
      ];
      break;
    case "group_monitoring":
      raw = [
        ...d.groups.map((g: Record<string, unknown>) => ({ ...g, keywords: keywordList(g.keywords as Record<string, number>) })),
        { name: "TOTAL", ...d.totals },
      ];
      break;
    case "review_digest":
      raw = [
        ...d.collectors.map((c: Record<string, unknown>) => ({ item: c.name, ...c })),
        { item: "TOTAL", ...d.totals },
        ...d.best_quotes.map((q: Record<string, unknown>, i: number) => ({ item: `quote ${i + 1}`, ...q })),
      ];
      break;
  }
  const cols = COLUMNS[e.template_id];
  return raw.map((r) => Object.fromEntries(cols.filter((c) => c in r).map((c) => [c, r[c]])));
};

export const toCsv = (e: Execution) => {
  const r = rows(e);
  const cols = COLUMNS[e.template_id].filter((c) => r.some((x) => c in x));
  return `${[cols.join(","), ...r.map((x) => cols.map((c) => csvCell(x[c])).join(","))].join("\r\n")}\r\n`;
};

const COLORS = {
  sent: "#4c78a8",
  delivered: "#54a24b",
  read: "#f58518",
  failed: "#e45756",
  received: "#72b7b2",
  opt_outs: "#b279a2",
  replied: "#9d755d",
  inbound: "#72b7b2",
  outbound: "#4c78a8",
  waiting_hours: "#e45756",
  count: "#4c78a8",
  messages: "#72b7b2",
  matches: "#f58518",
  leads: "#54a24b",
  approved: "#54a24b",
  pending: "#eeca3b",
} as const;

/**
 * What fits under a bar group: a campaign's name (cut with an ellipsis), or the distinctive end of an
 * id (`bulk_…` ids share their start).
 */
const axisLabel = (label: string) => {
  if (/^[a-z]+_[0-9a-z]{16,}$/i.test(label)) return label.slice(-8);
  return label.length > 11 ? `${label.slice(0, 10).trimEnd()}…` : label;
};

/** A grouped bar chart as inline SVG: one group per row, one bar per series; the legend is HTML below it. */
export const barChart = (groups: { label: string; values: Record<string, number> }[], series: (keyof typeof COLORS)[]) => {
  const max = Math.max(1, ...groups.flatMap((g) => series.map((s) => g.values[s] ?? 0)));
  const bar = 14;
  const gap = 18;
  const groupW = series.length * bar + gap;
  const h = 200;
  const left = 40;
  const width = left + Math.max(1, groups.length) * groupW + 10;
  const bars = groups
    .map((g, i) => {
      const x0 = left + i * groupW;
      const rects = series
        .map((s, k) => {
          const v = g.values[s] ?? 0;
          const bh = Math.round((v / max) * (h - 40));
          return `<rect class="bar ${s}" x="${x0 + k * bar}" y="${h - 20 - bh}" width="${bar - 2}" height="${bh}" fill="${COLORS[s]}"><title>${esc(s)}: ${v}</title></rect>`;
        })
        .join("");
      return `<g class="bar-group" data-label="${esc(g.label)}">${rects}<text x="${x0}" y="${h - 5}" font-size="9">${esc(axisLabel(g.label))}</text></g>`;
    })
    .join("");
  const legend = series.map((s) => `<span class="key"><i style="background:${COLORS[s]}"></i>${s}</span>`).join(" ");
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(series.join(", "))} per item" viewBox="0 0 ${width} ${h}" width="100%" style="max-width:${Math.max(320, width)}px"><line x1="${left - 4}" y1="${h - 20}" x2="${width}" y2="${h - 20}" stroke="#999"/><text x="0" y="${h - 20 - (h - 40)}" font-size="9">${max}</text>${bars}</svg><figcaption>${legend}</figcaption>`;
};

/** An instant as a person reads it, in the report's zone: "Mon, Dec 7 2026, 09:00". */
const local = (iso: string, zone: string) => {
  const t = DateTime.fromISO(iso, { zone: "utc" }).setZone(zone);
  return t.isValid ? t.toFormat("ccc, LLL d yyyy, HH:mm") : iso;
};

const cell = (k: string, v: unknown, zone: string) =>
  typeof v === "number" && /_rate$|_ratio$/.test(k)
    ? `${Math.round(v * 1000) / 10}%`
    : typeof v === "number"
      ? v.toLocaleString("en-US")
      : typeof v === "string" && /_at$/.test(k) && /^\d{4}-\d\d-\d\dT/.test(v)
        ? local(v, zone)
        : v;

/** One self-contained page (no external scripts or fonts): the numbers as cards and, where it helps, a chart. */
export const toHtml = (e: Execution, zone: string) => {
  const d = e.data as Record<string, any>;
  let chart = "";
  if (e.template_id === "bulk_send_progress") {
    chart = barChart(
      d.jobs.map((j: Record<string, number> & { bulk_send_id: string; name?: string | null }) => ({ label: j.name || j.bulk_send_id, values: j })),
      ["sent", "delivered", "read", "replied", "failed"],
    );
  } else if (e.template_id === "daily_activity") {
    chart = barChart(
      d.days.map((x: Record<string, number> & { day: string }) => ({ label: x.day, values: x })),
      ["sent", "received", "opt_outs"],
    );
  } else if (e.template_id === "unanswered_contacts") {
    chart = barChart(
      d.contacts.map((x: Record<string, number> & { phone: string }) => ({ label: x.phone, values: x })),
      ["waiting_hours"],
    );
  } else if (e.template_id === "vip_contacts") {
    chart = barChart(
      d.contacts.map((x: Record<string, number> & { phone: string }) => ({ label: x.phone, values: x })),
      ["inbound", "outbound"],
    );
  } else if (e.template_id === "lead_pipeline") {
    chart = barChart(
      d.funnel.map((x: { stage: string; count: number }) => ({ label: x.stage, values: { count: x.count } })),
      ["count"],
    );
  } else if (e.template_id === "group_monitoring") {
    chart = barChart(
      d.groups.map((x: Record<string, number> & { name: string }) => ({ label: x.name, values: x })),
      ["messages", "matches", "leads"],
    );
  } else if (e.template_id === "review_digest") {
    chart = barChart(
      d.collectors.map((x: Record<string, number> & { name: string }) => ({ label: x.name, values: x })),
      ["approved", "pending"],
    );
  }
  // One small card per row (a job, a day, a session): readable on a phone, where a wide table is not.
  const cards = rows(e)
    .map((x) => {
      const [first, ...rest] = Object.entries(x);
      return `<section class="card"><h3>${esc(first?.[1])}</h3><dl>${rest.map(([k, v]) => `<dt>${esc(k.replace(/_/g, " "))}</dt><dd>${esc(cell(k, v, zone))}</dd>`).join("")}</dl></section>`;
    })
    .join("");
  const name = TEMPLATES.find((t) => t.id === e.template_id)?.name ?? e.template_id;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(name)}</title>
<style>body{font:15px/1.4 system-ui,-apple-system,sans-serif;margin:0 auto;padding:12px;max-width:900px;color:#222}h1{font-size:1.3em}
.meta{color:#666;font-size:.9em}figure{margin:0 0 12px}figcaption{font-size:.85em}.key{margin-right:10px;white-space:nowrap}.key i{display:inline-block;width:10px;height:10px;margin-right:4px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:8px}.card{border:1px solid #ddd;border-radius:6px;padding:6px 10px}.card h3{font-size:.95em;margin:2px 0 6px;word-break:break-all}
dl{display:grid;grid-template-columns:auto auto;margin:0;font-size:.85em}dt{color:#555}dd{margin:0;text-align:right}pre{white-space:pre-wrap;background:#f6f6f6;padding:8px}</style></head>
<body><h1>${esc(name)}</h1><p class="meta">${esc(local(e.period_start, zone))} – ${esc(local(e.period_end, zone))} · generated ${esc(local(e.generated_at, zone))} · times in ${esc(zone)}</p>
${chart ? `<figure>${chart}</figure>` : ""}<div class="cards">${cards}</div><h2>Summary</h2><pre>${esc(e.text)}</pre></body></html>`;
};
