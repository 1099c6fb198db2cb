import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, inject, it } from "vitest";
import { newTenant, outbox, phones, waitFor, waitJob, workingSession } from "../helpers/api";

const fast = { min_delay_seconds: 0, max_delay_seconds: 0 };
const TEXT = "Oi {{first_name|amigo}}, {{fields.city|sua cidade}} ({{city|?}})";

/** A group whose members carry custom fields (issue 33): Ana in Campinas, Bob without a city, Zé with no name. */
const fieldGroup = async (api: Awaited<ReturnType<typeof newTenant>>["api"]) => {
  const [ana, bob, ze] = phones(3);
  const created = await api.post("/custom-groups", {
    name: "fields",
    members: [
      { phone: ana, name: "Ana Maria Souza", fields: { City: "Campinas", "Loyalty Tier": "gold" } },
      { phone: bob, name: "Bob" },
    ],
  });
  expect(created.status).toBe(201);
  const added = await api.post(`/custom-groups/${created.body.id}/members/add`, { contacts: [{ phone: ze, fields: { city: "Recife" } }] });
  expect(added.body).toMatchObject({ added: 1 });
  return { id: created.body.id as string, ana: ana as string, bob: bob as string, ze: ze as string };
};

describe("personalization with custom fields over HTTP", () => {
  it("stores, exports and renders {{first_name}} and {{fields.city}} in the preview, the sent messages and the conversation", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const g = await fieldGroup(api);

    const detail = await api.get(`/custom-groups/${g.id}`);
    const byPhone = new Map((detail.body.members as { phone: string; fields?: object }[]).map((m) => [m.phone, m]));
    expect(byPhone.get(g.ana)?.fields).toEqual({ city: "Campinas", loyalty_tier: "gold" });
    expect(byPhone.get(g.bob)?.fields).toBeUndefined();
    const csv = (await api.get(`/custom-groups/${g.id}/export/csv`)).text.split("\r\n");
    expect(csv[0]).toBe("phone,name,added_at,city,loyalty_tier");
    expect(csv.find((l) => l.startsWith(g.ana))).toMatch(/,Campinas,gold$/);
    const json = (await api.get(`/custom-groups/${g.id}/export/json`)).body as { phone: string; fields?: object }[];
    expect(json.find((m) => m.phone === g.ze)?.fields).toEqual({ city: "Recife" });

    const body = { session_id: s.id, custom_group_id: g.id, message_content: TEXT, ...fast };
    const preview = await api.post("/bulk-send/preview", body);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ recipients: 3, sample_matches: 3, fallback_count: 2, fields: ["city", "loyalty_tier"] });
    const texts = Object.fromEntries((preview.body.sample as { phone: string; text: string; fallbacks: number }[]).map((x) => [x.phone, x]));
    expect(texts[g.ana]).toMatchObject({ text: "Oi Ana, Campinas (Campinas)", fallbacks: 0 });
    expect(texts[g.bob]).toMatchObject({ text: "Oi Bob, sua cidade (?)", fallbacks: 2 });
    expect(texts[g.ze]).toMatchObject({ text: "Oi amigo, Recife (Recife)", fallbacks: 1 });
    // Any recipient can be looked at: by a search over name, number and fields, and by stepping.
    const found = await api.post("/bulk-send/preview", { ...body, sample_query: "recife" });
    expect(found.body).toMatchObject({ sample_matches: 1, sample: [{ phone: g.ze, text: "Oi amigo, Recife (Recife)" }] });
    const third = await api.post("/bulk-send/preview", { ...body, sample_offset: 2 });
    expect(third.body.sample).toHaveLength(1);
    expect(third.body.sample_offset).toBe(2);

    const job = await api.post("/bulk-send", { ...body, name: "Black Friday SP" });
    expect(job.status).toBe(201);
    expect(job.body.name).toBe("Black Friday SP");
    await waitJob(api, job.body.id, ["completed"]);
    const sent = Object.fromEntries((await outbox(s.id)).map((m) => [m.to, m.text]));
    expect(sent).toEqual({ [g.ana]: "Oi Ana, Campinas (Campinas)", [g.bob]: "Oi Bob, sua cidade (?)", [g.ze]: "Oi amigo, Recife (Recife)" });
    const listed = await api.get("/bulk-send");
    expect(listed.body.jobs).toEqual(expect.arrayContaining([expect.objectContaining({ id: job.body.id, name: "Black Friday SP" })]));
    const convo = await api.get(`/conversations/${encodeURIComponent(g.ana)}/messages`);
    expect(convo.status).toBe(200);
    expect(JSON.stringify(convo.body)).toContain("Oi Ana, Campinas (Campinas)");
    // Her conversation names the campaign that reached her (where a reply would be attributed).
    await api.post("/messages/send", { session_id: s.id, phone: g.ana, message: "and one more" });
    await waitFor(async () => ((await api.get("/conversations?status=all")).body.conversations as { phone: string }[]).some((c) => c.phone === g.ana), {
      what: "a listed conversation",
    });
    const listedConvo = ((await api.get("/conversations?status=all")).body.conversations as { phone: string; campaign_id: string | null }[]).find(
      (c) => c.phone === g.ana,
    );
    expect(listedConvo?.campaign_id).toBe(job.body.id);
  });

  it("in a group too big to count exactly, the preview searches and counts fallbacks over its first 10,000 members, not a few", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const numbers = phones(1500);
    const created = await api.post("/custom-groups", { name: "big" });
    for (let i = 0; i < numbers.length; i += 1000) {
      const contacts = numbers.slice(i, i + 1000).map((phone, k) => ({ phone, name: `M${i + k}`, ...(i + k === 1400 ? { fields: { city: "Recife" } } : {}) }));
      expect((await api.post(`/custom-groups/${created.body.id}/members/add`, { contacts })).status).toBe(200);
    }
    // Member 1,401 is the only one in Recife; member 1,402 opted out.
    expect((await api.post("/opt-outs", { phones: [numbers[1401]] })).body).toMatchObject({ added: 1 });
    const body = { session_id: s.id, custom_group_id: created.body.id, message_content: "Oi {{first_name}} de {{fields.city|sua cidade}}" };
    const found = (await api.post("/bulk-send/preview", { ...body, sample_query: "recife" })).body;
    expect(found).toMatchObject({
      counted_exactly: false,
      looked_through: 1500,
      sample_matches: 1,
      sample: [{ phone: numbers[1400], text: "Oi M1400 de Recife" }],
    });
    // Every reachable member but the one in Recife gets the fallback; the opted-out one is not a recipient.
    expect((await api.post("/bulk-send/preview", body)).body).toMatchObject({ sample_matches: 1499, fallback_count: 1498 });
    expect((await api.post("/bulk-send/preview", { ...body, sample_query: numbers[1401] })).body).toMatchObject({ sample_matches: 0 });
  });

  it("refuses malformed fields with a 400 that says what to change, and keeps groups per tenant", async () => {
    const { api } = await newTenant("business");
    const [p] = phones(1);
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, "x"]));
    const r1 = await api.post("/custom-groups", { name: "bad", members: [{ phone: p, fields: tooMany }] });
    expect(r1.status).toBe(400);
    expect(r1.text).toContain("at most 20 custom fields");
    const r2 = await api.post("/custom-groups", { name: "bad", members: [{ phone: p, fields: { city: 5 } }] });
    expect(r2.status).toBe(400);
    expect((await api.get("/custom-groups")).body.groups).toEqual([]);

    const g = await fieldGroup(api);
    const other = await newTenant("business");
    const s2 = await workingSession(other.api);
    const peek = await other.api.post("/bulk-send/preview", { session_id: s2.id, custom_group_id: g.id, message_content: TEXT, sample_query: "Campinas" });
    expect(peek.status).toBe(404);
    expect(peek.text).not.toContain('Campinas"');
  });

  it("names a scheduled message's runs after it and renders their fields", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const g = await fieldGroup(api);
    const at = new Date(Date.now() + 2000).toISOString();
    const created = await api.post("/scheduled-messages", {
      name: "Weekly Campinas",
      schedule_type: "one_time",
      scheduled_time: at,
      session_id: s.id,
      custom_group_id: g.id,
      message_content: TEXT,
      ...fast,
    });
    expect(created.status).toBe(201);
    const run = await waitFor(
      async () => {
        const r = (await api.get(`/scheduled-messages/${created.body.id}/history`)).body.executions[0];
        return r?.bulk_send_id ? r : undefined;
      },
      { timeoutMs: 15_000, what: "a run" },
    );
    const job = await waitJob(api, run.bulk_send_id, ["completed"]);
    expect(job.name).toBe("Weekly Campinas");
    expect((await outbox(s.id)).find((m) => m.to === g.ana)?.text).toBe("Oi Ana, Campinas (Campinas)");
  });

  it("renders the same fields through MCP: groups_add_members takes fields, bulk_send_preview shows them rendered", async () => {
    const { api, key } = await newTenant("business");
    const s = await workingSession(api);
    const group = await api.post("/custom-groups", { name: "mcp fields" });
    const [p] = phones(1) as [string];
    const mcp = new Client({ name: "outreach-e2e", version: "1.0.0" });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${inject("runtimeUrl")}/mcp`), { requestInit: { headers: { "X-API-Key": key } } }));
    const added = await mcp.callTool({
      name: "groups_add_members",
      arguments: { group_id: group.body.id, contacts: [{ phone: p, name: "Rita Lee", fields: { City: "Belo Horizonte" } }] },
    });
    expect(added.isError).not.toBe(true);
    const preview = await mcp.callTool({
      name: "bulk_send_preview",
      arguments: { session_id: s.id, custom_group_id: group.body.id, message_content: "Oi {{first_name}} de {{fields.city}}", name: "MCP run" },
    });
    expect((preview.structuredContent as { sample: { text: string }[] }).sample.map((x) => x.text)).toEqual(["Oi Rita de Belo Horizonte"]);
    await mcp.close();
  });
});
