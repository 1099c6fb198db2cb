import { randomBytes } from "node:crypto";
import { createSqsClient, createSqsQueue, ensureQueues } from "@outreach/aws/sqs";
import { createDb, createStore, ensureTable } from "@outreach/aws/store";
import { createIds } from "@outreach/core/id";
import { systemClock } from "@outreach/core/port";
import { Scheduled } from "@outreach/core/schedule";
import { createKey, createTenant } from "@outreach/core/tenant";
import { createLogger } from "@outreach/log";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { sessionRecord } from "../../../../test/helpers/records";
import { createApp } from "../app";
import { MAX_BATCH } from ".";

/** Issue 29: MCP's side doors, through app.request on DynamoDB Local and the local SQS server. */
const logger = createLogger({ level: "silent" });
const noTimers = { arm: async () => {}, disarm: async () => {} };
const frozen = () => {
  const at = Math.floor(Date.now() / 1000) * 1000 + 500;
  return { ...systemClock, now: () => at };
};

const setup = async (config: { rateLimitPerSecond: number; unauthenticatedPerMinute?: number }, clock = systemClock) => {
  const db = createDb({ table: `mcp-${randomBytes(4).toString("hex")}`, endpoint: inject("dynamoEndpoint") });
  await ensureTable(db);
  const client = createSqsClient({ endpoint: inject("sqsEndpoint") });
  const queue = createSqsQueue({ client, urls: await ensureQueues(client, `m${randomBytes(3).toString("hex")}`) });
  const deps = { store: createStore(db), queue, clock, ids: createIds(), timers: noTimers };
  const app = createApp({ ...deps, logger, config: { transport: "sandbox", ...config } });
  const t = await createTenant(deps, { name: "agent", plan: "business" });
  const { key } = await createKey(deps, { tenantId: t.id, name: "agent", agentMaxRecipients: 3 });
  const sessionId = deps.ids.next("ses");
  await deps.store.sessions.create(sessionRecord({ id: sessionId, tenant_id: t.id, status: "working", desired: "running", phone: "+5511900000000" }), null);
  const http = (method: string, path: string, body?: unknown, k = key) =>
    app.request(`/api/v2${path}`, {
      method,
      headers: { "X-API-Key": k, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const rpc = async (body: unknown, k = key) => {
    const res = await app.request("/mcp", {
      method: "POST",
      headers: { "X-API-Key": k, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  let id = 0;
  const call = async (name: string, args: object) => {
    const r = await rpc({ jsonrpc: "2.0", id: ++id, method: "tools/call", params: { name, arguments: args } });
    return { isError: r.body.result?.isError === true, out: r.body.result?.structuredContent, status: r.status };
  };
  return { deps, app, tenantId: t.id, key, sessionId, http, rpc, call };
};

const members = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ phone: `+5511987${String(from + i).padStart(6, "0")}` }));

describe("MCP tools that can send go through preview-then-confirm, and the agent's cap holds at every run", () => {
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup({ rateLimitPerSecond: 0 });
  });

  it("scheduled_create without a token creates nothing; with it, a run whose group grew past agent_max_recipients is skipped with the reason", async () => {
    const g = (await (await s.http("POST", "/custom-groups", { name: "one", members: members(1) })).json()) as { id: string };
    const args = {
      name: "daily",
      session_id: s.sessionId,
      custom_group_id: g.id,
      message_content: "hi",
      schedule_type: "daily",
      time_of_day: "09:00",
      timezone: "UTC",
    };
    const preview = await s.call("scheduled_create", args);
    expect(preview.out).toMatchObject({ confirmed: false, recipients: 1, can_proceed: true });
    expect(((await (await s.http("GET", "/scheduled-messages")).json()) as { messages: unknown[] }).messages).toHaveLength(0);
    const created = await s.call("scheduled_create", { ...args, confirmation_token: preview.out.confirmation_token });
    expect(created.out).toMatchObject({ confirmed: true, status: "active" });
    // The group grows to 6 afterwards: the run is skipped, and no bulk send is created.
    await s.http("POST", `/custom-groups/${g.id}/members/add`, { contacts: members(5, 100) });
    const runAt = created.out.next_run_at as string;
    // The timer fires at the run time (the clock of this call stands there).
    await Scheduled.fire({ ...s.deps, clock: { ...systemClock, now: () => Date.parse(runAt) } } as never, s.tenantId, created.out.id, runAt);
    const runs = await s.deps.store.scheduleRuns.list(created.out.id, { limit: 5 });
    expect(runs.items[0]).toMatchObject({ status: "skipped", bulk_send_id: null, error: expect.stringMatching(/6 recipients.*at most 3/) });
    expect(((await (await s.http("GET", "/bulk-send")).json()) as { jobs: unknown[] }).jobs).toHaveLength(0);
  });

  it("scheduled_resume checks the group now and needs a token", async () => {
    const g = (await (await s.http("POST", "/custom-groups", { name: "two", members: members(2, 200) })).json()) as { id: string };
    // Created over HTTP (no agent cap), paused, then the group grows past the agent's cap.
    const sched = (await (
      await s.http("POST", "/scheduled-messages", {
        name: "w",
        session_id: s.sessionId,
        custom_group_id: g.id,
        message_content: "hi",
        schedule_type: "daily",
        time_of_day: "10:00",
        timezone: "UTC",
      })
    ).json()) as { id: string };
    await s.http("POST", `/scheduled-messages/${sched.id}/pause`);
    const ok = await s.call("scheduled_resume", { scheduled_message_id: sched.id });
    expect(ok.out).toMatchObject({ confirmed: false, recipients: 2, can_proceed: true });
    await s.http("POST", `/custom-groups/${g.id}/members/add`, { contacts: members(4, 300) });
    const refused = await s.call("scheduled_resume", { scheduled_message_id: sched.id, confirmation_token: ok.out.confirmation_token });
    expect(refused).toMatchObject({ isError: true, out: { error: { code: "mcp.recipient_limit" } } });
    const blocked = await s.call("scheduled_resume", { scheduled_message_id: sched.id });
    expect(blocked.out).toMatchObject({ can_proceed: false, confirmation_token: null, blocked_by: [{ code: "mcp.recipient_limit" }] });
    expect(((await (await s.http("GET", `/scheduled-messages/${sched.id}`)).json()) as { status: string }).status).toBe("paused");
  });

  it("reports_create and reports_run of a WhatsApp report need a token; a dashboard report does not", async () => {
    const body = {
      name: "r",
      template_id: "session_health",
      schedule_type: "daily",
      time_of_day: "08:00",
      delivery_method: "whatsapp",
      session_id: s.sessionId,
    };
    const preview = await s.call("reports_create", body);
    expect(preview.out).toMatchObject({ confirmed: false, can_proceed: true });
    expect(((await (await s.http("GET", "/reports")).json()) as { reports: unknown[] }).reports).toHaveLength(0);
    const created = await s.call("reports_create", { ...body, confirmation_token: preview.out.confirmation_token });
    expect(created.out).toMatchObject({ confirmed: true, delivery_method: "whatsapp" });
    const run = await s.call("reports_run", { report_id: created.out.id });
    expect(run.out).toMatchObject({ confirmed: false });
    expect(((await (await s.http("GET", `/reports/${created.out.id}/history`)).json()) as { executions: unknown[] }).executions).toHaveLength(0);
    const ran = await s.call("reports_run", { report_id: created.out.id, confirmation_token: run.out.confirmation_token });
    expect(ran.isError).toBe(false);
    expect(((await (await s.http("GET", `/reports/${created.out.id}/history`)).json()) as { executions: unknown[] }).executions).toHaveLength(1);
    const dash = await s.call("reports_create", { ...body, delivery_method: "dashboard", session_id: undefined });
    expect(dash.out).toMatchObject({ delivery_method: "dashboard" });
    expect(dash.out.confirmed).toBeUndefined();
  });

  it("message_send needs a token, and numbers that never wrote count against the key's daily allowance (5)", async () => {
    const results = [];
    for (const [i, m] of members(7, 400).entries()) {
      const args = { session_id: s.sessionId, phone: m.phone, message: `hello ${i}` };
      const p = await s.call("message_send", args);
      expect(p.out).toMatchObject({ confirmed: false, counts_against_daily_new_contacts: true });
      results.push(await s.call("message_send", { ...args, confirmation_token: p.out.confirmation_token }));
    }
    expect(results.filter((r) => !r.isError)).toHaveLength(5);
    expect(results.slice(5).every((r) => r.out.error.code === "mcp.daily_new_contacts")).toBe(true);
    const bad = await s.call("message_send", { session_id: s.sessionId, phone: members(1, 500)[0]?.phone, message: "x", confirmation_token: "ct_forged" });
    expect(bad.out.error.code).toBe("mcp.confirmation_invalid");
  });
});

describe("a JSON-RPC batch counts each call", () => {
  it("adds one api_call per call, caps batches, and a batch over the rate limit is 429", async () => {
    const s = await setup({ rateLimitPerSecond: 5 }, frozen());
    const list = (n: number) => Array.from({ length: n }, (_, i) => ({ jsonrpc: "2.0", id: i + 1, method: "tools/list" }));
    const month = new Date(s.deps.clock.now()).toISOString().slice(0, 7);
    const before = (await s.deps.store.tenants.usage(s.tenantId, month)).api_calls ?? 0;
    expect((await s.rpc(list(MAX_BATCH + 1))).status).toBe(400);
    expect((await s.rpc(list(3))).status).toBe(200);
    expect((await s.deps.store.tenants.usage(s.tenantId, month)).api_calls).toBe(before + 4); // the refused batch's own request, and 3 calls
    const over = await s.rpc(list(2));
    expect(over.status).toBe(429);
  });
});

describe("invalid keys from an address never lock out a valid key", () => {
  it("after the address's invalid-key limit, a valid key from it still gets 200", async () => {
    const s = await setup({ rateLimitPerSecond: 0, unauthenticatedPerMinute: 5 });
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await s.http("GET", "/usage/current", undefined, `bad-key-${randomBytes(8).toString("hex")}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect((await s.http("GET", "/usage/current")).status).toBe(200);
    expect((await s.app.request("/api/v2/usage/current")).status).toBe(429);
  });
});
