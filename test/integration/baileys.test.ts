import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createLogger } from "../../packages/api/src/log";
import { createDb, createStore, ensureTable } from "../../packages/aws/src/store";
import { createIds } from "../../packages/core/src/id";
import { type StatusEvent, systemClock, TransportError, type TransportEvents } from "../../packages/core/src/port";
import { createBaileysTransport, type SocketLike, useStoredAuthState } from "../../packages/whatsapp/src/baileys";
import { createSessionHost } from "../../packages/worker/src/host";

/** WhatsApp's servers cannot be reached here: the adapter is driven through a fake socket at makeWASocket's boundary. */
class FakeSocket implements SocketLike {
  emitter = new EventEmitter();
  ev = { on: (e: string, l: (a: any) => void) => void this.emitter.on(e, l) };
  user: { id: string } | null = { id: "5511999990000:7@s.whatsapp.net" };
  calls: [string, ...unknown[]][] = [];
  groups: Record<string, { id: string; subject?: string; participants?: any[] }> = {};
  failSend?: Error;
  async sendMessage(jid: string, content: any, opts?: { messageId?: string }) {
    this.calls.push(["sendMessage", jid, content, opts]);
    if (this.failSend) throw this.failSend;
    return {};
  }
  async sendPresenceUpdate(type: string, jid?: string) {
    this.calls.push(["presence", type, jid]);
  }
  async groupFetchAllParticipating() {
    this.calls.push(["groupFetch"]);
    return this.groups;
  }
  async requestPairingCode(phone: string) {
    this.calls.push(["pairing", phone]);
    return "ABCD-EFGH";
  }
  async readMessages(keys: any[]) {
    this.calls.push(["read", keys]);
  }
  async logout() {
    this.calls.push(["logout"]);
  }
  end() {
    this.calls.push(["end"]);
  }
  emit(event: string, arg: unknown) {
    this.emitter.emit(event, arg);
  }
}

const boom = (statusCode: number, message = `closed ${statusCode}`) => Object.assign(new Error(message), { output: { statusCode } });
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

const db = createDb({ table: `baileys-${randomBytes(4).toString("hex")}`, endpoint: inject("dynamoEndpoint") });
const store = createStore(db);
beforeAll(() => ensureTable(db));
const logger = createLogger({ level: "silent" });

const recorder = () => {
  const seen = { status: [] as StatusEvent[], receipts: [] as unknown[], inbound: [] as unknown[], groups: [] as any[], contacts: [] as any[] };
  const events: TransportEvents = {
    status: async (e) => void seen.status.push(e),
    receipt: async (e) => void seen.receipts.push(e),
    inbound: async (e) => void seen.inbound.push(e),
    groups: async (e) => void seen.groups.push(e),
    contacts: async (e) => void seen.contacts.push(e),
  };
  return { seen, events };
};

const setup = (opts: { groupsThrottleMs?: number } = {}) => {
  const sockets: FakeSocket[] = [];
  const { seen, events } = recorder();
  const transport = createBaileysTransport({
    auth: store.auth,
    events,
    logger,
    makeSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    backoff: { baseMs: 50, maxMs: 200 },
    readDelayMs: [10, 20],
    groupsThrottleMs: opts.groupsThrottleMs ?? 100,
    sleep: async () => {},
    probeContentType: async (url) => (url.includes("report") ? "application/pdf" : undefined),
  });
  return { transport, sockets, seen, last: () => sockets.at(-1) as FakeSocket };
};

const open = async (s: FakeSocket) => {
  s.emit("connection.update", { connection: "open" });
  await tick();
};

describe("Baileys transport (fake socket, auth state in DynamoDB Local)", () => {
  it("stores credentials and every key type, and a new adapter resumes them without a new QR", async () => {
    const session = `ses_${randomBytes(6).toString("hex")}`;
    const first = await useStoredAuthState(store.auth, session);
    expect(first.fresh).toBe(true);
    const keys = {
      "pre-key": { "1": { public: Buffer.from("pub-1"), private: Buffer.from("priv-1") } },
      session: { "5511@s.whatsapp.net.0": new Uint8Array([1, 2, 3]) },
      "sender-key": { "g@g.us::a": new Uint8Array([4, 5]) },
      "sender-key-memory": { "g@g.us": { "a@s.whatsapp.net": true } },
      "app-state-sync-key": { AAA: { keyData: new Uint8Array([9, 9]), fingerprint: { rawId: 1, currentIndex: 2, deviceIndexes: [0] }, timestamp: 5 } },
      "app-state-sync-version": { regular: { version: 3, hash: Buffer.alloc(128, 1), indexValueMap: {} } },
      "lid-mapping": { "5511999990000": "123456789@lid" },
      "device-list": { "5511999990000": ["0", "7"] },
      tctoken: { "5511@s.whatsapp.net": { token: Buffer.from("tok"), timestamp: "1700000000" } },
      "identity-key": { "5511@s.whatsapp.net": new Uint8Array([7, 7, 7]) },
    } as const;
    await first.state.keys.set(keys as never);
    (first.state.creds as { registrationId: number }).registrationId = 4242;
    await first.saveCreds();

    const again = await useStoredAuthState(store.auth, session);
    expect(again.fresh).toBe(false);
    expect(again.state.creds.registrationId).toBe(4242);
    expect(Buffer.isBuffer(again.state.creds.noiseKey.private)).toBe(true);
    expect(Buffer.from(again.state.creds.noiseKey.private).equals(Buffer.from(first.state.creds.noiseKey.private))).toBe(true);
    for (const [type, byId] of Object.entries(keys)) {
      const got = await again.state.keys.get(type as never, Object.keys(byId));
      expect(Object.keys(got), type).toEqual(Object.keys(byId));
    }
    const pre = await again.state.keys.get("pre-key", ["1"]);
    expect(Buffer.from(pre["1"]?.private as Uint8Array).toString()).toBe("priv-1");
    const tc = await again.state.keys.get("tctoken", ["5511@s.whatsapp.net"]);
    expect(Buffer.from(tc["5511@s.whatsapp.net"]?.token as Buffer).toString()).toBe("tok");
    expect((await again.state.keys.get("lid-mapping", ["5511999990000"]))["5511999990000"]).toBe("123456789@lid");
    const sync = await again.state.keys.get("app-state-sync-key", ["AAA"]);
    expect(Array.from(sync.AAA?.keyData as Uint8Array)).toEqual([9, 9]);
    await again.state.keys.set({ "pre-key": { "1": null } });
    expect(await again.state.keys.get("pre-key", ["1"])).toEqual({});
  });

  it("reports QR (with a PNG), then working with the account's number, and syncs groups on connect", async () => {
    const t = setup();
    await t.transport.start({ tenantId: "ten_1", sessionId: "ses_qr" });
    const s = t.last();
    s.groups = {
      "1@g.us": {
        id: "1@g.us",
        subject: "Família",
        participants: [
          { id: "5511999990001@s.whatsapp.net" },
          { id: "111111@lid" },
          { id: "222222@lid", phoneNumber: "5511999990002@s.whatsapp.net", notify: "Bea" },
          { id: "5511999990003@s.whatsapp.net", lid: "333333@lid" },
        ],
      },
    };
    s.emit("connection.update", { qr: "2@abc,def" });
    await tick(100);
    const qr = t.seen.status.find((e) => e.status === "qr");
    expect(qr?.qr).toBe("2@abc,def");
    expect(qr?.qrPngDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(await t.transport.requestPairingCode("ses_qr", "+5511999990000")).toBe("ABCD-EFGH");
    expect(s.calls).toContainEqual(["pairing", "5511999990000"]);
    await open(s);
    expect(t.seen.status.at(-1)).toMatchObject({ status: "working", phone: "+5511999990000" });
    expect(t.seen.groups[0].groups).toEqual([
      {
        waGroupId: "1@g.us",
        name: "Família",
        participants: [
          { phone: "+5511999990001" },
          { lid: "111111@lid" },
          { phone: "+5511999990002", lid: "222222@lid", name: "Bea" },
          { phone: "+5511999990003", lid: "333333@lid" },
        ],
      },
    ]);
    // Group changes refetch, throttled: three updates, one more fetch.
    s.emit("groups.update", [{ id: "1@g.us" }]);
    s.emit("group-participants.update", { id: "1@g.us" });
    s.emit("groups.update", [{ id: "1@g.us" }]);
    await tick(250);
    expect(s.calls.filter((c) => c[0] === "groupFetch")).toHaveLength(2);
  });

  it("maps receipts, inbound messages (marked read after a delay) and contacts, ignoring our own and status broadcasts", async () => {
    const t = setup();
    await t.transport.start({ tenantId: "ten_1", sessionId: "ses_ev" });
    const s = t.last();
    await open(s);
    s.emit("messages.update", [
      { key: { id: "3EB0A", fromMe: true, remoteJid: "5511999990001@s.whatsapp.net" }, update: { status: 3 } },
      { key: { id: "3EB0B", fromMe: true, remoteJid: "5511999990001@s.whatsapp.net" }, update: { status: 4 } },
      { key: { id: "3EB0C", fromMe: true }, update: { status: 2 } },
      { key: { id: "X", fromMe: false }, update: { status: 4 } },
    ]);
    const stop = { key: { id: "in1", fromMe: false, remoteJid: "5511999990005@s.whatsapp.net" }, message: { conversation: "STOP" } };
    s.emit("messages.upsert", {
      type: "notify",
      messages: [
        stop,
        { key: { id: "in2", fromMe: true, remoteJid: "5511999990005@s.whatsapp.net" }, message: { conversation: "mine" } },
        { key: { id: "in3", fromMe: false, remoteJid: "status@broadcast" }, message: { conversation: "story" } },
        {
          key: { id: "in4", fromMe: false, remoteJid: "999@lid", remoteJidAlt: "5511999990006@s.whatsapp.net" },
          message: { extendedTextMessage: { text: "hi via lid" } },
        },
        { key: { id: "in5", fromMe: false, remoteJid: "1@g.us", participant: "5511999990007@s.whatsapp.net" }, message: { conversation: "group chatter" } },
      ],
    });
    s.emit("contacts.upsert", [
      { id: "5511999990008@s.whatsapp.net", name: "Caio" },
      { id: "444@lid" },
      { id: "555@lid", phoneNumber: "5511999990009@s.whatsapp.net", notify: "Duda" },
    ]);
    await tick(80);
    expect(t.seen.receipts).toEqual([
      expect.objectContaining({ messageId: "3EB0A", state: "delivered" }),
      expect.objectContaining({ messageId: "3EB0B", state: "read" }),
    ]);
    expect(t.seen.inbound).toEqual([
      expect.objectContaining({ sessionId: "ses_ev", from: "+5511999990005", text: "STOP", messageId: "in1" }),
      expect.objectContaining({ from: "+5511999990006", text: "hi via lid" }),
    ]);
    expect(
      s.calls
        .filter((c) => c[0] === "read")
        .map((c) => (c[1] as { id: string }[])[0]?.id)
        .sort(),
    ).toEqual(["in1", "in4"]);
    expect(t.seen.contacts[0].contacts).toEqual([
      { phone: "+5511999990008", name: "Caio" },
      { phone: "+5511999990009", name: "Duda" },
    ]);
  });

  it("sends text, an image with caption and a document, with our message id, after typing", async () => {
    const t = setup();
    await t.transport.start({ tenantId: "ten_1", sessionId: "ses_send" });
    const s = t.last();
    await expect(t.transport.send("ses_send", { kind: "text", to: "+5511999990001", text: "early", messageId: "M0" })).rejects.toMatchObject({
      kind: "transient",
    });
    await open(s);
    s.calls = [];
    await t.transport.send("ses_send", { kind: "text", to: "+5511999990001", text: "Olá!", messageId: "3EB0AAA" });
    expect(s.calls).toEqual([
      ["presence", "composing", "5511999990001@s.whatsapp.net"],
      ["presence", "paused", "5511999990001@s.whatsapp.net"],
      ["sendMessage", "5511999990001@s.whatsapp.net", { text: "Olá!" }, { messageId: "3EB0AAA" }],
    ]);
    s.calls = [];
    await t.transport.send("ses_send", { kind: "media", to: "+5511999990001", url: "https://cdn.example.com/p/photo.JPG", caption: "Look", messageId: "M2" });
    await t.transport.send("ses_send", { kind: "media", to: "+5511999990001", url: "https://cdn.example.com/report?id=7", caption: "Q3", messageId: "M3" });
    const sent = s.calls.filter((c) => c[0] === "sendMessage").map((c) => c[2]);
    expect(sent).toEqual([
      { image: { url: "https://cdn.example.com/p/photo.JPG" }, caption: "Look" },
      { document: { url: "https://cdn.example.com/report?id=7" }, mimetype: "application/pdf", fileName: "report", caption: "Q3" },
    ]);
    s.failSend = boom(406, "not-acceptable");
    await expect(t.transport.send("ses_send", { kind: "text", to: "+5511999990001", text: "x", messageId: "M4" })).rejects.toMatchObject({ kind: "permanent" });
    s.failSend = boom(408, "timed out");
    const err = await t.transport.send("ses_send", { kind: "text", to: "+5511999990001", text: "x", messageId: "M5" }).catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err.kind).toBe("transient");
  });

  it("acts on each close reason: logout, restart required, connection lost (backoff), replaced", async () => {
    // loggedOut: stopped, auth state forgotten, no reconnect.
    const a = setup();
    await store.auth.setCreds("ses_out", "{}");
    await a.transport.start({ tenantId: "t", sessionId: "ses_out" });
    await open(a.last());
    a.last().emit("connection.update", { connection: "close", lastDisconnect: { error: boom(401) } });
    await tick(100);
    expect(a.seen.status.at(-1)).toMatchObject({ status: "stopped", reason: expect.stringMatching(/logged out/) });
    expect(await store.auth.getCreds("ses_out")).toBeUndefined();
    expect(a.sockets).toHaveLength(1);
    expect(a.transport.isRunning("ses_out")).toBe(false);

    // restartRequired: a new socket at once.
    const b = setup();
    await b.transport.start({ tenantId: "t", sessionId: "ses_restart" });
    b.last().emit("connection.update", { connection: "close", lastDisconnect: { error: boom(515) } });
    await tick(40);
    expect(b.sockets).toHaveLength(2);

    // connection lost: status says why, reconnects after a growing, capped delay.
    const c = setup();
    await c.transport.start({ tenantId: "t", sessionId: "ses_lost" });
    c.last().emit("connection.update", { connection: "close", lastDisconnect: { error: boom(408, "Connection was lost") } });
    await tick(10);
    expect(c.seen.status.at(-1)).toMatchObject({
      status: "starting",
      reason: expect.stringMatching(/connection lost \(Connection was lost, code 408\); reconnecting in 0 s \(attempt 1\)/),
    });
    expect(c.sockets).toHaveLength(1);
    await tick(80);
    expect(c.sockets).toHaveLength(2);
    c.last().emit("connection.update", { connection: "close", lastDisconnect: { error: boom(428) } });
    await tick(60);
    expect(c.sockets).toHaveLength(2);
    await tick(80);
    expect(c.sockets).toHaveLength(3);
    await open(c.last());
    expect(c.seen.status.at(-1)?.status).toBe("working");

    // connectionReplaced: failed with the reason, no fight for the session.
    const d = setup();
    await d.transport.start({ tenantId: "t", sessionId: "ses_replaced" });
    await open(d.last());
    d.last().emit("connection.update", { connection: "close", lastDisconnect: { error: boom(440) } });
    await tick(150);
    expect(d.seen.status.at(-1)).toMatchObject({ status: "failed", reason: expect.stringMatching(/replaced/) });
    expect(d.sockets).toHaveLength(1);
  });
});

describe("session host ownership (leases in DynamoDB Local)", () => {
  it("lets exactly one of two racing hosts own a session", async () => {
    const ids = createIds();
    const tenantId = `ten_${randomBytes(5).toString("hex")}`;
    const sessionId = ids.next("ses");
    const now = new Date().toISOString();
    await store.sessions.create({
      id: sessionId,
      tenant_id: tenantId,
      name: "race",
      status: "starting",
      status_reason: null,
      phone: null,
      transport: "baileys",
      desired: "running",
      qr: null,
      qr_png_data_url: null,
      pairing_code: null,
      created_at: now,
      updated_at: now,
    });
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
    const { startConsumer } = await import("../../packages/worker/src/consumer");
    const { createEventHandler } = await import("../../packages/worker/src/events");
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
        makeSocket: () => {
          const s = new FakeSocket();
          t.sockets.push(s);
          return s;
        },
        sleep: async () => {},
      }),
    );
    const handle = createEventHandler(
      deps,
      { session: async (b) => (b.type === "session.sync" ? host.sync(b.tenant_id, b.session_id) : host.pair(b.tenant_id, b.session_id, b.phone)) },
      logger,
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
    expect(raw.Item?.value).toMatch(/^enc:v1:/);
    expect(raw.Item?.value).not.toContain("noise-key");
    await expect(createStore(db).auth.getCreds("ses_enc")).rejects.toThrow(/encrypted/);
    await expect(createStore(db, { authKey: randomBytes(32) }).auth.getCreds("ses_enc")).rejects.toThrow();
  });
});
