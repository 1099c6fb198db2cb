import { type ChildProcess, spawn } from "node:child_process";
import { connect, createServer } from "node:net";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateSecret, signatureHeaders } from "../../packages/core/src/webhook/sign";
import { waitFor } from "../helpers/api";
import { fences, readText } from "../helpers/markdown";

const PAGE = resolve(import.meta.dirname, "../../docs/webhooks.md");
/** The receivers docs/webhooks.md shows (```js receiver, ```python receiver), as written there. */
const receivers = fences(readText(PAGE)).filter((f) => / receiver$/.test(f.info));

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
const listening = (port: number) =>
  new Promise<boolean>((done) => {
    const c = connect(port, "127.0.0.1", () => {
      c.end();
      done(true);
    }).on("error", () => done(false));
  });

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill();
  child = undefined;
});

describe("docs/webhooks.md: the signature verification examples", () => {
  it("shows one receiver in Node and one in Python", () => {
    expect(receivers.map((r) => r.info)).toEqual(["js receiver", "python receiver"]);
  });

  for (const r of receivers) {
    it(`${r.info}: accepts a delivery signed as Outreach signs it and refuses a tampered, foreign, stale or unsigned one`, async () => {
      const secret = generateSecret();
      const port = await freePort();
      const [cmd, args] = r.info.startsWith("js") ? ["node", ["--input-type=module", "-e", r.code]] : ["python3", ["-c", r.code]];
      child = spawn(cmd, args as string[], { env: { ...process.env, PORT: String(port), WEBHOOK_SECRET: secret }, stdio: "ignore" });
      await waitFor(() => listening(port), { what: `${r.info} listening` });

      const post = (body: string, headers: Record<string, string>) =>
        fetch(`http://127.0.0.1:${port}/hook`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body }).then((res) => res.status);
      const body = JSON.stringify({ id: "evt_1", event: "message.received", timestamp: new Date().toISOString(), data: { message: "Olá! 👋" } });
      // Signed the way every delivery is signed (packages/core/src/webhook/sign.ts): accepted.
      expect(await post(body, signatureHeaders(secret, body, Date.now()))).toBe(200);
      // A body other than the one signed, another secret, a timestamp over 5 minutes old, no signature: refused.
      expect(await post(body.replace("evt_1", "evt_2"), signatureHeaders(secret, body, Date.now()))).toBe(401);
      expect(await post(body, signatureHeaders(generateSecret(), body, Date.now()))).toBe(401);
      expect(await post(body, signatureHeaders(secret, body, Date.now() - 600_000))).toBe(401);
      expect(await post(body, { "x-webhook-timestamp": String(Math.floor(Date.now() / 1000)) })).toBe(401);
    }, 60_000);
  }
});
