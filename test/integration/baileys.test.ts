import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TransportError } from "../../packages/core/src/port";
import { useStoredAuthState } from "../../packages/whatsapp/src/baileys";
import { open, setup, store, until, useTable } from "../helpers/baileys-fixture";
import { boom, tick } from "../helpers/fake-socket";

/** WhatsApp's servers cannot be reached here: the adapter is driven through a fake socket at makeWASocket's boundary. */
useTable();

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
    await until(() => t.seen.status.some((e) => e.status === "qr"));
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
    const fetches = () => s.calls.filter((c) => c[0] === "groupFetch").length;
    await until(() => fetches() === 2);
    await tick(250);
    expect(fetches()).toBe(2);
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
    await until(() => s.calls.filter((c) => c[0] === "read").length === 2 && t.seen.contacts.length === 1);
    expect(t.seen.receipts).toEqual([
      expect.objectContaining({ messageId: "3EB0A", state: "delivered" }),
      expect.objectContaining({ messageId: "3EB0B", state: "read" }),
    ]);
    expect(t.seen.inbound).toEqual([
      expect.objectContaining({ sessionId: "ses_ev", from: "+5511999990005", text: "STOP", messageId: "in1" }),
      expect.objectContaining({ from: "+5511999990006", text: "hi via lid" }),
      // A group message is reported with its group (only monitored groups' messages are stored).
      expect.objectContaining({ from: "+5511999990007", text: "group chatter", waGroupId: "1@g.us", messageId: "in5" }),
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

  it("maps every inbound shape: texts, captions, media, wrappers, LID senders (remoteJidAlt or the LID mapping), WhatsApp's timestamp and push name, group members (phone, LID with participantAlt, LID only); ignores ours, broadcasts, channels, reactions and edits", async () => {
    const t = setup();
    await t.transport.start({ tenantId: "ten_1", sessionId: "ses_shapes" });
    const s = t.last();
    s.lids = { "777@lid": "5511999990017:3@s.whatsapp.net" };
    await open(s);
    const from = (n: number) => `55119999900${n}@s.whatsapp.net`;
    const msg = (id: string, remoteJid: string, message: object, extra: object = {}) => ({ key: { id, fromMe: false, remoteJid }, message, ...extra });
    s.emit("messages.upsert", {
      type: "notify",
      messages: [
        msg("t1", from(10), { conversation: "plain text" }, { messageTimestamp: 1_764_000_000, pushName: "Ana" }),
        msg("t2", from(11), { extendedTextMessage: { text: "with a link https://example.com" } }, { messageTimestamp: { toNumber: () => 1_764_000_001 } }),
        msg("t3", from(12), { imageMessage: { caption: "the photo's caption", mimetype: "image/jpeg" } }),
        msg("t4", from(13), { videoMessage: { caption: "a clip" } }),
        msg("t5", from(14), { documentWithCaptionMessage: { message: { documentMessage: { caption: "the invoice", fileName: "inv.pdf" } } } }),
        msg("t6", from(15), { audioMessage: { ptt: true, seconds: 4 } }),
        msg("t7", from(16), { stickerMessage: { isAnimated: false } }),
        msg("t8", from(18), { ephemeralMessage: { message: { extendedTextMessage: { text: "disappearing" } } } }),
        msg("t9", from(19), { imageMessage: {} }),
        { key: { id: "l1", fromMe: false, remoteJid: "888@lid", remoteJidAlt: from(20) }, message: { conversation: "lid with alt" } },
        msg("l2", "777@lid", { conversation: "lid from the mapping" }),
        msg("l3", "999999@lid", { conversation: "lid nobody knows" }),
        { key: { id: "x1", fromMe: true, remoteJid: from(10) }, message: { conversation: "our own" } },
        msg("x2", "status@broadcast", { conversation: "a status" }),
        { key: { id: "g1", fromMe: false, remoteJid: "120363000000000009@g.us", participant: from(10) }, message: { conversation: "group chatter" } },
        {
          key: { id: "g2", fromMe: false, remoteJid: "120363000000000009@g.us", participant: "321@lid", participantAlt: from(21) },
          message: { conversation: "member by lid" },
          pushName: "Bia",
        },
        { key: { id: "g3", fromMe: false, remoteJid: "120363000000000009@g.us", participant: "654@lid" }, message: { conversation: "lid only" } },
        msg("x4", "120363000000000010@newsletter", { conversation: "channel post" }),
        msg("x5", from(10), { reactionMessage: { text: "👍", key: { id: "t1" } } }),
        msg("x6", from(10), { protocolMessage: { type: 14, editedMessage: { conversation: "edited" } } }),
        msg("x7", from(10), { locationMessage: { degreesLatitude: 1, degreesLongitude: 2 } }),
        msg("x8", "1234@broadcast", { conversation: "a broadcast list" }),
      ],
    });
    await until(() => t.seen.inbound.length === 14);
    await tick(100);
    const seen = (t.seen.inbound as Record<string, unknown>[])
      .map(({ sessionId: _s, ...e }) => e)
      .sort((a, b) => String(a.messageId).localeCompare(String(b.messageId)));
    const now = expect.any(Number);
    const group = "120363000000000009@g.us";
    expect(seen).toEqual([
      { messageId: "g1", from: "+5511999990010", text: "group chatter", waGroupId: group, at: now },
      { messageId: "g2", from: "+5511999990021", text: "member by lid", waGroupId: group, fromLid: "321@lid", name: "Bia", at: now },
      { messageId: "g3", from: "", text: "lid only", waGroupId: group, fromLid: "654@lid", at: now },
      { messageId: "l1", from: "+5511999990020", text: "lid with alt", at: now },
      { messageId: "l2", from: "+5511999990017", text: "lid from the mapping", at: now },
      { messageId: "t1", from: "+5511999990010", text: "plain text", at: 1_764_000_000_000, name: "Ana" },
      { messageId: "t2", from: "+5511999990011", text: "with a link https://example.com", at: 1_764_000_001_000 },
      { messageId: "t3", from: "+5511999990012", text: "the photo's caption", mediaType: "image", at: now },
      { messageId: "t4", from: "+5511999990013", text: "a clip", mediaType: "video", at: now },
      { messageId: "t5", from: "+5511999990014", text: "the invoice", mediaType: "document", at: now },
      { messageId: "t6", from: "+5511999990015", text: "", mediaType: "audio", at: now },
      { messageId: "t7", from: "+5511999990016", text: "", mediaType: "sticker", at: now },
      { messageId: "t8", from: "+5511999990018", text: "disappearing", at: now },
      { messageId: "t9", from: "+5511999990019", text: "", mediaType: "image", at: now },
    ]);
  });

  it("sends text, an image with caption and a document, with our message id, after typing", async () => {
    const t = setup();
    await t.transport.start({ tenantId: "ten_1", sessionId: "ses_send" });
    const s = t.last();
    // Not connected yet: back to the queue without spending an attempt.
    await expect(t.transport.send("ses_send", { kind: "text", to: "+5511999990001", text: "early", messageId: "M0" })).rejects.toMatchObject({
      kind: "offline",
    });
    await open(s);
    s.calls = [];
    await t.transport.send("ses_send", { kind: "text", to: "+5511999990001", text: "Olá!", messageId: "3EB0AAA" });
    // The number is resolved first; "typing…" from an available client subscribed to the chat, unavailable again after.
    expect(s.calls).toEqual([
      ["onWhatsApp", "5511999990001@s.whatsapp.net"],
      ["presence", "available", undefined],
      ["presenceSubscribe", "5511999990001@s.whatsapp.net"],
      ["presence", "composing", "5511999990001@s.whatsapp.net"],
      ["presence", "paused", "5511999990001@s.whatsapp.net"],
      ["sendMessage", "5511999990001@s.whatsapp.net", { text: "Olá!" }, { messageId: "3EB0AAA" }],
      ["presence", "unavailable", undefined],
    ]);
    s.calls = [];
    await t.transport.send("ses_send", { kind: "media", to: "+5511999990001", url: "https://cdn.example.com/p/photo.JPG", caption: "Look", messageId: "M2" });
    await t.transport.send("ses_send", { kind: "media", to: "+5511999990001", url: "https://cdn.example.com/report?id=7", caption: "Q3", messageId: "M3" });
    const sent = s.calls.filter((c) => c[0] === "sendMessage").map((c) => c[2]);
    expect(sent).toEqual([
      { image: Buffer.from("https://cdn.example.com/p/photo.JPG"), caption: "Look" },
      { document: Buffer.from("https://cdn.example.com/report?id=7"), mimetype: "application/pdf", fileName: "report", caption: "Q3" },
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
    await until(() => a.seen.status.at(-1)?.status === "stopped");
    expect(a.seen.status.at(-1)).toMatchObject({ status: "stopped", reason: expect.stringMatching(/logged out/) });
    await until(() => !a.transport.isRunning("ses_out"));
    expect(await store.auth.getCreds("ses_out")).toBeUndefined();
    await tick(100);
    expect(a.sockets).toHaveLength(1);

    // restartRequired: a new socket at once.
    const b = setup({ backoff: { baseMs: 5000, maxMs: 5000 } });
    await b.transport.start({ tenantId: "t", sessionId: "ses_restart" });
    b.last().emit("connection.update", { connection: "close", lastDisconnect: { error: boom(515) } });
    await until(() => b.sockets.length === 2, 2000);

    // connection lost: status says why, reconnects after a growing, capped delay.
    const c = setup({ backoff: { baseMs: 300, maxMs: 600 } });
    await c.transport.start({ tenantId: "t", sessionId: "ses_lost" });
    const firstClose = Date.now();
    c.last().emit("connection.update", { connection: "close", lastDisconnect: { error: boom(408, "Connection was lost") } });
    await until(() => c.seen.status.at(-1)?.status === "starting" && /attempt 1/.test(c.seen.status.at(-1)?.reason ?? ""));
    expect(c.seen.status.at(-1)?.reason).toMatch(/connection lost \(Connection was lost, code 408\); reconnecting in 0 s \(attempt 1\)/);
    await until(() => c.sockets.length === 2);
    expect((c.createdAt[1] as number) - firstClose).toBeGreaterThanOrEqual(290);
    const secondClose = Date.now();
    c.last().emit("connection.update", { connection: "close", lastDisconnect: { error: boom(428) } });
    await until(() => c.sockets.length === 3);
    expect((c.createdAt[2] as number) - secondClose).toBeGreaterThanOrEqual(590);
    expect(c.seen.status.at(-1)?.reason).toMatch(/attempt 2/);
    const thirdClose = Date.now();
    c.last().emit("connection.update", { connection: "close", lastDisconnect: { error: boom(503) } });
    await until(() => c.sockets.length === 4);
    // Capped: the third wait is the maximum, not 1,200 ms.
    expect((c.createdAt[3] as number) - thirdClose).toBeGreaterThanOrEqual(590);
    expect((c.createdAt[3] as number) - thirdClose).toBeLessThan(1190);
    await open(c.last());
    expect(c.seen.status.at(-1)?.status).toBe("working");

    // connectionReplaced: failed with the reason, no fight for the session.
    const d = setup();
    await d.transport.start({ tenantId: "t", sessionId: "ses_replaced" });
    await open(d.last());
    d.last().emit("connection.update", { connection: "close", lastDisconnect: { error: boom(440) } });
    await until(() => d.seen.status.at(-1)?.status === "failed");
    expect(d.seen.status.at(-1)).toMatchObject({ status: "failed", reason: expect.stringMatching(/replaced/) });
    await tick(300);
    expect(d.sockets).toHaveLength(1);
  });
});
