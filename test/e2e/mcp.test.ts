import { createHash } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, inject, it } from "vitest";
import { requestHash } from "../../packages/core/src/confirmation";
import { createIds } from "../../packages/core/src/id";
import { systemClock } from "../../packages/core/src/port";
import { createKey, type Scope } from "../../packages/core/src/tenant";
import { groupWith, newTenant, outbox, sandbox, waitFor, workingSession } from "../helpers/api";

/** The official SDK client over Streamable HTTP, authenticated with an API key like any HTTP client. */
const connect = async (key: string) => {
  const client = new Client({ name: "outreach-e2e", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${inject("runtimeUrl")}/mcp`), { requestInit: { headers: { "X-API-Key": key } } }));
  return client;
};

type Structured = Record<string, any>;
const call = async (client: Client, name: string, args: Record<string, unknown>) => {
  const r = await client.callTool({ name, arguments: args });
  return { isError: r.isError === true, body: r.structuredContent as Structured, text: (r.content as { text: string }[])[0]?.text ?? "" };
};

const keyWith = async (t: Awaited<ReturnType<typeof newTenant>>, scopes: Scope[], agentMaxRecipients?: number) =>
  (await createKey({ store: t.store, ids: createIds(), clock: systemClock }, { tenantId: t.tenantId, name: "agent", scopes, agentMaxRecipients })).key;

const READ_ONLY: Scope[] = ["custom-groups:read", "bulk-send:read", "scheduled:read", "reports:read", "sessions:read"];

// Each test has its own tenant and session: they run side by side.
describe.concurrent("MCP server at /mcp (official SDK client over HTTP)", () => {
  it("lists the tools a key's scopes allow, and refuses a call of another with 403 insufficient_scope", async () => {
    const t = await newTenant("business");
    const full = await connect(t.key);
    const reader = await connect(await keyWith(t, READ_ONLY));
    const fullTools = (await full.listTools()).tools.map((x) => x.name);
    const readTools = (await reader.listTools()).tools.map((x) => x.name);
    expect(fullTools).toEqual(
      expect.arrayContaining(["groups_create", "bulk_send_preview", "bulk_send_create", "bulk_send_cancel", "scheduled_create", "reports_run"]),
    );
    expect(readTools).toEqual(
      expect.arrayContaining([
        "groups_list",
        "groups_export_summary",
        "sessions_list",
        "bulk_send_get",
        "scheduled_list",
        "reports_latest_execution",
        "usage_current",
      ]),
    );
    // Issue 30: usage history and the key list are read-only tools; no tool mints or revokes a key.
    expect(fullTools).toEqual(expect.arrayContaining(["usage_history", "api_keys_list"]));
    expect(fullTools.filter((n) => /key/.test(n))).toEqual(["api_keys_list"]);
    const history = await full.callTool({ name: "usage_history", arguments: { months: 3 } });
    expect(JSON.parse((history.content as { text: string }[])[0]?.text as string).history).toHaveLength(3);
    const keys = JSON.parse(((await full.callTool({ name: "api_keys_list", arguments: {} })).content as { text: string }[])[0]?.text as string);
    expect(keys.api_keys.length).toBeGreaterThan(0);
    expect(JSON.stringify(keys)).not.toContain(t.key);
    expect(readTools).not.toContain("usage_history");
    for (const write of [
      "groups_create",
      "groups_add_members",
      "bulk_send_preview",
      "bulk_send_create",
      "bulk_send_pause",
      "scheduled_create",
      "opt_outs_add",
    ]) {
      expect(readTools).not.toContain(write);
    }
    expect(readTools.every((n) => fullTools.includes(n))).toBe(true);
    // Every tool says what it does, what it costs and its risk; its input schema is an object.
    for (const tool of (await full.listTools()).tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(60);
      expect(tool.description, tool.name).toMatch(/quota|[Ff]ree/);
      expect(tool.inputSchema.type).toBe("object");
    }

    await expect(reader.callTool({ name: "groups_create", arguments: { name: "nope" } })).rejects.toMatchObject({ code: 403 });
    const raw = await fetch(`${inject("runtimeUrl")}/mcp`, {
      method: "POST",
      headers: { "X-API-Key": await keyWith(t, ["custom-groups:read"]), "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "bulk_send_cancel", arguments: { bulk_send_id: "bulk_x" } } }),
    });
    expect(raw.status).toBe(403);
    expect(raw.headers.get("www-authenticate")).toMatch(/^Bearer error="insufficient_scope", scope="bulk-send:manage"/);
    expect(await raw.json()).toMatchObject({ jsonrpc: "2.0", id: 7, error: { message: "This API key lacks the bulk-send:manage scope." } });
    expect((await reader.callTool({ name: "groups_list", arguments: {} })).isError).toBeFalsy();
    // Resources follow the same scopes: a job's progress needs bulk-send:read.
    const groupsOnly = await keyWith(t, ["custom-groups:read"]);
    const read = await fetch(`${inject("runtimeUrl")}/mcp`, {
      method: "POST",
      headers: { "X-API-Key": groupsOnly, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 8, method: "resources/read", params: { uri: "outreach://bulk-send/bulk_x/progress" } }),
    });
    expect(read.status).toBe(403);
    expect((await (await connect(groupsOnly)).listResources()).resources.map((r) => r.uri)).toEqual(["outreach://api/openapi.json"]);

    const anonymous = await fetch(`${inject("runtimeUrl")}/mcp`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer /);
  });

  it("previews, creates with the confirmation token, and follows the job's progress resource until completed", async () => {
    const t = await newTenant("business");
    const s = await workingSession(t.api);
    const g = await groupWith(t.api, 5);
    await t.api.post("/opt-outs", { phones: [g.phones[4]] });
    const mcp = await connect(t.key);
    const args = { session_id: s.id, custom_group_id: g.id, message_content: "Hi {{name|there}}", min_delay_seconds: 0, max_delay_seconds: 1 };

    const preview = await call(mcp, "bulk_send_preview", args);
    expect(preview.isError).toBe(false);
    expect(preview.body).toMatchObject({
      members: 5,
      opted_out: 1,
      recipients: 4,
      can_send: true,
      blocked_by: [],
      quota: { would_use: 4, limit: 3000, remaining: 3000 },
    });
    expect(preview.body.sample).toEqual(
      g.members.slice(0, 3).map((m) => ({ phone: m.phone, name: m.name, text: `Hi ${m.name}`, media_url: null, fallbacks: 0 })),
    );
    expect(preview.body.pacing).toMatchObject({
      min_delay_seconds: 0,
      max_delay_seconds: 1,
      daily_limit: null,
      send_window: null,
      effective_min_gap_seconds: 0,
    });
    expect(Date.parse(preview.body.estimated_finish_at)).toBeGreaterThanOrEqual(Date.parse(preview.body.starts_at));
    expect(preview.body.confirmation_token).toMatch(/^ct_/);
    // The HTTP API has the same preview (without a token) and is not changed by MCP's rule.
    const http = await t.api.post("/bulk-send/preview", args);
    expect(http.status).toBe(200);
    expect(http.body).toMatchObject({ recipients: 4, sample: preview.body.sample, can_send: true });
    expect(http.body.confirmation_token).toBeUndefined();

    // The session's pacing policy tightens the job's own delays, and the preview says so.
    expect((await t.api.patch(`/sessions/${s.id}`, { pacing: { min_gap_seconds: 2 } })).status).toBe(200);
    const floored = await call(mcp, "bulk_send_preview", args);
    expect(floored.body.pacing).toMatchObject({ effective_min_gap_seconds: 2, session_policy: { min_gap_seconds: 2 }, per_message_seconds: 2 });
    expect(Date.parse(floored.body.estimated_finish_at) - Date.parse(floored.body.starts_at)).toBe(3 * 2000);
    expect((await t.api.patch(`/sessions/${s.id}`, { pacing: null })).status).toBe(200);

    const missing = await call(mcp, "bulk_send_create", args);
    expect(missing.isError).toBe(true);
    expect(missing.body.error).toMatchObject({ code: "request.missing_field", message: "Missing required field: confirmation_token." });
    const otherArgs = await call(mcp, "bulk_send_create", { ...args, message_content: "Something else", confirmation_token: preview.body.confirmation_token });
    expect(otherArgs.body.error).toMatchObject({ code: "mcp.confirmation_invalid", message: expect.stringMatching(/different arguments/) });
    expect((await t.api.get("/bulk-send")).body.jobs).toEqual([]);

    const created = await call(mcp, "bulk_send_create", { ...args, confirmation_token: preview.body.confirmation_token });
    expect(created.isError).toBe(false);
    expect(created.body).toMatchObject({ status: "pending", total_recipients: 5, replayed: false });
    // A retry with the same token (an answer lost on the way) gets the same job, never a second send.
    const retry = await call(mcp, "bulk_send_create", { ...args, confirmation_token: preview.body.confirmation_token });
    expect(retry.body).toMatchObject({ id: created.body.id, replayed: true });

    const uri = `outreach://bulk-send/${created.body.id}/progress`;
    expect((await mcp.listResources()).resources.map((r) => r.uri)).toEqual(expect.arrayContaining(["outreach://api/openapi.json", uri]));
    const progress = await waitFor(
      async () => {
        const r = await mcp.readResource({ uri });
        const p = JSON.parse((r.contents[0] as { text: string }).text);
        return p.status === "completed" ? p : undefined;
      },
      { what: "progress resource to say completed", intervalMs: 300 },
    );
    expect(progress).toMatchObject({ job_id: created.body.id, sent: 4, skipped: 1, total: 5, failed: 0 });
    expect((await outbox(s.id)).map((m) => m.to).sort()).toEqual(g.phones.slice(0, 4).sort());
    expect((await t.api.get("/bulk-send")).body.jobs).toHaveLength(1);
    expect((await call(mcp, "bulk_send_get", { bulk_send_id: created.body.id })).body).toMatchObject({ status: "completed", sent_count: 4 });

    const reference = await mcp.readResource({ uri: "outreach://api/openapi.json" });
    expect(JSON.parse((reference.contents[0] as { text: string }).text).paths["/bulk-send/preview"]).toBeDefined();
  });

  it("refuses an expired token, and a send larger than the key's agent_max_recipients", async () => {
    const t = await newTenant("business");
    const s = await workingSession(t.api);
    const g = await groupWith(t.api, 3);
    const key = await keyWith(t, ["custom-groups:read", "bulk-send:manage"], 2);
    const mcp = await connect(key);
    const args = { session_id: s.id, custom_group_id: g.id, message_content: "x" };

    const limited = await call(mcp, "bulk_send_preview", args);
    expect(limited.body).toMatchObject({ recipients: 3, can_send: false, agent_max_recipients: 2, confirmation_token: null });
    expect(limited.body.blocked_by).toEqual([{ code: "mcp.recipient_limit", message: expect.stringMatching(/at most 2 through MCP/) }]);

    // A token issued 11 minutes ago for exactly this request: expired.
    const keyId = (await t.store.tenants.listKeys(t.tenantId)).find((k) => k.agent_max_recipients === 2)?.id as string;
    await t.api.post(`/custom-groups/${g.id}/members/remove`, { phones: [g.phones[2]] });
    const stale = "ct_stale_token_for_this_request";
    const issued = Date.now() - 11 * 60_000;
    await t.store.confirmations.put({
      tenant_id: t.tenantId,
      token_hash: createHash("sha256").update(stale).digest("hex"),
      key_id: keyId,
      request_hash: requestHash("bulk_send_create", args, keyId),
      issued_at: issued,
      expires_at: issued + 10 * 60_000,
    });
    const expired = await call(mcp, "bulk_send_create", { ...args, confirmation_token: stale });
    expect(expired.body.error).toMatchObject({ code: "mcp.confirmation_invalid", message: expect.stringMatching(/expired/) });
    const unknown = await call(mcp, "bulk_send_create", { ...args, confirmation_token: "ct_never_issued" });
    expect(unknown.body.error.code).toBe("mcp.confirmation_invalid");
    expect((await t.api.get("/bulk-send")).body.jobs).toEqual([]);

    // Now within the limit: a fresh preview's token works.
    const fresh = await call(mcp, "bulk_send_preview", args);
    expect(fresh.body).toMatchObject({ recipients: 2, can_send: true });
    expect((await call(mcp, "bulk_send_create", { ...args, confirmation_token: fresh.body.confirmation_token })).isError).toBe(false);
  });

  it("answers input that fails validation with the HTTP API's message", async () => {
    const t = await newTenant("business");
    const mcp = await connect(t.key);
    const s = await workingSession(t.api);
    const g = await groupWith(t.api, 1);
    const cases: [string, string, Record<string, unknown>][] = [
      ["groups_create", "/custom-groups", { description: "no name" }],
      ["groups_create", "/custom-groups", { name: 42 }],
      ["bulk_send_preview", "/bulk-send/preview", { session_id: s.id, custom_group_id: g.id, message_content: "x", min_delay_seconds: 3601 }],
      [
        "bulk_send_preview",
        "/bulk-send/preview",
        { session_id: s.id, custom_group_id: g.id, message_content: "x", min_delay_seconds: 9, max_delay_seconds: 5 },
      ],
      ["opt_outs_add", "/opt-outs", { phones: [] }],
    ];
    for (const [tool, path, args] of cases) {
      const http = await t.api.post(path, args);
      expect([400, 422], `${path} ${JSON.stringify(args)}`).toContain(http.status);
      const viaMcp = await call(mcp, tool, args);
      expect(viaMcp.isError, tool).toBe(true);
      expect(viaMcp.body.error, `${tool} ${JSON.stringify(args)}`).toMatchObject({ code: http.body.error.code, message: http.body.error.message });
    }
    // Junk in every argument of every tool is refused in words, never an internal error.
    const junk: unknown[] = [null, -1, "x".repeat(300), { a: 1 }, "grp_00000000000000000000000000"];
    for (const tool of (await mcp.listTools()).tools) {
      const props = Object.keys((tool.inputSchema.properties ?? {}) as object);
      for (const value of junk) {
        const r = await call(mcp, tool.name, Object.fromEntries(props.map((p) => [p, value])));
        expect(r.body?.error?.code ?? "ok", `${tool.name} ${JSON.stringify(value)}`).not.toBe("internal");
      }
    }
    // Domain errors too: an unknown group is the same 404 message.
    const http = await t.api.get("/custom-groups/grp_00000000000000000000000000");
    const viaMcp = await call(mcp, "groups_export_summary", { group_id: "grp_00000000000000000000000000" });
    expect(viaMcp.body.error).toEqual(http.body.error);
  });

  it("answers a contact who is waiting through the conversation tools: unanswered, read, reply once", async () => {
    const t = await newTenant("business");
    const s = await workingSession(t.api);
    const contact = "+5511987652001";
    await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: contact, text: "Vocês entregam amanhã?" });
    const mcp = await connect(t.key);
    const waiting = await call(mcp, "conversations_unanswered", {});
    expect(waiting.body.conversations).toEqual([expect.objectContaining({ phone: contact, unanswered: true, last_text: "Vocês entregam amanhã?" })]);
    const read = await call(mcp, "conversations_read", { phone: contact });
    expect(read.body.messages.map((m: { direction: string; text: string }) => [m.direction, m.text])).toEqual([["inbound", "Vocês entregam amanhã?"]]);
    const args = { session_id: s.id, phone: contact, message: "Sim, até às 18h." };
    const preview = await call(mcp, "message_send", args);
    expect(preview.body).toMatchObject({ confirmed: false, reply: true, counts_against_daily_new_contacts: false });
    const sent = await call(mcp, "message_send", { ...args, confirmation_token: preview.body.confirmation_token });
    expect(sent.isError, sent.text).toBe(false);
    expect(sent.body).toMatchObject({ status: "queued", reply: true });
    await waitFor(async () => ((await call(mcp, "message_status", { message_id: sent.body.id })).body.status !== "queued" ? true : undefined));
    expect((await call(mcp, "conversations_unanswered", {})).body.conversations).toEqual([]);
    expect((await outbox(s.id)).filter((m) => m.to === contact).map((m) => m.text)).toEqual(["Sim, até às 18h."]);
    // A read-only key sees the reading tools, not the sending one.
    const reader = (await (await connect(await keyWith(t, ["messages:read"]))).listTools()).tools.map((x) => x.name);
    expect(reader).toEqual(expect.arrayContaining(["conversations_unanswered", "conversations_read", "message_status", "usage_current"]));
    expect(reader).not.toContain("message_send");
  });
});
