import { describe, expect, it } from "vitest";
import { type Client, newTenant, outbox, phones, sandbox, setUsage, waitFor, workingSession } from "../helpers/api";

/** Issue 30: MoltFlow's default monitor modes (`first_message`, `mentions`) and auto-respond, end to end on the sandbox. */
const waGroup = async (sessionId: string, members: string[], name = "Clientes") => {
  const wa = `120363${Math.floor(Math.random() * 1e12)}@g.us`;
  await sandbox().post("/sandbox/api/wa-groups", { session_id: sessionId, wa_group_id: wa, name, participants: members.map((phone) => ({ phone })) });
  return wa;
};
const write = async (body: object) => {
  const res = await sandbox().post("/sandbox/api/inbound", body);
  expect(res.status, res.text).toBe(200);
};
const leadOf = (api: Client, phone: string) =>
  waitFor(async () => ((await api.get("/leads?limit=200")).body.leads as Record<string, any>[]).find((l) => l.contact_phone === phone), {
    what: `a lead for ${phone}`,
  });

describe("monitor modes", () => {
  it("first_message: each member's first message makes one lead; LID-only members are stored, never leads", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const [a, b] = phones(2) as [string, string];
    const wa = await waGroup(s.id, [a, b]);
    const g = await api.post("/groups", { session_id: s.id, wa_group_id: wa });
    expect(g.status, g.text).toBe(201);
    expect(g.body.monitor_mode).toBe("first_message");
    await write({ session_id: s.id, wa_group_id: wa, from: a, text: "hello all" });
    await write({ session_id: s.id, wa_group_id: wa, from: a, text: "me again" });
    await write({ session_id: s.id, wa_group_id: wa, from: "lid", from_lid: "99887766@lid", text: "from a LID" });
    await write({ session_id: s.id, wa_group_id: wa, from: b, text: "hi" });
    await waitFor(async () => (await api.get(`/groups/${g.body.id}`)).body.messages_processed === 4, { what: "4 messages stored" });
    const leads = (await api.get("/leads")).body;
    expect(leads.total).toBe(2);
    expect((leads.leads as { contact_phone: string }[]).map((l) => l.contact_phone).sort()).toEqual([a, b].sort());
    expect((await api.get(`/groups/${g.body.id}`)).body.leads_detected).toBe(2);
    expect((await api.get("/usage/daily?days=1")).body.days[0].leads_detected).toBe(2);
  });

  it("mentions: only a message that @-mentions the session's own number makes its author a lead", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const [a, b, other] = phones(3) as [string, string, string];
    const wa = await waGroup(s.id, [a, b]);
    const g = (await api.post("/groups", { session_id: s.id, wa_group_id: wa, monitor_mode: "mentions" })).body;
    expect(g.monitor_mode).toBe("mentions");
    await write({ session_id: s.id, wa_group_id: wa, from: a, text: "@someone hi", mentions: [other] });
    await write({ session_id: s.id, wa_group_id: wa, from: a, text: "no mention" });
    // Baileys gives JIDs: the session's own, as a JID, counts.
    await write({ session_id: s.id, wa_group_id: wa, from: b, text: "@you how much?", mentions: [`${s.phone.replace("+", "")}@s.whatsapp.net`] });
    const lead = await leadOf(api, b);
    expect(lead).toMatchObject({ source: "group", source_group_id: g.id });
    await waitFor(async () => (await api.get(`/groups/${g.id}`)).body.messages_processed === 3, { what: "3 messages stored" });
    expect((await api.get("/leads")).body.total).toBe(1);
  });

  it("a review collector reading groups picks up a monitored group's message as it arrives, with no run", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const [a, b] = phones(2) as [string, string];
    const wa = await waGroup(s.id, [a, b]);
    const g = (await api.post("/groups", { session_id: s.id, wa_group_id: wa, monitor_mode: "all" })).body;
    const c = await api.post("/reviews/collectors", { name: "Grupo", session_id: s.id, source_type: "groups", languages: ["en"] });
    expect(c.status, c.text).toBe(201);
    await write({ session_id: s.id, wa_group_id: wa, from: a, text: "Amazing product, great quality and fantastic support. Thank you so much!" });
    await write({ session_id: s.id, wa_group_id: wa, from: b, text: "ok" });
    const reviews = await waitFor(
      async () => {
        const r = (await api.get(`/reviews?collector_id=${c.body.id}`)).body;
        return r.total === 1 ? r.reviews : undefined;
      },
      { what: "the group's positive message to become a review" },
    );
    expect(reviews[0]).toMatchObject({ contact_phone: a, sentiment_label: "positive" });
    await waitFor(async () => (await api.get(`/groups/${g.id}`)).body.messages_processed === 2, { what: "2 messages stored" });
    expect((await api.get(`/reviews/collectors/${c.body.id}`)).body.review_count).toBe(1);
  });

  it("ai_prompt is refused with the reason; an unknown mode names the served ones", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const wa = await waGroup(s.id, []);
    const ai = await api.post("/groups", { session_id: s.id, wa_group_id: wa, monitor_mode: "ai_prompt", monitor_prompt: "buyers" });
    expect(ai.status).toBe(422);
    expect(ai.body.error).toMatchObject({ code: "group.monitor_mode_unavailable", details: { reason: "no_model_configured" } });
    expect(ai.body.error.message).toMatch(/model/);
    const odd = await api.post("/groups", { session_id: s.id, wa_group_id: wa, monitor_mode: "vibes" });
    expect(odd.status).toBe(422);
    expect(odd.body.error.details.available).toEqual(["first_message", "keywords", "mentions", "all"]);
  });
});

describe("auto-respond", () => {
  it("answers each new lead once with the rendered template, in the conversation and on the lead; never an opted-out number", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const [a, b] = phones(2) as [string, string];
    const wa = await waGroup(s.id, [a, b], "Loja Centro");
    const g = await api.post("/groups", {
      session_id: s.id,
      wa_group_id: wa,
      monitor_mode: "keywords",
      monitor_keywords: ["price"],
      auto_respond: true,
      response_template: "Hi {{name|there}}! Saw your {{keyword}} question in {{group_name}}.",
    });
    expect(g.status, g.text).toBe(201);
    await api.post("/opt-outs", { phones: [b] });
    await write({ session_id: s.id, wa_group_id: wa, from: a, name: "Ana", text: "what is the price?" });
    await write({ session_id: s.id, wa_group_id: wa, from: b, name: "Bia", text: "price please" });

    const la = await waitFor(async () => {
      const l = await leadOf(api, a);
      return l.responded_at ? l : undefined;
    });
    expect(la.response_message_id).toMatch(/^msg_/);
    // An empty list is truthy: wait for the message itself (the lead says "responded" once it is queued).
    const sent = await waitFor(async () => {
      const to = (await outbox(s.id)).filter((m) => m.to === a);
      return to.length > 0 ? to : undefined;
    });
    expect(sent.map((m) => m.text)).toEqual(["Hi Ana! Saw your price question in Loja Centro."]);
    await waitFor(async () => ["sent", "delivered", "read"].includes((await api.get(`/messages/${la.response_message_id}`)).body.status));
    const conv = (await api.get(`/conversations/${encodeURIComponent(a)}/messages`)).body.messages as { direction: string; text: string }[];
    expect(conv.some((m) => m.direction === "outbound" && m.text.startsWith("Hi Ana!"))).toBe(true);

    // The opted-out member became a lead, and was not answered.
    const lb = await waitFor(async () => {
      const l = await leadOf(api, b);
      return l.response_error ? l : undefined;
    });
    expect(lb).toMatchObject({ response_error: "contact.opted_out", responded_at: null, response_message_id: null });

    // Once per lead: another matching message from Ana is stored, but not answered again.
    await write({ session_id: s.id, wa_group_id: wa, from: a, name: "Ana", text: "price for two?" });
    await waitFor(async () => (await api.get(`/groups/${g.body.id}`)).body.messages_processed === 3);
    expect((await outbox(s.id)).filter((m) => m.to === a || m.to === b)).toHaveLength(1);
  });

  it("counts against the month's quota and is refused when it is used up; a plan without the feature gets 403", async () => {
    const t = await newTenant("starter");
    const s = await workingSession(t.api);
    const [a] = phones(1) as [string];
    const wa = await waGroup(s.id, [a]);
    const g = await t.api.post("/groups", { session_id: s.id, wa_group_id: wa, auto_respond: true, response_template: "Hello {{name}}" });
    expect(g.status, g.text).toBe(201);
    await setUsage(t.tenantId, { total_messages: 500, reserved_messages: 0 });
    await write({ session_id: s.id, wa_group_id: wa, from: a, text: "hi" });
    const l = await waitFor(async () => {
      const x = await leadOf(t.api, a);
      return x.response_error ? x : undefined;
    });
    expect(l.response_error).toBe("plan.monthly_limit");
    expect((await outbox(s.id)).filter((m) => m.to === a)).toHaveLength(0);

    const free = await newTenant("free");
    const fs = await workingSession(free.api);
    const fwa = await waGroup(fs.id, []);
    const refused = await free.api.post("/groups", { session_id: fs.id, wa_group_id: fwa, auto_respond: true, response_template: "x" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("plan.feature_unavailable");
    const plain = await free.api.post("/groups", { session_id: fs.id, wa_group_id: fwa });
    expect(plain.status).toBe(201);
    expect((await free.api.patch(`/groups/${plain.body.id}`, { auto_respond: true })).status).toBe(403);
  });
});
