import { randomBytes } from "node:crypto";
import { Jimp } from "jimp";
import { describe, expect, it } from "vitest";
import { open, setup, until, useTable } from "../helpers/baileys-fixture";
import { tick } from "../helpers/fake-socket";

/**
 * What WhatsApp does to the messages of a session, as Baileys 7.0.0-rc14 reports it
 * (node_modules/baileys/lib): refusals after the send resolved (Socket/messages-recv.js handleBadAck),
 * the reach-out time lock (handleReachoutTimelockNotification, Socket/socket.js
 * fetchAccountReachoutTimelock), numbers (Socket/socket.js onWhatsApp), messages that arrived while
 * offline (handleMessage with `offline`: `append`), retry receipts (sendMessagesAgain → getMessage).
 */
useTable();

const sid = () => `ses_${randomBytes(5).toString("hex")}`;
const text = (to: string, messageId: string) => ({ kind: "text" as const, to, text: "Olá!", messageId });

const connected = async (opts: Parameters<typeof setup>[0] = {}) => {
  const t = setup(opts);
  const id = sid();
  await t.transport.start({ tenantId: "t", sessionId: id });
  await open(t.last());
  t.last().calls = [];
  return { ...t, id, s: t.last() };
};

describe("refusals and restrictions (status 0 from handleBadAck)", () => {
  it("a refused message is reported as a failed receipt with WhatsApp's code and a reason a person understands", async () => {
    const t = await connected();
    await t.transport.send(t.id, text("+5511999990001", "3EB0REFUSED"));
    t.s.badAck("3EB0REFUSED", "5511999990001@s.whatsapp.net", "479");
    // Our own delivered receipt still maps; someone else's status 0 is ignored.
    t.s.emit("messages.update", [
      { key: { id: "X", fromMe: false, remoteJid: "5511999990002@s.whatsapp.net" }, update: { status: 0, messageStubParameters: ["479"] } },
    ]);
    await until(() => t.seen.receipts.length === 1);
    await tick(50);
    expect(t.seen.receipts).toEqual([
      {
        sessionId: t.id,
        messageId: "3EB0REFUSED",
        state: "failed",
        code: "479",
        reason: expect.stringMatching(/rejected the message \(479\)/),
        at: expect.any(Number),
      },
    ]);
    // A refusal that is not a restriction pauses nothing.
    expect(t.seen.restricted).toEqual([]);
  });

  it("463 reports the restriction with the time lock's end, once, and the refused message as failed; nothing is retried", async () => {
    const t = await connected();
    const ends = new Date(Date.now() + 3 * 3600_000);
    t.s.timelock = { isActive: true, timeEnforcementEnds: ends };
    await t.transport.send(t.id, text("+5511999990001", "3EB0A"));
    await t.transport.send(t.id, text("+5511999990002", "3EB0B"));
    t.s.badAck("3EB0A", "5511999990001@s.whatsapp.net", "463");
    t.s.badAck("3EB0B", "5511999990002@s.whatsapp.net", "463");
    await until(() => t.seen.receipts.length === 2 && t.seen.restricted.length >= 1);
    await tick(50);
    expect(t.seen.restricted).toHaveLength(1);
    expect(t.seen.restricted[0]).toMatchObject({
      sessionId: t.id,
      code: "463",
      until: ends.getTime(),
      reason: expect.stringMatching(/from starting new chats/),
    });
    expect(t.s.calls.filter((c) => c[0] === "timelock")).toHaveLength(1);
    expect(t.seen.receipts).toEqual([
      expect.objectContaining({ messageId: "3EB0A", state: "failed", code: "463" }),
      expect.objectContaining({ messageId: "3EB0B", state: "failed", code: "463" }),
    ]);
    expect(t.s.calls.filter((c) => c[0] === "sendMessage")).toHaveLength(2);
    expect(t.lines).toContainEqual(expect.objectContaining({ level: "error", obj: expect.objectContaining({ event: "session.restricted", code: "463" }) }));
  });

  it("the reach-out time lock notification restricts the session with its end", async () => {
    const t = await connected();
    const ends = new Date(Date.now() + 600_000);
    t.s.timelockNotification(ends);
    await until(() => t.seen.restricted.length === 1);
    expect(t.seen.restricted[0]).toMatchObject({ code: "reachout_timelock", until: ends.getTime(), reason: expect.stringMatching(/reach-out time lock/) });
  });
});

describe("numbers are resolved before sending (onWhatsApp)", () => {
  it("sends to the id WhatsApp returns, fails a number without an account with not_on_whatsapp and sends nothing, batches and caches lookups", async () => {
    const t = await connected();
    // A Brazilian mobile whose WhatsApp id predates the ninth digit; one number without an account.
    t.s.accounts = {
      "5511999990001": "5511999990001@s.whatsapp.net",
      "5511988887777": "551188887777@s.whatsapp.net",
      "5511966665555": "5511966665555@s.whatsapp.net",
    };
    await Promise.all([t.transport.send(t.id, text("+5511999990001", "M1")), t.transport.send(t.id, text("+5511988887777", "M2"))]);
    const lookups = () => t.s.calls.filter((c) => c[0] === "onWhatsApp");
    // Asked together, in one query, only for the numbers being sent.
    expect(lookups()).toEqual([["onWhatsApp", "5511999990001@s.whatsapp.net", "5511988887777@s.whatsapp.net"]]);
    const sends = () => t.s.calls.filter((c) => c[0] === "sendMessage").map((c) => c[1]);
    expect(sends().sort()).toEqual(["551188887777@s.whatsapp.net", "5511999990001@s.whatsapp.net"]);

    t.s.calls = [];
    const err = await t.transport.send(t.id, text("+5511977776666", "M3")).catch((e) => e);
    expect(err).toMatchObject({ kind: "permanent", message: expect.stringMatching(/^not_on_whatsapp/) });
    // No send, no "typing…" to a number that is not there.
    expect(t.s.calls).toEqual([["onWhatsApp", "5511977776666@s.whatsapp.net"]]);

    // No answer is not "no account": the send may be retried, and nothing is cached.
    t.s.usyncUnanswered = true;
    await expect(t.transport.send(t.id, text("+5511966665555", "M5"))).rejects.toMatchObject({ kind: "transient" });
    t.s.usyncUnanswered = false;
    await t.transport.send(t.id, text("+5511966665555", "M5"));
    expect(t.s.calls.filter((c) => c[0] === "sendMessage").at(-1)?.[1]).toBe("5511966665555@s.whatsapp.net");

    // Cached: the next message to a resolved number asks nothing.
    t.s.calls = [];
    await t.transport.send(t.id, text("+5511988887777", "M4"));
    expect(lookups()).toEqual([]);
    expect(sends()).toEqual(["551188887777@s.whatsapp.net"]);
  });
});

describe("inbound while offline (append)", () => {
  it("messages upserted as append (arrived while the socket was down) are reported like notify ones, a STOP among them too", async () => {
    const t = await connected();
    const stop = {
      key: { id: "OFF1", fromMe: false, remoteJid: "5511999990005@s.whatsapp.net" },
      message: { conversation: "STOP" },
      messageTimestamp: 1_764_000_000,
    };
    t.s.offline([stop, { key: { id: "OFF2", fromMe: true, remoteJid: "5511999990005@s.whatsapp.net" }, message: { conversation: "ours" } }]);
    await until(() => t.seen.inbound.length === 1);
    expect(t.seen.inbound[0]).toEqual({ sessionId: t.id, from: "+5511999990005", text: "STOP", messageId: "OFF1", at: 1_764_000_000_000 });
  });
});

describe("mentions in groups (the `mentions` monitor mode)", () => {
  it("reports a group message's mentioned JIDs as numbers, the session's own LID as its own number, other LIDs as they are", async () => {
    const t = await connected();
    (t.s as { user: unknown }).user = { id: "5511999990000:7@s.whatsapp.net", lid: "999999999:7@lid" };
    t.s.offline([
      {
        key: { id: "G1", fromMe: false, remoteJid: "120363000000000009@g.us", participant: "5511999990006@s.whatsapp.net" },
        message: {
          extendedTextMessage: { text: "@bot @ana how much?", contextInfo: { mentionedJid: ["999999999@lid", "5511999990007@s.whatsapp.net", "123456@lid"] } },
        },
        messageTimestamp: 1_764_000_000,
      },
    ]);
    await until(() => t.seen.inbound.length === 1);
    expect(t.seen.inbound[0]).toMatchObject({
      waGroupId: "120363000000000009@g.us",
      from: "+5511999990006",
      mentions: ["+5511999990000", "+5511999990007", "123456@lid"],
    });
  });
});

describe("sending like WhatsApp Web", () => {
  it("an image carries a jpegThumbnail made from its bytes, with its size", async () => {
    const png = await new Jimp({ width: 640, height: 480, color: 0x3366ffff }).getBuffer("image/png");
    const t = await connected({ fetchMedia: async (url) => ({ buffer: png, contentType: "image/png", finalUrl: url }) });
    await t.transport.send(t.id, { kind: "media", to: "+5511999990001", url: "https://cdn.example.com/a.png", caption: "Look", messageId: "IMG1" });
    const content = t.s.calls.find((c) => c[0] === "sendMessage")?.[2] as { image: Buffer; jpegThumbnail: string; width: number; height: number };
    expect(content.image.equals(png)).toBe(true);
    expect({ width: content.width, height: content.height }).toEqual({ width: 640, height: 480 });
    const thumb = await Jimp.read(Buffer.from(content.jpegThumbnail, "base64"));
    expect(thumb.mime).toBe("image/jpeg");
    expect(thumb.width).toBe(32);
  });

  it("a retry receipt is answered with what was sent: from memory, and from the store in a new process", async () => {
    const t = await connected();
    await t.transport.send(t.id, text("+5511999990001", "3EB0RETRY"));
    expect(await t.s.retryReceipt("3EB0RETRY", "5511999990001@s.whatsapp.net")).toEqual({ extendedTextMessage: { text: "Olá!" } });
    // Another process (the session moved, or the worker restarted): rebuilt from the store's content.
    const u = await connected();
    u.stored.set("3EB0OLD", { kind: "text", to: "+5511999990001", text: "Oi Ana", messageId: "3EB0OLD" });
    expect(await u.s.retryReceipt("3EB0OLD", "5511999990001@s.whatsapp.net")).toEqual({ extendedTextMessage: { text: "Oi Ana" } });
    expect(await u.s.retryReceipt("3EB0UNKNOWN", "5511999990001@s.whatsapp.net")).toBeUndefined();
    // One retry counter for every socket of the process: a reconnect does not answer the same receipts from zero.
    expect(u.s.opts?.msgRetryCounterCache).toBe(t.s.opts?.msgRetryCounterCache);
  });

  it("Baileys' own warnings reach our log at warn, tagged, without buffers", async () => {
    const t = await connected();
    const log = t.s.opts?.logger;
    log
      .child({ class: "baileys" })
      .warn({ msgId: "3EB0A", from: "5511@s.whatsapp.net", node: Buffer.from("x") }, "error 463: account restricted or missing tctoken for contact");
    log.debug({ noisy: true }, "chatter");
    const lines = t.lines.filter((l) => l.obj.source === "baileys");
    expect(lines).toEqual([
      {
        level: "warn",
        obj: { source: "baileys", session_id: t.id, class: "baileys", msgId: "3EB0A", from: "5511@s.whatsapp.net" },
        msg: "error 463: account restricted or missing tctoken for contact",
      },
    ]);
  });
});
