import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { createStore } from "../../packages/aws/src/store";
import { createIds } from "../../packages/core/src/id";
import { systemClock } from "../../packages/core/src/port";
import { createGuardedFetch } from "../../packages/fetch/src";
import { createSessionHost } from "../../packages/system/src/host";
import { createBaileysTransport } from "../../packages/whatsapp/src/baileys";
import { db, logger, open, setup, store, useTable } from "../helpers/baileys-fixture";
import { FakeSocket, tick } from "../helpers/fake-socket";
import { jobRecord, sessionRecord } from "../helpers/records";

useTable();

describe("session host ownership (leases in DynamoDB Local)", () => {
  it("lets exactly one of two racing hosts own a session", async () => {
    const ids = createIds();
    const tenantId = `ten_${randomBytes(5).toString("hex")}`;
    const sessionId = ids.next("ses");
    const _now = new Date().toISOString();
    await store.sessions.create(sessionRecord({ id: sessionId, tenant_id: tenantId, name: "race" }), null);
    const deps = {
      store: store as never,
      queue: { send: async () => {} } as never,
      clock: systemClock,
      ids,
      timers: { arm: async () => {}, disarm: async () => {} },
    };
    const hosts = ["host-a", "host-b"].map((owner) => {
      const t = setup();
      const host = createSessionHost({ ...deps, logger, owner });
      host.attach(t.transport);
      return { host, t };
    });
    await Promise.all(hosts.map((h) => h.host.sync(tenantId, sessionId)));
    const owners = hosts.filter((h) => h.host.owns(sessionId));
    expect(owners).toHaveLength(1);
    expect(hosts.filter((h) => h.t.sockets.length > 0)).toHaveLength(1);
    for (const h of hosts) await h.host.stop();
  });
});

describe("QR and pairing code through the API (Baileys sessions)", () => {
  it("serves the current QR while the session is in qr, 409 otherwise, and a pairing code from the session host", async () => {
    const { createApp } = await import("../../packages/api/src/app");
    const { createSqsClient, createSqsQueue, ensureQueues } = await import("../../packages/aws/src/sqs");
    const { startConsumer } = await import("../../packages/system/src/consumer");
    const { dispatch } = await import("../../packages/core/src/message");
    const { createKey, createTenant } = await import("../../packages/core/src/tenant");
    const sqs = createSqsClient({ endpoint: inject("sqsEndpoint") });
    const queue = createSqsQueue({ client: sqs, urls: await ensureQueues(sqs, `q${randomBytes(3).toString("hex")}`) });
    const ids = createIds();
    const deps = { store: store as never, queue, clock: systemClock, ids, timers: { arm: async () => {}, disarm: async () => {} } };
    const t = setup();
    const host = createSessionHost({ ...deps, logger, owner: "api-test" });
    const events = { ...host.events };
    host.attach(
      createBaileysTransport({
        auth: store.auth,
        events,
        logger,
        makeSocket: (o) => {
          const s = new FakeSocket(o);
          t.sockets.push(s);
          return s;
        },
        sleep: async () => {},
        fetchMedia: createGuardedFetch(),
      }),
    );
    const handle = dispatch(
      { "session.sync": (b) => host.sync(b.tenant_id, b.session_id), "session.pair": (b) => host.pair(b.tenant_id, b.session_id, b.phone) },
      () => {},
    );
    const consumer = startConsumer({ queue, name: "events", handle, concurrency: 4, waitSeconds: 1, logger });
    try {
      const app = createApp({ ...deps, logger, config: { rateLimitPerSecond: 0, transport: "baileys" } });
      const tenant = await createTenant(deps, { name: "qr", plan: "business" });
      const { key } = await createKey(deps, { tenantId: tenant.id, name: "k" });
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await app.request(`/api/v2${path}`, {
          method,
          headers: { "X-API-Key": key, "content-type": "application/json" },
          body: body ? JSON.stringify(body) : undefined,
        });
        return { status: res.status, body: (await res.json()) as any };
      };
      const created = await call("POST", "/sessions", { name: "phone" });
      expect(created.body).toMatchObject({ status: "starting", transport: "baileys" });
      const id = created.body.id;
      for (let i = 0; i < 50 && t.sockets.length === 0; i++) await tick(100);
      expect((await call("GET", `/sessions/${id}/qr`)).status).toBe(409);
      // Not pairable before a QR is shown: a clear 409, and nothing reaches Baileys.
      const early = await call("POST", `/sessions/${id}/pairing-code`, { phone: "+55 11 99999-0000" });
      expect(early).toMatchObject({ status: 409, body: { error: { code: "session.not_pairable" } } });
      expect(t.last().calls.filter((c) => c[0] === "pairing")).toEqual([]);
      t.last().emit("connection.update", { qr: "2@qr-for-the-api" });
      await tick(150);
      const qr = await call("GET", `/sessions/${id}/qr`);
      expect(qr.status).toBe(200);
      expect(qr.body).toEqual({ qr: "2@qr-for-the-api", png_data_url: expect.stringMatching(/^data:image\/png;base64,/) });
      const code = await call("POST", `/sessions/${id}/pairing-code`, { phone: "+55 11 99999-0000" });
      expect(code).toEqual({ status: 200, body: { code: "ABCD-EFGH" } });
      expect(t.last().calls).toContainEqual(["pairing", "5511999990000"]);
      await open(t.last());
      expect((await call("GET", `/sessions/${id}`)).body).toMatchObject({ status: "working", phone: "+5511999990000" });
      expect((await call("GET", `/sessions/${id}/qr`)).status).toBe(409);
      expect((await call("POST", `/sessions/${id}/pairing-code`, { phone: "+5511999990000" })).body.error.code).toBe("session.already_paired");

      // WhatsApp restricts the account (handleBadAck with 463): the session's running bulk send pauses
      // with the reason and the time lock's end, as the API shows it.
      const job = jobRecord({ id: ids.next("bulk"), tenant_id: tenant.id, session_id: id, status: "running", total_recipients: 1, quota_held: 1 });
      await store.jobs.create(job, 1, null);
      const ends = new Date(Date.now() + 2 * 3600_000);
      t.last().timelock = { isActive: true, timeEnforcementEnds: ends };
      t.last().badAck("3EB0SOMEONE", "5511999990001@s.whatsapp.net", "463");
      for (let i = 0; i < 50 && (await store.jobs.get(tenant.id, job.id, true))?.status !== "paused"; i++) await tick(100);
      const shown = await call("GET", `/bulk-send/${job.id}`);
      expect(shown.body).toMatchObject({
        status: "paused",
        pause_reason: "restricted",
        pause_detail: expect.stringMatching(/from starting new chats \(463\).*ends at/),
        restricted_until: ends.toISOString(),
      });
    } finally {
      await consumer.stop();
      await host.stop();
    }
  });
});

describe("auth state encryption", () => {
  it("stores auth state encrypted when a key is configured, and refuses to read it without the key", async () => {
    const key = randomBytes(32);
    const sealed = createStore(db, { authKey: key }).auth;
    await sealed.setCreds("ses_enc", '{"secret":"noise-key"}');
    await sealed.setKeys("ses_enc", [{ type: "session", id: "a", value: '{"k":1}' }]);
    expect(await sealed.getCreds("ses_enc")).toBe('{"secret":"noise-key"}');
    expect(await sealed.getKeys("ses_enc", "session", ["a"])).toEqual({ a: '{"k":1}' });
    const { GetCommand } = await import("@aws-sdk/lib-dynamodb");
    const raw = await db.doc.send(new GetCommand({ TableName: db.table, Key: { pk: "S#ses_enc", sk: "AUTH#creds" } }));
    expect(raw.Item?.value).toMatch(/^enc:v2:/);
    expect(raw.Item?.value).not.toContain("noise-key");
    await expect(createStore(db).auth.getCreds("ses_enc")).rejects.toThrow(/encrypted/);
    await expect(createStore(db, { authKey: randomBytes(32) }).auth.getCreds("ses_enc")).rejects.toThrow();
  });
});
