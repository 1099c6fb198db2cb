import { describe, expect, it } from "vitest";
import { groupWith, newTenant, sandbox, waitFor, waitJob, workingSession } from "../helpers/api";

/** Minimal valid bodies, so a refusal can only come from ownership, never from validation. */
const BODIES: Record<string, unknown> = {
  "PATCH /custom-groups/{id}": { name: "taken over" },
  "POST /custom-groups/{id}/members/add": { contacts: [{ phone: "+5511999912345" }] },
  "POST /custom-groups/{id}/members/remove": { phones: ["+5511999912345"] },
  "POST /sessions/{id}/pairing-code": { phone: "+5511999912345" },
  "PATCH /sessions/{id}": { name: "taken over" },
  "PATCH /scheduled-messages/{id}": { name: "taken over" },
  "PATCH /reports/{id}": { name: "taken over" },
  "PATCH /webhooks/{id}": { name: "taken over" },
  "PATCH /groups/{id}": { name: "taken over" },
  "PATCH /leads/{id}/status": { status: "lost" },
  "PATCH /reviews/collectors/{id}": { name: "taken over" },
  "PATCH /reviews/{id}": { is_hidden: true },
};

describe("tenant isolation", () => {
  it("answers 404 to another tenant on every route with an id (from the OpenAPI document) and changes nothing", async () => {
    const a = await newTenant("business");
    const b = await newTenant("business");
    const session = await workingSession(a.api);
    const g = await groupWith(a.api, 3);
    const job = await a.api.post("/bulk-send", {
      session_id: session.id,
      custom_group_id: g.id,
      message_content: "x",
      min_delay_seconds: 0,
      max_delay_seconds: 0,
    });
    await waitJob(a.api, job.body.id, ["completed"]);
    // Receipts keep changing the job for ~2 s after its last send; compare snapshots once they settled.
    await waitFor(async () => (await a.api.get(`/bulk-send/${job.body.id}`)).body.read_count === 3, { what: "receipts settled" });
    const sched = await a.api.post("/scheduled-messages", {
      name: "s",
      session_id: session.id,
      custom_group_id: g.id,
      message_content: "x",
      schedule_type: "daily",
      time_of_day: "09:00",
    });
    const report = await a.api.post("/reports", { name: "r", template_id: "usage_plan", schedule_type: "daily", time_of_day: "09:00" });
    const exe = await a.api.post(`/reports/${report.body.id}/run`);
    // A conversation: a contact wrote, and got an answer.
    const contact = g.phones[0] as string;
    await sandbox().post("/sandbox/api/inbound", { session_id: session.id, from: contact, text: "a question" });
    const msg = await a.api.post("/messages/send", { session_id: session.id, phone: contact, message: "an answer" });
    await waitFor(async () => (await a.api.get(`/messages/${msg.body.id}`)).body.status === "read", { what: "the answer read" });
    const hook = await a.api.post("/webhooks", { name: "w", url: "https://hooks.invalid/a", events: ["message.sent"] });
    const delivery = (await a.api.post(`/webhooks/${hook.body.id}/test`)).body.delivery.id as string;
    // A monitored group with a lead from a keyword match, a review collector and a review.
    const wa = `1203639${Math.floor(Math.random() * 1e9)}@g.us`;
    await sandbox().post("/sandbox/api/wa-groups", { session_id: session.id, wa_group_id: wa, name: "wa", participants: [] });
    const mon = (await a.api.post("/groups", { session_id: session.id, wa_group_id: wa, monitor_mode: "keywords", monitor_keywords: ["price"] })).body
      .id as string;
    await sandbox().post("/sandbox/api/inbound", { session_id: session.id, from: g.phones[1], text: "price?", wa_group_id: wa });
    const lead = await waitFor(async () => (await a.api.get("/leads")).body.leads?.[0]?.id as string | undefined, { what: "a lead" });
    const col = (await a.api.post("/reviews/collectors", { name: "c", session_id: session.id })).body.id as string;
    await sandbox().post("/sandbox/api/inbound", {
      session_id: session.id,
      from: g.phones[2],
      text: "Amazing product, great quality and fantastic support. Thank you so much, best purchase this year!",
    });
    const rev = await waitFor(async () => (await a.api.get("/reviews")).body.reviews?.[0]?.id as string | undefined, { what: "a review" });
    const apiKey = (await a.api.post("/api-keys", { name: "a's", scopes: ["leads:read"] })).body.id as string;
    const ids: Record<string, string> = {
      "api-keys": apiKey,
      groups: mon,
      leads: lead,
      reviews: rev,
      "custom-groups": g.id,
      "bulk-send": job.body.id,
      "scheduled-messages": sched.body.id,
      reports: report.body.id,
      sessions: session.id,
      messages: msg.body.id,
      webhooks: hook.body.id,
    };
    const doc = (await sandbox().get("/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    const snapshot = async () =>
      JSON.stringify(
        await Promise.all(
          [
            a.api.get(`/custom-groups/${g.id}`),
            a.api.get(`/bulk-send/${job.body.id}`),
            a.api.get(`/scheduled-messages/${sched.body.id}`),
            a.api.get(`/reports/${report.body.id}`),
            a.api.get(`/sessions/${session.id}`),
            a.api.get(`/messages/${msg.body.id}`),
            a.api.get("/conversations"),
            a.api.get(`/conversations/${encodeURIComponent(contact)}/messages`),
            a.api.get(`/webhooks/${hook.body.id}`),
            a.api.get(`/webhooks/${hook.body.id}/deliveries`),
            a.api.get(`/groups/${mon}`),
            a.api.get(`/groups/${mon}/messages`),
            a.api.get(`/leads/${lead}`),
            a.api.get(`/reviews/collectors/${col}`),
            a.api.get(`/reviews/${rev}`),
            a.api.get("/api-keys"),
          ].map(async (p) => (await p).body),
        ),
      );
    const before = await snapshot();
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      // Opt-outs are per number, not owned records: another tenant may well have the same number opted out.
      if (!path.includes("{id}") && !path.includes("{session_id}") && !(path.includes("{phone}") && !path.startsWith("/opt-outs"))) continue;
      const resource = path.split("/")[1] as string;
      const concrete = path
        .replace("{id}", path.startsWith("/reviews/collectors/") ? col : (ids[resource] as string))
        .replace("{session_id}", session.id)
        .replace("{execution_id}", exe.body.id)
        .replace("{delivery_id}", delivery)
        .replace("{phone}", encodeURIComponent(contact));
      for (const method of Object.keys(ops)) {
        const key = `${method.toUpperCase()} ${path}`;
        const body = BODIES[key] ?? (method === "post" || method === "patch" ? {} : undefined);
        const res = await b.api.raw(method.toUpperCase(), concrete, body);
        expect(res.status, key).toBe(404);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(25);
    expect(await snapshot()).toBe(before);

    // Lists and exports never show another tenant's data.
    for (const [path, field] of [
      ["/custom-groups", "groups"],
      ["/bulk-send", "jobs"],
      ["/scheduled-messages", "messages"],
      ["/reports", "reports"],
      ["/custom-groups/contacts", "contacts"],
      ["/custom-groups/wa-groups", "wa_groups"],
      ["/opt-outs", "opt_outs"],
      ["/conversations", "conversations"],
      ["/webhooks", "webhooks"],
      ["/groups", "groups"],
      ["/leads", "leads"],
      ["/reviews", "reviews"],
      ["/reviews/collectors", "collectors"],
    ] as const) {
      expect((await b.api.get(path)).body[field], path).toEqual([]);
    }
    expect((await b.api.get("/sessions")).body).toEqual([]);
    expect((await b.api.get("/usage/current")).body).toMatchObject({ total_messages: 0, custom_groups: 0, reports: 0, messages_received: 0 });
    // Keys and usage history are the account's own: b sees its one key and none of a's activity.
    expect(((await b.api.get("/api-keys")).body.api_keys as { id: string }[]).map((k) => k.id)).toEqual([(await b.api.get("/auth/me")).body.key.id]);
    for (const m of (await b.api.get("/usage/history")).body.history) expect(m).toMatchObject({ messages_sent: 0, messages_received: 0, leads_detected: 0 });
    for (const d of (await b.api.get("/usage/daily")).body.days) expect(d).toMatchObject({ messages_sent: 0, messages_received: 0, leads_detected: 0 });
    expect((await b.api.get("/billing/subscription")).body.usage).toMatchObject({ sessions: 0, monitored_groups: 0, api_keys: 1 });
  });
});
