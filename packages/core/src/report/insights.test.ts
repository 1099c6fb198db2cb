import { describe, expect, it } from "vitest";
import type { Execution } from "./port";
import { toCsv, toHtml } from "./render";
import { summary } from "./text";

const w = { start: Date.parse("2026-11-25T00:00:00Z"), end: Date.parse("2026-11-26T00:00:00Z") };
const exec = (template_id: Execution["template_id"], data: Record<string, unknown>): Execution => ({
  id: "exe_1",
  report_id: "rpt_1",
  template_id,
  generated_at: "2026-11-26T00:00:01.000Z",
  period_start: "2026-11-25T00:00:00.000Z",
  period_end: "2026-11-26T00:00:00.000Z",
  data,
  text: summary(template_id, data, w, "UTC"),
  delivery: { method: "dashboard", status: "kept", to: null, bulk_send_id: null, error: null },
});

const pipeline = {
  totals: { leads: 8, new: 5, contacted: 0, qualified: 1, converted: 1, lost: 1, conversion_rate: 0.125 },
  by_source: [
    { source: "bulk_send", total: 3, new: 2, contacted: 0, qualified: 0, converted: 1, lost: 0 },
    { source: "group", total: 5, new: 3, contacted: 0, qualified: 1, converted: 0, lost: 1 },
  ],
  funnel: [
    { stage: "sent", count: 6, rate: 1 },
    { stage: "replied", count: 3, rate: 0.5 },
    { stage: "lead", count: 8, rate: 2.667 },
    { stage: "qualified", count: 3, rate: 0.375 },
    { stage: "converted", count: 1, rate: 0.333 },
  ],
};
const monitoring = {
  totals: { groups: 1, messages: 20, matches: 5, leads: 5 },
  groups: [
    {
      group_id: "mgr_1",
      name: "Vendas <SP>",
      wa_group_id: "1@g.us",
      session_id: "ses_1",
      is_active: true,
      messages: 20,
      matches: 5,
      match_rate: 0.25,
      leads: 5,
      keywords: { preço: 2, comprar: 2, 价格: 1 },
    },
  ],
};
const digest = {
  totals: { new_reviews: 3, approved: 2, pending: 1, hidden: 0, average_sentiment: 0.95 },
  collectors: [{ collector_id: "rcol_1", name: "Loja", new_reviews: 3, approved: 2, pending: 1, average_sentiment: 0.95 }],
  best_quotes: [
    { review_id: "rev_1", text: '=HYPERLINK("x") great <b>service</b>', contact_name: "Ana", sentiment_score: 0.99, collected_at: "2026-11-25T10:00:00.000Z" },
    { review_id: "rev_2", text: "Adorei, recomendo!", contact_name: null, sentiment_score: 0.9, collected_at: "2026-11-25T11:00:00.000Z" },
  ],
};

describe("the three templates of issue 21: CSV, HTML with a chart, WhatsApp text", () => {
  it("lead_pipeline: the funnel and sources as rows, a bar per stage, the funnel in one line", () => {
    const e = exec("lead_pipeline", pipeline);
    const csv = toCsv(e).trim().split("\r\n");
    expect(csv[0]).toBe("stage,count,rate,new,contacted,qualified,converted,lost,conversion_rate");
    expect(csv.slice(1, 6).map((r) => r.split(",").slice(0, 2).join(","))).toEqual(["sent,6", "replied,3", "lead,8", "qualified,3", "converted,1"]);
    expect(csv).toContain("source group,5,,3,0,1,0,1,");
    const html = toHtml(e, "UTC");
    expect(html.match(/class="bar count"/g)).toHaveLength(5);
    expect(e.text).toContain("8 new leads: 3 from bulk sends, 5 from groups");
    expect(e.text).toContain("Funnel: sent 6 → replied 3 (50%) → lead 8 (266.7%) → qualified 3 (37.5%) → converted 1 (33.3%)");
  });

  it("group_monitoring: matches by keyword in a cell, escaped names, messages/matches/leads bars", () => {
    const e = exec("group_monitoring", monitoring);
    const csv = toCsv(e);
    expect(csv).toContain("Vendas <SP>,mgr_1,1@g.us,20,5,0.25,5,comprar: 2; preço: 2; 价格: 1,");
    const html = toHtml(e, "UTC");
    expect(html).toContain("Vendas &#60;SP&#62;");
    expect(html).not.toContain("Vendas <SP>");
    expect(html.match(/class="bar (messages|matches|leads)"/g)).toHaveLength(3);
    expect(e.text).toContain("Vendas <SP>: 20 messages, 5 matches (preço 2, comprar 2, 价格 1), 5 leads");
  });

  it("review_digest: approvals per collector, quotes formula-safe in CSV and escaped in HTML", () => {
    const e = exec("review_digest", digest);
    const csv = toCsv(e);
    expect(csv).toContain(`quote 1,,,,,,,0.99,Ana,"'=HYPERLINK(""x"") great <b>service</b>"`);
    const html = toHtml(e, "UTC");
    expect(html).toContain("&#60;b&#62;service&#60;/b&#62;");
    expect(html.match(/class="bar (approved|pending)"/g)).toHaveLength(2);
    expect(e.text).toContain("3 new reviews, average sentiment 95%");
    expect(e.text).toContain("Approved 2 · pending 1");
    expect(e.text).toContain("“Adorei, recomendo!” — a customer");
  });
});
