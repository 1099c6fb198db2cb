import { describe, expect, inject, it } from "vitest";
import { createIds } from "../../packages/core/src/id";
import { systemClock } from "../../packages/core/src/port";
import { createKey, hasScope, SCOPES, type Scope } from "../../packages/core/src/tenant";
import { client, groupWith, newTenant, phones, sandbox, waitFor, waitJob, workingSession } from "../helpers/api";
import { NOT_2XX, TABLE } from "../helpers/scope-table";

describe("scopes mean what they say", () => {
  it("answers 2xx exactly where the scope table allows a single-scope key, and 403 auth.scope_missing elsewhere, on every route", async () => {
    const t = await newTenant("unlimited");
    const full = t.api;
    const deps = { store: t.store, ids: createIds(), clock: systemClock };
    const keys = new Map<Scope, ReturnType<typeof client>>();
    for (const s of SCOPES) keys.set(s, client(inject("runtimeUrl"), (await createKey(deps, { tenantId: t.tenantId, name: s, scopes: [s] })).key));

    // Fixtures, made with the full key; state-changing calls get fresh ones each.
    const session = await workingSession(full);
    const group = await groupWith(full, 2);
    const slow = { min_delay_seconds: 600, max_delay_seconds: 900 };
    const job = await full.post("/bulk-send", {
      session_id: session.id,
      custom_group_id: group.id,
      message_content: "x",
      min_delay_seconds: 0,
      max_delay_seconds: 0,
    });
    await waitJob(full, job.body.id, ["completed"]);
    const schedule = (extra: object = {}) =>
      full.post("/scheduled-messages", {
        name: "s",
        session_id: session.id,
        custom_group_id: group.id,
        message_content: "x",
        schedule_type: "daily",
        time_of_day: "09:00",
        ...extra,
      });
    const sched = (await schedule()).body.id as string;
    const report = async () =>
      (await full.post("/reports", { name: "r", template_id: "usage_plan", schedule_type: "daily", time_of_day: "09:00" })).body.id as string;
    const rpt = await report();
    const exe = (await full.post(`/reports/${rpt}/run`)).body.id as string;
    await sandbox().post("/sandbox/api/wa-groups", {
      session_id: session.id,
      wa_group_id: "120363000000000001@g.us",
      name: "wa",
      participants: [{ phone: phones(1)[0] }],
    });
    // A contact who wrote to the session, and a message sent to them.
    const [contact] = phones(1) as [string];
    await sandbox().post("/sandbox/api/inbound", { session_id: session.id, from: contact, text: "hello" });
    const msg = (await full.post("/messages/send", { session_id: session.id, phone: contact, message: "hi" })).body.id as string;
    // A webhook (its URL's name never resolves: `.invalid`) and the delivery of its test.
    const webhook = async () =>
      (await full.post("/webhooks", { name: "w", url: "https://hooks.invalid/outreach", events: ["message.sent"] })).body.id as string;
    const wh = await webhook();
    const dlv = (await full.post(`/webhooks/${wh}/test`)).body.delivery.id as string;
    const runningJob = async () => {
      const g = await groupWith(full, 2);
      return (await full.post("/bulk-send", { session_id: session.id, custom_group_id: g.id, message_content: "x", ...slow })).body.id as string;
    };
    const failedJob = async () => {
      const s = await workingSession(full, "faulty");
      const g = await groupWith(full, 1);
      await sandbox().post("/sandbox/api/faults", { session_id: s.id, fail_next: 1, error: "permanent" });
      const j = (await full.post("/bulk-send", { session_id: s.id, custom_group_id: g.id, message_content: "x", min_delay_seconds: 0, max_delay_seconds: 0 }))
        .body.id;
      await waitJob(full, j, ["completed"]);
      return j as string;
    };

    // A monitored group (the WhatsApp group above), a lead from a keyword match in it, a collector and a review.
    let waSeq = 10;
    const waGroup = async () => {
      const wa = `1203630000000000${waSeq++}@g.us`;
      await sandbox().post("/sandbox/api/wa-groups", { session_id: session.id, wa_group_id: wa, name: "wa", participants: [] });
      return wa;
    };
    const monitored = async () => (await full.post("/groups", { session_id: session.id, wa_group_id: await waGroup(), monitor_mode: "all" })).body.id as string;
    const mon = (
      await full.post("/groups", { session_id: session.id, wa_group_id: "120363000000000001@g.us", monitor_mode: "keywords", monitor_keywords: ["price"] })
    ).body.id as string;
    await sandbox().post("/sandbox/api/inbound", { session_id: session.id, from: phones(1)[0], text: "price?", wa_group_id: "120363000000000001@g.us" });
    const lead = await waitFor(async () => (await full.get("/leads")).body.leads?.[0]?.id as string | undefined, { what: "a lead" });
    const collector = async () => (await full.post("/reviews/collectors", { name: "c", session_id: session.id })).body.id as string;
    const col = await collector();
    const review = async () => {
      const before = new Set(((await full.get("/reviews?limit=200")).body.reviews as { id: string }[]).map((r) => r.id));
      await sandbox().post("/sandbox/api/inbound", {
        session_id: session.id,
        from: phones(1)[0],
        text: "Amazing product, great quality and fantastic support. Thank you so much, best purchase this year!",
      });
      return waitFor(async () => ((await full.get("/reviews?limit=200")).body.reviews as { id: string }[]).find((r) => !before.has(r.id))?.id, {
        what: "a review",
      });
    };
    const rev = await review();

    const keyToRevoke = (await full.post("/api-keys", { name: "refused revoke", scopes: ["leads:read"] })).body.id as string;
    type Call = [string, unknown?];
    const CALLS: Record<string, () => Promise<Call>> = {
      "GET /usage/current": async () => ["/usage/current"],
      "GET /usage/history": async () => ["/usage/history?months=2"],
      "GET /usage/daily": async () => ["/usage/daily?days=3"],
      "GET /billing/plans": async () => ["/billing/plans"],
      "GET /billing/subscription": async () => ["/billing/subscription"],
      "GET /auth/me": async () => ["/auth/me"],
      "GET /api-keys": async () => ["/api-keys"],
      // Within the single-scope key's own scopes (manage implies read): never wider than the caller.
      "POST /api-keys": async () => ["/api-keys", { name: "made by a key", scopes: ["settings:read"] }],
      "DELETE /api-keys/{id}": async () => [`/api-keys/${(await full.post("/api-keys", { name: "to revoke", scopes: ["leads:read"] })).body.id}`],
      "GET /sessions": async () => ["/sessions"],
      "POST /sessions": async () => ["/sessions", { name: "new" }],
      "GET /sessions/{id}": async () => [`/sessions/${session.id}`],
      "PATCH /sessions/{id}": async () => [`/sessions/${session.id}`, { name: "renamed" }],
      "DELETE /sessions/{id}": async () => [`/sessions/${(await full.post("/sessions", { name: "gone" })).body.id}`],
      "GET /sessions/{id}/qr": async () => [`/sessions/${session.id}/qr`],
      "POST /sessions/{id}/pairing-code": async () => [`/sessions/${session.id}/pairing-code`, { phone: "+5511999912345" }],
      "GET /custom-groups": async () => ["/custom-groups"],
      "POST /custom-groups": async () => ["/custom-groups", { name: "new" }],
      "GET /custom-groups/contacts": async () => ["/custom-groups/contacts"],
      "GET /custom-groups/wa-groups": async () => ["/custom-groups/wa-groups"],
      "POST /custom-groups/from-wa-groups": async () => [
        "/custom-groups/from-wa-groups",
        { name: "from wa", wa_groups: [{ session_id: session.id, wa_group_id: "120363000000000001@g.us" }] },
      ],
      "GET /custom-groups/{id}": async () => [`/custom-groups/${group.id}`],
      "PATCH /custom-groups/{id}": async () => [`/custom-groups/${group.id}`, { name: "renamed" }],
      "DELETE /custom-groups/{id}": async () => [`/custom-groups/${(await groupWith(full, 1)).id}`],
      "POST /custom-groups/{id}/members/add": async () => [`/custom-groups/${group.id}/members/add`, { contacts: [{ phone: phones(1)[0] }] }],
      "POST /custom-groups/{id}/members/remove": async () => [`/custom-groups/${group.id}/members/remove`, { phones: [phones(1)[0]] }],
      "GET /custom-groups/{id}/export/csv": async () => [`/custom-groups/${group.id}/export/csv`],
      "GET /custom-groups/{id}/export/json": async () => [`/custom-groups/${group.id}/export/json`],
      "POST /bulk-send": async () => ["/bulk-send", { session_id: session.id, custom_group_id: (await groupWith(full, 1)).id, message_content: "x", ...slow }],
      "POST /bulk-send/preview": async () => ["/bulk-send/preview", { session_id: session.id, custom_group_id: group.id, message_content: "x" }],
      "GET /bulk-send": async () => ["/bulk-send"],
      "GET /bulk-send/{id}": async () => [`/bulk-send/${job.body.id}`],
      "GET /bulk-send/{id}/recipients": async () => [`/bulk-send/${job.body.id}/recipients`],
      "POST /bulk-send/{id}/pause": async () => [`/bulk-send/${await runningJob()}/pause`],
      "POST /bulk-send/{id}/resume": async () => {
        const j = await runningJob();
        await full.post(`/bulk-send/${j}/pause`);
        return [`/bulk-send/${j}/resume`];
      },
      "POST /bulk-send/{id}/cancel": async () => [`/bulk-send/${await runningJob()}/cancel`],
      "POST /bulk-send/{id}/retry-failed": async () => [`/bulk-send/${await failedJob()}/retry-failed`],
      "GET /bulk-send/{id}/progress": async () => [`/bulk-send/${job.body.id}/progress`],
      "GET /opt-outs": async () => ["/opt-outs"],
      "POST /opt-outs": async () => ["/opt-outs", { phones: phones(1) }],
      "DELETE /opt-outs/{phone}": async () => {
        const [p] = phones(1);
        await full.post("/opt-outs", { phones: [p] });
        return [`/opt-outs/${encodeURIComponent(p as string)}`];
      },
      "POST /scheduled-messages": async () => [
        "/scheduled-messages",
        { name: "s", session_id: session.id, custom_group_id: group.id, message_content: "x", schedule_type: "daily", time_of_day: "09:00" },
      ],
      "GET /scheduled-messages": async () => ["/scheduled-messages"],
      "GET /scheduled-messages/{id}": async () => [`/scheduled-messages/${sched}`],
      "PATCH /scheduled-messages/{id}": async () => [`/scheduled-messages/${sched}`, { name: "renamed" }],
      "DELETE /scheduled-messages/{id}": async () => {
        const id = (await schedule()).body.id;
        await full.post(`/scheduled-messages/${id}/cancel`);
        return [`/scheduled-messages/${id}`];
      },
      "POST /scheduled-messages/{id}/pause": async () => [`/scheduled-messages/${(await schedule()).body.id}/pause`],
      "POST /scheduled-messages/{id}/resume": async () => {
        const id = (await schedule()).body.id;
        await full.post(`/scheduled-messages/${id}/pause`);
        return [`/scheduled-messages/${id}/resume`];
      },
      "POST /scheduled-messages/{id}/cancel": async () => [`/scheduled-messages/${(await schedule()).body.id}/cancel`],
      "GET /scheduled-messages/{id}/history": async () => [`/scheduled-messages/${sched}/history`],
      "GET /scheduled-messages/preview": async () => ["/scheduled-messages/preview?schedule_type=daily&time_of_day=09:00&timezone=Asia/Shanghai"],
      "GET /reports/templates": async () => ["/reports/templates"],
      "POST /reports": async () => ["/reports", { name: "r", template_id: "usage_plan", schedule_type: "daily", time_of_day: "09:00" }],
      "GET /reports": async () => ["/reports"],
      "GET /reports/{id}": async () => [`/reports/${rpt}`],
      "PATCH /reports/{id}": async () => [`/reports/${rpt}`, { name: "renamed" }],
      "DELETE /reports/{id}": async () => [`/reports/${await report()}`],
      "POST /reports/{id}/pause": async () => [`/reports/${await report()}/pause`],
      "POST /reports/{id}/resume": async () => {
        const id = await report();
        await full.post(`/reports/${id}/pause`);
        return [`/reports/${id}/resume`];
      },
      "POST /reports/{id}/run": async () => [`/reports/${rpt}/run`],
      "POST /reports/run": async () => ["/reports/run", { template_id: "usage_plan", period: "last_day" }],
      "GET /reports/{id}/history": async () => [`/reports/${rpt}/history`],
      "GET /reports/{id}/history/{execution_id}": async () => [`/reports/${rpt}/history/${exe}`],
      "POST /messages/send": async () => ["/messages/send", { session_id: session.id, phone: contact, message: "again" }],
      "GET /messages/{id}": async () => [`/messages/${msg}`],
      "GET /conversations": async () => ["/conversations"],
      "GET /conversations/changes": async () => ["/conversations/changes"],
      "GET /conversations/{phone}/messages": async () => [`/conversations/${encodeURIComponent(contact)}/messages`],
      "GET /webhooks": async () => ["/webhooks"],
      "POST /webhooks": async () => ["/webhooks", { name: "w", url: "https://hooks.invalid/new", events: ["message.read"] }],
      "GET /webhooks/{id}": async () => [`/webhooks/${wh}`],
      "PATCH /webhooks/{id}": async () => [`/webhooks/${wh}`, { name: "renamed" }],
      "DELETE /webhooks/{id}": async () => [`/webhooks/${await webhook()}`],
      "POST /webhooks/{id}/test": async () => [`/webhooks/${wh}/test`],
      "GET /webhooks/{id}/deliveries": async () => [`/webhooks/${wh}/deliveries`],
      "POST /webhooks/{id}/deliveries/{delivery_id}/retry": async () => [`/webhooks/${wh}/deliveries/${dlv}/retry`],
      "GET /groups": async () => ["/groups"],
      "POST /groups": async () => ["/groups", { session_id: session.id, wa_group_id: await waGroup(), monitor_mode: "all" }],
      "GET /groups/available/{session_id}": async () => [`/groups/available/${session.id}`],
      "GET /groups/{id}": async () => [`/groups/${mon}`],
      "PATCH /groups/{id}": async () => [`/groups/${mon}`, { name: "renamed" }],
      "DELETE /groups/{id}": async () => [`/groups/${await monitored()}`],
      "GET /groups/{id}/messages": async () => [`/groups/${mon}/messages?matched=true`],
      "GET /leads": async () => ["/leads"],
      "GET /leads/export/csv": async () => ["/leads/export/csv"],
      "GET /leads/export/json": async () => ["/leads/export/json"],
      "POST /leads/bulk/status": async () => ["/leads/bulk/status", { lead_ids: [lead], status: "contacted" }],
      "POST /leads/bulk/add-to-group": async () => ["/leads/bulk/add-to-group", { lead_ids: [lead], custom_group_id: group.id }],
      "GET /leads/{id}": async () => [`/leads/${lead}`],
      "PATCH /leads/{id}/status": async () => [`/leads/${lead}/status`, { status: "qualified" }],
      "GET /reviews/collectors": async () => ["/reviews/collectors"],
      "POST /reviews/collectors": async () => ["/reviews/collectors", { name: "new", session_id: session.id }],
      "GET /reviews/collectors/{id}": async () => [`/reviews/collectors/${col}`],
      "PATCH /reviews/collectors/{id}": async () => [`/reviews/collectors/${col}`, { name: "renamed" }],
      "DELETE /reviews/collectors/{id}": async () => [`/reviews/collectors/${await collector()}`],
      "POST /reviews/collectors/{id}/run": async () => [`/reviews/collectors/${col}/run`],
      "GET /reviews/stats": async () => ["/reviews/stats"],
      "GET /reviews/testimonials/export": async () => ["/reviews/testimonials/export?format=html"],
      "GET /reviews": async () => ["/reviews"],
      "GET /reviews/{id}": async () => [`/reviews/${rev}`],
      "PATCH /reviews/{id}": async () => [`/reviews/${rev}`, { is_approved: true }],
      "DELETE /reviews/{id}": async () => [`/reviews/${await review()}`],
    };

    // The table covers the OpenAPI document exactly: a new route must say what it needs.
    const doc = (await sandbox().get("/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(Object.keys(TABLE).sort());
    expect(Object.keys(CALLS).sort()).toEqual(Object.keys(TABLE).sort());

    // A refused call needs no fresh fixture: the scope is checked before anything is read or changed.
    const refused = async (route: string): Promise<Call> => {
      const [, path] = route.split(" ") as [string, string];
      const concrete = path
        .replace("/sessions/{id}", `/sessions/${session.id}`)
        .replace("/custom-groups/{id}", `/custom-groups/${group.id}`)
        .replace("/bulk-send/{id}", `/bulk-send/${job.body.id}`)
        .replace("/scheduled-messages/{id}", `/scheduled-messages/${sched}`)
        .replace("/reports/{id}", `/reports/${rpt}`)
        .replace("/messages/{id}", `/messages/${msg}`)
        .replace("/webhooks/{id}", `/webhooks/${wh}`)
        .replace("/groups/{id}", `/groups/${mon}`)
        .replace("{session_id}", session.id)
        .replace("/leads/{id}", `/leads/${lead}`)
        .replace("/reviews/collectors/{id}", `/reviews/collectors/${col}`)
        .replace("/reviews/{id}", `/reviews/${rev}`)
        .replace("/api-keys/{id}", `/api-keys/${keyToRevoke}`)
        .replace("{delivery_id}", dlv)
        .replace("{execution_id}", exe)
        .replace("{phone}", encodeURIComponent(phones(1)[0] as string));
      return [concrete];
    };

    // Four routes at a time (each route's allowed calls one by one, on their own fixtures): no two routes
    // share a fixture they change in a way the other's answer depends on.
    const check = async (route: string) => {
      const method = route.split(" ")[0] as string;
      const required = TABLE[route] as Scope[];
      const call = async (scope: Scope, [path, body]: Call) =>
        (keys.get(scope) as ReturnType<typeof client>).raw(method, path, body ?? (method === "POST" || method === "PATCH" ? {} : undefined));
      const allowedTo = SCOPES.filter((scope) => required.every((r) => hasScope([scope], r)));
      // Refusals change nothing, so the other scopes' calls go at once; allowed calls one by one, each on its own fixture.
      await Promise.all(
        SCOPES.filter((scope) => !allowedTo.includes(scope)).map(async (scope) => {
          const res = await call(scope, await refused(route));
          expect(res.status, `${route} with ${scope}`).toBe(403);
          expect(res.body?.error?.code, `${route} with ${scope}`).toBe("auth.scope_missing");
        }),
      );
      for (const scope of allowedTo) {
        const res = await call(scope, await (CALLS[route] as () => Promise<Call>)());
        if (NOT_2XX[route]) expect(res.status, `${route} with ${scope}`).toBe(NOT_2XX[route]);
        else expect([200, 201, 202, 204], `${route} with ${scope}: ${res.status} ${res.text}`).toContain(res.status);
      }
    };
    const queue = [...routes];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let route = queue.shift(); route; route = queue.shift()) await check(route);
      }),
    );
  }, 240_000);
});
