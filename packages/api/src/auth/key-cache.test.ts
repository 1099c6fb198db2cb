import { randomBytes } from "node:crypto";
import { createSqsClient, createSqsQueue, ensureQueues } from "@outreach/aws/sqs";
import { createDb, createStore, ensureTable } from "@outreach/aws/store";
import { createIds } from "@outreach/core/id";
import { systemClock } from "@outreach/core/port";
import { createKey, createTenant } from "@outreach/core/tenant";
import { createLogger } from "@outreach/log";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createApp } from "../app";
import { KEY_CACHE_MS } from "./key-cache";

const logger = createLogger({ level: "silent" });
const noTimers = { arm: async () => {}, disarm: async () => {} };

/**
 * Two API instances on one table (two Lambda instances: each its own store client, so its own cache)
 * and one manual clock: a key revoked through one of them is refused there at once and by the other
 * within `KEY_CACHE_MS`, the revocation delay the docs state.
 */
describe("the per-key cache of the auth middleware", () => {
  let now = Date.now();
  const clock = { ...systemClock, now: () => now };
  const table = `kc-${randomBytes(4).toString("hex")}`;
  const instance = async () => {
    const db = createDb({ table, endpoint: inject("dynamoEndpoint") });
    const client = createSqsClient({ endpoint: inject("sqsEndpoint") });
    const queue = createSqsQueue({ client, urls: await ensureQueues(client, `k${randomBytes(3).toString("hex")}`) });
    const deps = { store: createStore(db), queue, clock, ids: createIds(), timers: noTimers };
    return { db, deps, app: createApp({ ...deps, logger, config: { rateLimitPerSecond: 0, transport: "sandbox" } }) };
  };
  let a: Awaited<ReturnType<typeof instance>>;
  let b: Awaited<ReturnType<typeof instance>>;
  let admin: string;
  let user: { id: string; key: string };
  beforeAll(async () => {
    a = await instance();
    b = await instance();
    await ensureTable(a.db);
    const t = await createTenant(a.deps, { name: "cache", plan: "pro" });
    admin = (await createKey(a.deps, { tenantId: t.id, name: "admin" })).key;
    const k = await createKey(a.deps, { tenantId: t.id, name: "user" });
    user = { id: k.record.id, key: k.key };
  });

  const get = (app: typeof a.app, key: string) => app.request("/api/v2/usage/current", { headers: { "X-API-Key": key } });

  it("refuses a revoked key at once where it was revoked, and everywhere within KEY_CACHE_MS", async () => {
    expect((await get(a.app, user.key)).status).toBe(200);
    expect((await get(b.app, user.key)).status).toBe(200);

    const revoked = await b.app.request(`/api/v2/api-keys/${user.id}`, { method: "DELETE", headers: { "X-API-Key": admin } });
    expect(revoked.status).toBe(200);
    expect((await get(b.app, user.key)).status).toBe(401);

    // Instance a read the key before the revocation: it may serve it until its cache time is over, not longer.
    now += KEY_CACHE_MS;
    const refused = await get(a.app, user.key);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("auth.invalid_key");
  });
});
