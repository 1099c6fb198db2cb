import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ignoredTransportEvents, type TransportEvents } from "../../packages/core/src/port";
import type { SandboxMessage } from "../../packages/core/src/sandbox";
import { createGuardedFetch } from "../../packages/fetch/src";
import { type AuthStore, createBaileysTransport } from "../../packages/whatsapp/src/baileys";
import { createSandboxTransport } from "../../packages/whatsapp/src/sandbox";
import { FakeSocket, tick } from "../helpers/fake-socket";

// Runs without DynamoDB Local: the auth state and the sandbox outbox are kept in memory here.
const memoryAuth = (): AuthStore => {
  const creds = new Map<string, string>();
  return {
    getCreds: async (s) => creds.get(s),
    setCreds: async (s, v) => void creds.set(s, v),
    getKeys: async () => ({}),
    setKeys: async () => {},
    clear: async (s) => void creds.delete(s),
  };
};
const events: TransportEvents = ignoredTransportEvents;
const logger = { info() {}, warn() {}, error() {} };

const PNG = Buffer.alloc(2048, 7);
let base = "";
const requests: string[] = [];
let server: http.Server;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === "/photo.png") return void res.writeHead(200, { "content-type": "image/png" }).end(PNG);
    if (req.url === "/metadata") return void res.writeHead(302, { location: "http://169.254.170.2/v2/credentials" }).end();
    if (req.url === "/big.mp4") {
      res.writeHead(200, { "content-type": "video/mp4", "content-length": String(17 * 1024 * 1024) });
      return void res.flushHeaders();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const baileys = async (allowLoopback: boolean) => {
  const sock = new FakeSocket();
  const transport = createBaileysTransport({
    auth: memoryAuth(),
    events,
    logger,
    makeSocket: () => sock,
    sleep: async () => {},
    fetchMedia: createGuardedFetch({ allowLoopback }),
  });
  await transport.start({ tenantId: "ten_1", sessionId: "ses_1" });
  sock.emit("connection.update", { connection: "open" });
  await tick();
  sock.calls = [];
  return { transport, sock };
};
const media = (url: string, messageId = "M1") => ({ kind: "media" as const, to: "+5511999990001", url, caption: "Look", messageId });

describe("media goes through the outbound-fetch guard", () => {
  it("Baileys gets the downloaded bytes, never the URL; one GET for many recipients, no HEAD", async () => {
    const { transport, sock } = await baileys(true);
    requests.length = 0;
    await transport.send("ses_1", media(`${base}/photo.png`, "M1"));
    await transport.send("ses_1", { ...media(`${base}/photo.png`, "M2"), to: "+5511999990002" });
    const sent = sock.calls.filter((c) => c[0] === "sendMessage").map((c) => c[2] as { image: Buffer; caption: string });
    expect(sent).toHaveLength(2);
    expect(Buffer.isBuffer(sent[0]?.image)).toBe(true);
    expect(sent[0]?.image.equals(PNG)).toBe(true);
    expect(requests).toEqual(["GET /photo.png"]);
  });

  it.each([
    [
      "a redirect to the credential endpoint",
      "/metadata",
      /^media not sent: redirect 1 was refused: its host 169\.254\.170\.2 is in 169\.254\.0\.0\/16: link-local/,
    ],
    ["a video over 16 MB", "/big.mp4", /^media not sent: the file is larger than the 16 MB allowed for it$/],
  ])("%s fails the send permanently, naming the rule, before any gesture to the contact", async (_what, path, reason) => {
    const { transport, sock } = await baileys(true);
    await expect(transport.send("ses_1", media(`${base}${path}`))).rejects.toMatchObject({
      name: "TransportError",
      kind: "permanent",
      message: expect.stringMatching(reason),
    });
    expect(sock.calls).toEqual([]);
  });

  it("without OUTREACH_ALLOW_PRIVATE_URLS a loopback URL is refused without a request", async () => {
    const { transport } = await baileys(false);
    requests.length = 0;
    await expect(transport.send("ses_1", media(`${base}/photo.png`))).rejects.toMatchObject({
      kind: "permanent",
      message: expect.stringMatching(/127\.0\.0\.0\/8: loopback/),
    });
    expect(requests).toEqual([]);
  });

  it("the sandbox resolves media through the guard too: refused media is never recorded as sent", async () => {
    const recorded: SandboxMessage[] = [];
    const sandbox = createSandboxTransport({
      outbox: { record: async (m) => void recorded.push(m), setStatuses: async () => {}, list: async () => recorded },
      events,
      clock: { now: () => Date.now(), sleep: async () => {} } as never,
      fetchMedia: createGuardedFetch({ allowLoopback: true }),
      receiptDelays: { delivered: 60_000, read: 60_000 },
    });
    await sandbox.start({ tenantId: "ten_1", sessionId: "ses_1" });
    await expect(sandbox.send("ses_1", media(`${base}/metadata`))).rejects.toMatchObject({
      kind: "permanent",
      message: expect.stringMatching(/169\.254\.170\.2/),
    });
    expect(recorded).toEqual([]);
    await sandbox.send("ses_1", media(`${base}/photo.png`, "M9"));
    expect(recorded.map((m) => [m.id, m.media_url])).toEqual([["M9", `${base}/photo.png`]]);
    sandbox.close();
  });
});
