import { describe, expect, it } from "vitest";
import type { Execution } from "./port";
import { rows, toCsv } from "./render";
import { summary } from "./text";

const w = { start: Date.parse("2026-11-20T00:00:00Z"), end: Date.parse("2026-11-21T00:00:00Z") };
const execution = (template_id: Execution["template_id"], data: Record<string, unknown>, text = ""): Execution => ({
  id: "exe_1",
  report_id: "rpt_1",
  template_id,
  generated_at: "2026-11-21T00:00:00.000Z",
  period_start: "2026-11-20T00:00:00.000Z",
  period_end: "2026-11-21T00:00:00.000Z",
  data,
  text,
  delivery: { method: "dashboard", status: "kept", to: null, bulk_send_id: null, error: null },
});

const unanswered = {
  threshold_hours: 4,
  totals: { contacts: 2, longest_wait_hours: 52.5 },
  contacts: [
    { phone: "+5511999990001", name: "Ana", session_id: "ses_1", last_inbound_at: "2026-11-18T19:30:00.000Z", waiting_seconds: 189_000, waiting_hours: 52.5 },
    { phone: "+5511999990002", name: null, session_id: "ses_1", last_inbound_at: "2026-11-20T19:00:00.000Z", waiting_seconds: 18_000, waiting_hours: 5 },
  ],
};
const vip = {
  totals: { conversations: 1, listed: 1, messages: 3, inbound: 2, outbound: 1, replied: 1, reply_rate: 1 },
  contacts: [{ phone: "+5511999990001", name: "Ana", session_id: "ses_1", messages: 3, inbound: 2, outbound: 1, replied: 1, reply_rate: 1 }],
};

describe("conversation report templates", () => {
  it("unanswered_contacts: the WhatsApp text says who waits and how long, the CSV has a row per contact and a total", () => {
    expect(summary("unanswered_contacts", unanswered, w, "UTC").split("\n").slice(2)).toEqual([
      "2 contacts waiting 4 h or longer for an answer",
      "Ana +5511999990001: waiting 2 d 4 h",
      "+5511999990002: waiting 5 h",
    ]);
    const csv = toCsv(execution("unanswered_contacts", unanswered)).split("\r\n");
    expect(csv[0]).toBe("phone,name,session_id,last_inbound_at,waiting_hours,waiting_seconds,contacts,longest_wait_hours");
    expect(csv[1]).toBe("+5511999990001,Ana,ses_1,2026-11-18T19:30:00.000Z,52.5,189000,,");
    expect(csv[3]).toBe("TOTAL,,,,,,2,52.5");
  });

  it("vip_contacts: ranked lines with messages both ways and the reply rate", () => {
    expect(summary("vip_contacts", vip, w, "UTC").split("\n").slice(2)).toEqual(["1. Ana +5511999990001: 3 messages (2 in, 1 out), replies 100%"]);
    expect(summary("vip_contacts", { totals: {}, contacts: [] }, w, "UTC")).toMatch(/No conversations in the period\.$/);
    expect(rows(execution("vip_contacts", vip)).at(-1)).toEqual({
      phone: "TOTAL",
      messages: 3,
      inbound: 2,
      outbound: 1,
      replied: 1,
      reply_rate: 1,
      conversations: 1,
      listed: 1,
    });
  });
});
