import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseWaVersion } from "../../packages/core/src/session/wa-version";
import { closeAction } from "../../packages/whatsapp/src/baileys";
import { jitterDelay } from "../../packages/whatsapp/src/baileys/support";
import { open, setup, store, until, useTable } from "../helpers/baileys-fixture";
import { tick } from "../helpers/fake-socket";

/**
 * Close codes as Baileys 7.0.0-rc14 produces them (node_modules/baileys/lib): every close goes through
 * `end()` in Socket/socket.js, fed by `CB:stream:error` (Utils/generics.js getErrorCodeFromStreamError:
 * 500 for any unknown reason), `CB:failure` (the node's reason: 401, 403, 405), `ws.on('close')`
 * (428), `mapWebSocketError` (Utils/generics.js getCodeFromWSError: 408 or 500), `genPairQR`
 * (408 once the QR refs run out) and the 515 that follows `pair-success`.
 */
useTable();

const sid = () => `ses_${randomBytes(5).toString("hex")}`;

describe("close codes as Baileys means them (fake socket emitting Baileys' sequences)", () => {
  it("a stream error without a known reason (500, Baileys' catch-all) and a socket error reconnect and keep the credentials", async () => {
    const t = setup();
    const id = sid();
    await store.auth.setCreds(id, JSON.stringify({ registrationId: 7 }));
    await t.transport.start({ tenantId: "t", sessionId: id });
    await open(t.last());
    // "Stream Errored (ack)": WhatsApp's transient stream error, mapped to 500 by getErrorCodeFromStreamError.
    t.last().streamError({}, "ack");
    await until(() => t.sockets.length === 2);
    expect(t.seen.status.at(-1)).toMatchObject({ status: "starting", reason: expect.stringMatching(/Stream Errored \(ack\), code 500/) });
    expect(await store.auth.getCreds(id)).toBeDefined();
    await open(t.last());
    t.last().wsError("getaddrinfo ENOTFOUND web.whatsapp.com", "ENOTFOUND");
    await until(() => t.sockets.length === 3);
    // 411 (`CB:ib,,downgrade_webclient`), 428 (the socket closed), 503: all transient.
    await open(t.last());
    t.last().end(Object.assign(new Error("Multi-device beta not joined"), { output: { statusCode: 411 } }));
    await until(() => t.sockets.length === 4);
    await open(t.last());
    t.last().terminated();
    await until(() => t.sockets.length === 5);
    await open(t.last());
    expect(t.transport.isRunning(id)).toBe(true);
    expect(t.seen.status.filter((e) => e.status === "failed" || e.status === "stopped")).toEqual([]);
    expect(await store.auth.getCreds(id)).toBeDefined();
  });

  it("401 (a failure node: logged out) stops and forgets; 403 and 440 (stream conflict) stop and keep them; none reconnects", async () => {
    const cases = [
      { fire: (s: ReturnType<ReturnType<typeof setup>["last"]>) => s.failure("401"), status: "stopped", reason: /logged out/, creds: false },
      { fire: (s: ReturnType<ReturnType<typeof setup>["last"]>) => s.failure("403"), status: "failed", reason: /403/, creds: true },
      { fire: (s: ReturnType<ReturnType<typeof setup>["last"]>) => s.streamError({}, "conflict"), status: "failed", reason: /replaced \(440\)/, creds: true },
    ];
    for (const c of cases) {
      const t = setup();
      const id = sid();
      await store.auth.setCreds(id, "{}");
      await t.transport.start({ tenantId: "t", sessionId: id });
      await open(t.last());
      c.fire(t.last());
      await until(() => !t.transport.isRunning(id));
      await until(() => t.seen.status.at(-1)?.status === c.status);
      expect(t.seen.status.at(-1)?.reason).toMatch(c.reason);
      expect((await store.auth.getCreds(id)) !== undefined).toBe(c.creds);
      await tick(250);
      expect(t.sockets).toHaveLength(1);
    }
  });

  it("405 (update required) fails the session with what to do and an alarm-able log line, instead of looping as starting", async () => {
    const t = setup();
    const id = sid();
    await t.transport.start({ tenantId: "t", sessionId: id });
    t.last().failure("405");
    await until(() => t.seen.status.at(-1)?.status === "failed");
    expect(t.seen.status.at(-1)?.reason).toMatch(/newer WhatsApp Web version.*OUTREACH_WA_VERSION/);
    expect(t.lines).toContainEqual(expect.objectContaining({ level: "error", obj: expect.objectContaining({ event: "session.update_required", code: 405 }) }));
    await tick(250);
    expect(t.sockets).toHaveLength(1);
  });

  it("515 after pairing restarts at once with the pairing in the socket's auth state and in the store", async () => {
    const t = setup({ backoff: { baseMs: 5000, maxMs: 5000 } });
    const id = sid();
    await t.transport.start({ tenantId: "t", sessionId: id });
    t.last().emit("connection.update", { qr: "2@ref,noise,identity,adv" });
    t.last().pairSuccess();
    // At once (the backoff here is 5 s), and the new socket starts from the same, paired, credentials.
    await until(() => t.sockets.length === 2, 1000);
    expect(t.last().opts?.auth.creds.me?.id).toBe("5511999990000:7@s.whatsapp.net");
    expect(t.last().opts?.auth.creds).toBe(t.sockets[0]?.opts?.auth.creds);
    const saved = async () => JSON.parse((await store.auth.getCreds(id)) ?? "{}").me?.id;
    for (let i = 0; i < 50 && (await saved()) === undefined; i++) await tick(20);
    expect(await saved()).toBe("5511999990000:7@s.whatsapp.net");
    await open(t.last());
    expect(t.seen.status.at(-1)).toMatchObject({ status: "working", phone: "+5511999990000" });
  });

  it("QR codes nobody scans: after three rounds (each ended by Baileys with 408) the session stops and says why", async () => {
    const t = setup({ maxQrCycles: 3 });
    const id = sid();
    await t.transport.start({ tenantId: "t", sessionId: id });
    for (let round = 1; round <= 3; round++) {
      await until(() => t.sockets.length === round);
      t.last().qrUntilExpired(2);
    }
    await until(() => t.seen.status.at(-1)?.status === "stopped");
    expect(t.seen.status.at(-1)?.reason).toMatch(/no QR code was scanned \(3 rounds/);
    await tick(250);
    expect(t.sockets).toHaveLength(3);
    expect(t.transport.isRunning(id)).toBe(false);
  });

  it("reconnects with full jitter: a random wait up to the capped exponential", async () => {
    expect([0, 0.5, 0.9999].map((r) => jitterDelay(1, { baseMs: 1000, maxMs: 8000 }, () => r))).toEqual([0, 500, 999]);
    expect(jitterDelay(10, { baseMs: 1000, maxMs: 8000 }, () => 0.5)).toBe(4000);
    const t = setup({ backoff: { baseMs: 400, maxMs: 400 }, random: () => 0.5 });
    const id = sid();
    await t.transport.start({ tenantId: "t", sessionId: id });
    const closed = Date.now();
    t.last().streamError({ code: "503" });
    await until(() => t.sockets.length === 2);
    const waited = (t.createdAt[1] as number) - closed;
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(390);
  });

  it("every code has its action; unknown codes reconnect", () => {
    expect([401, 403, 405, 408, 411, 428, 440, 500, 503, 515, 499, undefined].map((c) => closeAction(c).kind)).toEqual([
      "forget",
      "stop",
      "update",
      "reconnect",
      "reconnect",
      "reconnect",
      "stop",
      "reconnect",
      "reconnect",
      "restart",
      "reconnect",
      "reconnect",
    ]);
  });

  it("announces OUTREACH_WA_VERSION to WhatsApp when set, Baileys' own version otherwise; a malformed value is refused", async () => {
    expect(parseWaVersion("2.3000.1027934701")).toEqual([2, 3000, 1027934701]);
    expect(parseWaVersion(undefined)).toBeUndefined();
    expect(parseWaVersion("")).toBeUndefined();
    expect(() => parseWaVersion("2.3000")).toThrow(/OUTREACH_WA_VERSION/);
    const a = setup({ waVersion: [2, 3000, 1027934701] });
    await a.transport.start({ tenantId: "t", sessionId: sid() });
    expect(a.last().opts?.version).toEqual([2, 3000, 1027934701]);
    const b = setup();
    await b.transport.start({ tenantId: "t", sessionId: sid() });
    expect(b.last().opts && "version" in b.last().opts!).toBe(false);
  });
});
