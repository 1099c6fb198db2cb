import { randomBytes } from "node:crypto";
import { createSqsClient, createSqsQueue, ensureQueues } from "@outreach/aws/sqs";
import { createDb, createStore, ensureTable } from "@outreach/aws/store";
import { createIds } from "@outreach/core/id";
import { systemClock } from "@outreach/core/port";
import { createKey, createTenant } from "@outreach/core/tenant";
import { createLogger } from "@outreach/log";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createApp } from ".";

const logger = createLogger({ level: "silent" });
const noTimers = { arm: async () => {}, disarm: async () => {} };

/** A clock stopped inside one second: every request of a test falls in one rate-limit window, however slow the machine. */
const frozen = () => {
  const at = Math.floor(Date.now() / 1000) * 1000 + 500;
  return { ...systemClock, now: () => at };
};

const appOn = async (endpoint: string, rateLimitPerSecond: number, clock = systemClock) => {
  const db = createDb({ table: `api-${randomBytes(4).toString("hex")}`, endpoint });
  const client = createSqsClient({ endpoint: inject("sqsEndpoint") });
  const queue = createSqsQueue({ client, urls: await ensureQueues(client, `a${randomBytes(3).toString("hex")}`) });
  const deps = { store: createStore(db), queue, clock, ids: createIds(), timers: noTimers };
  return { db, deps, app: createApp({ ...deps, logger, config: { rateLimitPerSecond, transport: "sandbox" } }) };
};

describe("HTTP app (app.request, store on DynamoDB Local)", () => {
  let key: string;
  let app: Awaited<ReturnType<typeof appOn>>["app"];
  beforeAll(async () => {
    const built = await appOn(inject("dynamoEndpoint"), 3, frozen());
    await ensureTable(built.db);
    const t = await createTenant(built.deps, { name: "rl", plan: "starter" });
    key = (await createKey(built.deps, { tenantId: t.id, name: "k" })).key;
    app = built.app;
  });

  it("answers 429 with Retry-After beyond the per-key rate", async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await app.request("/api/v2/usage/current", { headers: { "X-API-Key": key } })).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    const limited = await app.request("/api/v2/usage/current", { headers: { "X-API-Key": key } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("rate_limit.exceeded");
  });

  it("counts MCP requests against the key's rate limit like API requests", async () => {
    const built = await appOn(inject("dynamoEndpoint"), 2, frozen());
    await ensureTable(built.db);
    const t = await createTenant(built.deps, { name: "mcp", plan: "starter" });
    const { key: plain } = await createKey(built.deps, { tenantId: t.id, name: "k" });
    const mcp = () =>
      built.app.request("/mcp", {
        method: "POST",
        headers: { "X-API-Key": plain, "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
    const first = await mcp();
    expect(first.status).toBe(200);
    expect(((await first.json()) as { result: { tools: unknown[] } }).result.tools.length).toBeGreaterThan(10);
    expect((await built.app.request("/api/v2/usage/current", { headers: { "X-API-Key": plain } })).status).toBe(200);
    const limited = await mcp();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
  });

  it("stores only the SHA-256 of a key", async () => {
    const built = await appOn(inject("dynamoEndpoint"), 0);
    await ensureTable(built.db);
    const t = await createTenant(built.deps, { name: "h", plan: "free" });
    const { key: plain } = await createKey(built.deps, { tenantId: t.id, name: "k" });
    const keys = await built.deps.store.tenants.listKeys(t.id);
    expect(JSON.stringify(keys)).not.toContain(plain);
    expect(keys[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("answers 503 with Retry-After, not 500 and not a hang, when the store is unreachable", async () => {
    const { app: down } = await appOn("http://127.0.0.1:9", 0);
    const started = Date.now();
    const res = await down.request("/api/v2/custom-groups", { headers: { "X-API-Key": "ok_some_key_that_is_long_enough" } });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBeTruthy();
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("service.unavailable");
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
