import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type AuthStore, useStoredAuthState } from "../../packages/whatsapp/src/baileys";
import { CHUNK_CHARS } from "../../packages/whatsapp/src/baileys/auth";
import { open, setup, store, until, useTable } from "../helpers/baileys-fixture";
import { tick } from "../helpers/fake-socket";

/**
 * The adapter under what production does to it: a store that fails or is slow, a stop() in the
 * middle of a connect, listeners whose writes fail, registered sessions asked for pairing codes, and
 * an app-state item past DynamoDB's 400 KB — on DynamoDB Local and the Baileys-faithful fake socket.
 */
useTable();

const sid = () => `ses_${randomBytes(5).toString("hex")}`;

/** The real store (DynamoDB Local) with counted reads and writes that can be slowed down or made to fail. */
const countingAuth = () => {
  const n = { getCreds: 0, getKeys: 0, setCreds: 0, failSetCreds: 0, slowSetCredsMs: 0, slowGetCredsMs: 0 };
  const auth: AuthStore = {
    getCreds: async (id) => {
      n.getCreds++;
      if (n.slowGetCredsMs) await tick(n.slowGetCredsMs);
      return store.auth.getCreds(id);
    },
    setCreds: async (id, v) => {
      n.setCreds++;
      if (n.failSetCreds > 0) {
        n.failSetCreds--;
        throw new Error("ProvisionedThroughputExceededException");
      }
      if (n.slowSetCredsMs) await tick(n.slowSetCredsMs);
      return store.auth.setCreds(id, v);
    },
    getKeys: async (id, type, ids) => {
      n.getKeys++;
      return store.auth.getKeys(id, type, ids);
    },
    setKeys: (id, e) => store.auth.setKeys(id, e),
    clear: (id) => store.auth.clear(id),
  };
  return { n, auth };
};

describe("no listener can crash the process", () => {
  it("failing status writes on start, open and close leave the session running, reconnecting, with no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => void unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      const failing = async () => {
        throw new Error("DynamoDB unavailable");
      };
      const t = setup({ events: { status: failing, inbound: failing, contacts: failing, groups: failing } });
      const id = sid();
      await t.transport.start({ tenantId: "t", sessionId: id });
      // start(): the socket exists although its "starting" could not be written.
      expect(t.sockets).toHaveLength(1);
      expect(t.transport.isRunning(id)).toBe(true);
      await open(t.last());
      t.last().emit("messages.upsert", {
        type: "notify",
        messages: [{ key: { id: "in1", fromMe: false, remoteJid: "5511999990005@s.whatsapp.net" }, message: { conversation: "hi" } }],
      });
      t.last().emit("contacts.upsert", [{ id: "5511999990008@s.whatsapp.net", name: "Caio" }]);
      // Garbage Baileys never sends still cannot throw out of a listener.
      t.last().emit("messages.update", null);
      t.last().emit("messages.upsert", { type: "notify", messages: [null] });
      // close: the reconnect is scheduled before the (failing) status write.
      t.last().terminated();
      await until(() => t.sockets.length === 2);
      await tick(100);
      expect(unhandled).toEqual([]);
      expect(t.lines).toContainEqual(expect.objectContaining({ level: "error", msg: "session status not recorded" }));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("durable auth and answerable retries", () => {
  it("one auth state per session for its life: read once, kept across reconnects, key reads cached", async () => {
    const { n, auth } = countingAuth();
    const t = setup({ auth });
    const id = sid();
    await t.transport.start({ tenantId: "t", sessionId: id });
    await open(t.last());
    t.last().terminated();
    await until(() => t.sockets.length === 2);
    expect(n.getCreds).toBe(1);
    expect(t.sockets[1]?.opts?.auth.creds).toBe(t.sockets[0]?.opts?.auth.creds);
    // makeCacheableSignalKeyStore: the second read of a key is answered from memory.
    const keys = t.last().opts?.auth.keys;
    await keys?.set({ session: { "5511999990001.0": new Uint8Array([1, 2]) } });
    const before = n.getKeys;
    await keys?.get("session", ["5511999990001.0"]);
    await keys?.get("session", ["5511999990001.0"]);
    expect(n.getKeys - before).toBe(0);
  });

  it("credential saves run one at a time, are retried, and are flushed before stop() returns (the lease is released after it)", async () => {
    const { n, auth } = countingAuth();
    const t = setup({ auth });
    const id = sid();
    await t.transport.start({ tenantId: "t", sessionId: id });
    const s = t.last();
    n.failSetCreds = 2;
    s.emit("creds.update", { me: { id: "5511999990000:7@s.whatsapp.net" } });
    n.slowSetCredsMs = 150;
    s.emit("creds.update", { platform: "smba" });
    await t.transport.stop(id, { logout: false });
    // Saved by the time stop() returns: both updates, after two refused writes.
    const saved = JSON.parse((await store.auth.getCreds(id)) ?? "{}");
    expect(saved.me?.id).toBe("5511999990000:7@s.whatsapp.net");
    expect(saved.platform).toBe("smba");
    expect(n.setCreds).toBe(4);
  });

  it("a stop() while the connect reads credentials leaves no socket behind", async () => {
    const { n, auth } = countingAuth();
    n.slowGetCredsMs = 200;
    const t = setup({ auth });
    const id = sid();
    const starting = t.transport.start({ tenantId: "t", sessionId: id });
    await tick(50);
    await t.transport.stop(id, { logout: false });
    await starting;
    await tick(300);
    expect(t.sockets).toHaveLength(0);
    expect(t.transport.isRunning(id)).toBe(false);
  });

  it("the app-state sync version past DynamoDB's 400 KB is stored in parts and read back whole; a smaller one drops the parts", async () => {
    const id = sid();
    const a = await useStoredAuthState(store.auth, id);
    const indexValueMap: Record<string, { valueMac: Buffer }> = {};
    for (let i = 0; i < 6000; i++) indexValueMap[`idx${i}`] = { valueMac: randomBytes(32) };
    const big = { version: 812, hash: randomBytes(128), indexValueMap };
    await a.state.keys.set({ "app-state-sync-version": { regular: big as never } });
    const b = await useStoredAuthState(store.auth, id);
    const got = (await b.state.keys.get("app-state-sync-version", ["regular"])).regular as unknown as typeof big;
    expect(got.version).toBe(812);
    expect(Object.keys(got.indexValueMap)).toHaveLength(6000);
    expect(Buffer.from(got.indexValueMap.idx5999?.valueMac as Buffer).equals(indexValueMap.idx5999?.valueMac as Buffer)).toBe(true);
    const parts = Object.keys(
      await store.auth.getKeys(
        id,
        "app-state-sync-version",
        Array.from({ length: 20 }, (_, i) => `regular~part~${i}`),
      ),
    );
    expect(parts.length).toBeGreaterThan(4);
    expect(JSON.stringify(big).length).toBeGreaterThan(4 * CHUNK_CHARS);
    await b.state.keys.set({ "app-state-sync-version": { regular: { version: 813, hash: Buffer.alloc(4), indexValueMap: {} } as never } });
    expect(((await b.state.keys.get("app-state-sync-version", ["regular"])).regular as { version: number }).version).toBe(813);
    expect(await store.auth.getKeys(id, "app-state-sync-version", ["regular~part~0", "regular~part~1"])).toEqual({});
  });
});

describe("pairing only when pairable, sends only when connected", () => {
  it("a pairing code is asked only while a QR is shown and the account is not registered", async () => {
    const t = setup();
    const id = sid();
    await t.transport.start({ tenantId: "t", sessionId: id });
    // No QR yet (connecting, or a paired session logging in): refused before Baileys touches creds.me.
    await expect(t.transport.requestPairingCode(id, "+5511999990000")).rejects.toThrow(/not waiting to be paired/);
    t.last().emit("connection.update", { qr: "2@ref,noise,identity,adv" });
    await until(() => t.seen.status.some((e) => e.status === "qr"));
    expect(await t.transport.requestPairingCode(id, "+5511999990000")).toBe("ABCD-EFGH");
    // Registered (a code pairing completed): refused again.
    (t.last().opts?.auth.creds as { registered: boolean }).registered = true;
    await expect(t.transport.requestPairingCode(id, "+5511999990000")).rejects.toThrow(/not waiting to be paired/);
    expect(t.last().calls.filter((c) => c[0] === "pairing")).toHaveLength(1);
  });

  it("while reconnecting the session is not ready and a send is refused as offline (no attempt spent), then sends once open", async () => {
    const t = setup();
    const id = sid();
    await t.transport.start({ tenantId: "t", sessionId: id });
    await open(t.last());
    expect(t.transport.ready?.(id)).toBe(true);
    t.last().terminated();
    expect(t.transport.ready?.(id)).toBe(false);
    await expect(t.transport.send(id, { kind: "text", to: "+5511999990001", text: "x", messageId: "M1" })).rejects.toMatchObject({ kind: "offline" });
    await until(() => t.sockets.length === 2);
    await open(t.last());
    await t.transport.send(id, { kind: "text", to: "+5511999990001", text: "x", messageId: "M1" });
    expect(t.last().calls.filter((c) => c[0] === "sendMessage")).toHaveLength(1);
  });
});
