import { randomBytes } from "node:crypto";
import { createSqsClient, createSqsQueue, ensureQueues } from "@outreach/aws/sqs";
import { createDb, createStore, ensureTable } from "@outreach/aws/store";
import { createIds } from "@outreach/core/id";
import { systemClock } from "@outreach/core/port";
import { createKey, createTenant } from "@outreach/core/tenant";
import { createLogger } from "@outreach/log";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createApp } from ".";

/** Issue 29: cursors are opaque, authenticated and bound to their list (app.request, DynamoDB Local). */
const logger = createLogger({ level: "silent" });
let get: (path: string, key?: string) => Promise<{ status: number; body: any }>;
let keyA: string;
let keyB: string;
const cursorKey = randomBytes(32);

beforeAll(async () => {
  const db = createDb({ table: `cur-${randomBytes(4).toString("hex")}`, endpoint: inject("dynamoEndpoint"), cursorKey });
  await ensureTable(db);
  const client = createSqsClient({ endpoint: inject("sqsEndpoint") });
  const queue = createSqsQueue({ client, urls: await ensureQueues(client, `c${randomBytes(3).toString("hex")}`) });
  const deps = { store: createStore(db), queue, clock: systemClock, ids: createIds(), timers: { arm: async () => {}, disarm: async () => {} } };
  const app = createApp({ ...deps, logger, config: { rateLimitPerSecond: 0, transport: "sandbox" } });
  const call = async (method: string, path: string, key: string, body?: unknown) => {
    const res = await app.request(`/api/v2${path}`, {
      method,
      headers: { "X-API-Key": key, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  for (const name of ["a", "b"]) {
    const t = await createTenant(deps, { name, plan: "business" });
    const { key } = await createKey(deps, { tenantId: t.id, name });
    for (let i = 0; i < 3; i++) await call("POST", "/custom-groups", key, { name: `g${i}` });
    await call("POST", "/opt-outs", key, { phones: ["+5511987650001", "+5511987650002", "+5511987650003"] });
    if (name === "a") keyA = key;
    else keyB = key;
  }
  get = (path, key = keyA) => call("GET", path, key);
});

describe("list cursors", () => {
  it("page on within their list and show nothing of the key layout or the tenant", async () => {
    const page = await get("/custom-groups?limit=1");
    const cursor = page.body.next_cursor as string;
    const decoded = Buffer.from(cursor, "base64url").toString("latin1");
    for (const leak of ["pk", "sk", "T#", "GROUP", "ten_"]) expect(decoded).not.toContain(leak);
    const next = await get(`/custom-groups?limit=1&cursor=${cursor}`);
    expect(next.status).toBe(200);
    expect(next.body.groups[0].id).not.toBe(page.body.groups[0].id);
  });

  it("answer 400 request.invalid_cursor for another list's cursor of the same tenant (it reached DynamoDB and answered 500)", async () => {
    const groups = (await get("/custom-groups?limit=1")).body.next_cursor as string;
    const optOuts = (await get("/opt-outs?limit=1")).body.next_cursor as string;
    expect(optOuts).toBeTruthy();
    for (const [path, cursor] of [
      ["/opt-outs", groups],
      ["/custom-groups", optOuts],
    ]) {
      const res = await get(`${path}?limit=1&cursor=${encodeURIComponent(cursor as string)}`);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe("request.invalid_cursor");
    }
  });

  it("answer 400 for another tenant's cursor, a made-up one and a tampered one", async () => {
    const mine = (await get("/custom-groups?limit=1")).body.next_cursor as string;
    const raw = Buffer.from(mine, "base64url");
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    const forged = [mine, Buffer.from(JSON.stringify({ pk: "T#ten_x", sk: "GROUP#grp_x" })).toString("base64url"), raw.toString("base64url"), "%%%"];
    for (const [i, c] of forged.entries()) {
      const res = await get(`/custom-groups?limit=1&cursor=${encodeURIComponent(c)}`, i === 0 ? keyB : keyA);
      expect(res.status, c).toBe(400);
      expect(res.body.error.code).toBe("request.invalid_cursor");
    }
  });
});
