import { describe, expect, inject, it } from "vitest";
import { createIds } from "../../packages/core/src/id";
import { PLANS } from "../../packages/core/src/plan";
import { systemClock } from "../../packages/core/src/port";
import { createKey, hashKey } from "../../packages/core/src/tenant";
import { client, newTenant, phones, sandbox, waitFor, workingSession } from "../helpers/api";

/** Issue 30: an account runs itself — its keys, its usage history, the plan table — as MoltFlow's admin.py expects. */
describe("self-service keys", () => {
  it("create → use → revoke → 401; the secret is shown once and stored hashed", async () => {
    const t = await newTenant("pro");
    const created = await t.api.post("/api-keys", { name: "ci", scopes: ["custom-groups:read", "usage:read"] });
    expect(created.status, created.text).toBe(201);
    const k = created.body;
    expect(k.key).toMatch(/^ok_/);
    expect(k.raw_key).toBe(k.key);
    expect(k).toMatchObject({ name: "ci", scopes: ["custom-groups:read", "usage:read"], expires_at: null, last_used_at: null, prefix: k.key.slice(0, 7) });

    const ci = client(inject("runtimeUrl"), k.key);
    expect((await ci.get("/custom-groups")).status).toBe(200);
    expect((await ci.post("/custom-groups", { name: "x" })).status).toBe(403);
    const me = await ci.get("/auth/me");
    expect(me.body).toMatchObject({ tenant: { id: t.tenantId, plan: "pro" }, key: { id: k.id, name: "ci", scopes: ["custom-groups:read", "usage:read"] } });

    // Listed without the secret; last_used_at now set (first use of the minute).
    const listed = await waitFor(async () => {
      const l = (await t.api.get("/api-keys")).body.api_keys as Record<string, unknown>[];
      const mine = l.find((x) => x.id === k.id);
      return mine?.last_used_at ? mine : undefined;
    });
    expect(Object.keys(listed).sort()).toEqual(["created_at", "expires_at", "id", "last_used_at", "name", "prefix", "scopes"]);
    expect(JSON.stringify((await t.api.get("/api-keys")).body)).not.toContain(k.key);
    const stored = await t.store.tenants.findKey(hashKey(k.key));
    expect(stored?.id).toBe(k.id);
    expect(JSON.stringify(stored)).not.toContain(k.key);

    // last_used_at is written at most once a minute: more requests leave it as it was.
    const first = listed.last_used_at;
    await ci.get("/custom-groups");
    await ci.get("/custom-groups");
    expect((await t.store.tenants.findKey(hashKey(k.key)))?.last_used_at).toBe(first);

    const del = await t.api.del(`/api-keys/${k.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ id: k.id, deleted: true });
    const after = await ci.get("/custom-groups");
    expect(after.status).toBe(401);
    expect(((await t.api.get("/api-keys")).body.api_keys as { id: string }[]).map((x) => x.id)).not.toContain(k.id);
    expect((await t.api.del(`/api-keys/${k.id}`)).status).toBe(404);
  });

  it("a narrower key cannot mint a wider one, nor revoke itself as the last manager", async () => {
    const t = await newTenant("pro");
    const narrow = (await t.api.post("/api-keys", { name: "narrow", scopes: ["settings:manage", "leads:read"] })).body;
    const n = client(inject("runtimeUrl"), narrow.key);
    const wider = await n.post("/api-keys", { name: "wider", scopes: ["leads:manage"] });
    expect(wider.status).toBe(403);
    expect(wider.body.error).toMatchObject({ code: "auth.scope_escalation", details: { scopes: ["leads:manage"] } });
    // Within its own scopes (manage implies read) it may.
    expect((await n.post("/api-keys", { name: "sub", scopes: ["leads:read", "settings:read"] })).status).toBe(201);
    // Unknown scopes and empty names are 400 with the field named.
    const bad = await n.post("/api-keys", { name: "", scopes: ["root"] });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/name|scopes/);

    // The only other manager is the test key (all scopes): narrow may revoke itself; then the full key may not.
    const self = await n.del(`/api-keys/${narrow.id}`);
    expect(self.status).toBe(200);
    const full = ((await t.api.get("/auth/me")).body.key as { id: string }).id;
    const last = await t.api.del(`/api-keys/${full}`);
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe("api_key.last_manager");
    // A key without settings:manage can neither list nor create.
    const reader = (await t.api.post("/api-keys", { name: "r", scopes: ["leads:read"] })).body.key as string;
    expect((await client(inject("runtimeUrl"), reader).get("/api-keys")).status).toBe(403);
  });

  it("honours expiry, and the plan caps live keys (revoking gives the place back)", async () => {
    const t = await newTenant("free");
    const deps = { store: t.store, ids: createIds(), clock: systemClock };
    // An expired key (expiry in the past, written directly: the API only takes whole days ahead).
    const { key: old, record } = await createKey(deps, { tenantId: t.tenantId, name: "old", expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect((await client(inject("runtimeUrl"), old).get("/usage/current")).status).toBe(401);

    // Free: 2 keys; the test key and the expired one hold both places (expired keys count until deleted).
    const refused = await t.api.post("/api-keys", { name: "one too many", scopes: ["usage:read"] });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "plan.api_key_limit", details: { limit: PLANS.free.api_keys } });
    expect((await t.api.del(`/api-keys/${record.id}`)).status).toBe(200);

    const expiring = await t.api.post("/api-keys", { name: "week", scopes: ["usage:read"], expires_in_days: 7 });
    expect(expiring.status, expiring.text).toBe(201);
    expect(Date.parse(expiring.body.expires_at) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect((await client(inject("runtimeUrl"), expiring.body.key).get("/usage/daily?days=1")).status).toBe(200);
    expect((await t.api.post("/api-keys", { name: "no room", scopes: ["usage:read"] })).status).toBe(403);
  });

  it("forty parallel creates on a cap of two make at most the room left", async () => {
    const t = await newTenant("free");
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => t.api.post("/api-keys", { name: `k${i}`, scopes: ["usage:read"] })));
    const made = results.filter((r) => r.status === 201).length;
    expect(results.every((r) => r.status === 201 || r.status === 403)).toBe(true);
    // The test key was made by the admin path and counted: one place is left on free (2).
    expect(made).toBe((PLANS.free.api_keys as number) - 1);
  });
});

describe("usage history and plans (MoltFlow admin.py)", () => {
  it("GET /billing/plans needs no key and is the enforced plan table", async () => {
    const res = await sandbox().get("/api/v2/billing/plans");
    expect(res.status).toBe(200);
    const free = (res.body.plans as { id: string; limits: Record<string, unknown>; features: string[] }[]).find((p) => p.id === "free");
    expect(free?.limits).toMatchObject({ messages_per_month: PLANS.free.messages_per_month, sessions: PLANS.free.sessions, monitored_groups: 2, webhooks: 1 });
    expect(free?.features).not.toContain("bulk_send");
    expect(res.body.plans.map((p: { id: string }) => p.id)).toEqual(Object.keys(PLANS));
  });

  it("history and daily count sends, inbound messages, API calls and leads from the counters", async () => {
    const t = await newTenant("business");
    const s = await workingSession(t.api);
    const [p] = phones(1) as [string];
    await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: p, text: "hello" });
    await t.api.post("/messages/send", { session_id: s.id, phone: p, message: "hi" });
    const today = new Date().toISOString().slice(0, 10);
    const day = await waitFor(async () => {
      const d = (await t.api.get("/usage/daily")).body.days as Record<string, number | string>[];
      const last = d[d.length - 1];
      return d.length === 30 && last?.date === today && last.messages_sent === 1 && last.messages_received === 1 ? last : undefined;
    });
    expect(day.api_calls).toBeGreaterThan(1);
    const h = await t.api.get("/usage/history?months=6");
    expect(h.status).toBe(200);
    expect(h.body.history).toHaveLength(6);
    const month = h.body.history[5];
    expect(month).toMatchObject({ period: today.slice(0, 7), messages_sent: 1, messages_received: 1, total_messages: 1, limit_messages: 3000 });
    expect(month.api_calls).toBeGreaterThan(1);
    expect(h.body.history[0].period < month.period).toBe(true);
    expect((await t.api.get("/usage/history?months=25")).status).toBe(400);
    expect((await t.api.get("/usage/daily?days=0")).status).toBe(400);

    const sub = await t.api.get("/billing/subscription");
    expect(sub.body).toMatchObject({ plan: "business", period: today.slice(0, 7), usage: { sessions: 1, messages_per_month: 1 }, limits: { sessions: 10 } });
  });
});
