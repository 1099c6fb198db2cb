import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createDb, createStore, ensureTable } from "../packages/aws/src/store";
import { ignoredTransportEvents, type TransportEvents } from "../packages/core/src/port";
import { startDynamoLocal } from "../packages/local/src/dynamo-local";
import { createLogger } from "../packages/log/src";
import { createBaileysTransport } from "../packages/whatsapp/src/baileys";
import { FakeSocket } from "../test/helpers/fake-socket";

const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
const settle = async () => {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 500));
  return process.memoryUsage().rss;
};

/**
 * What one Baileys session costs this process beyond WhatsApp's own state: the Baileys module loaded
 * once, then `sessions` sessions of our adapter (auth state in DynamoDB Local, keys cached, timers,
 * event wiring) on a fake socket at makeWASocket's boundary. A real socket adds Signal sessions, app
 * state and the websocket on top (docs/deploying-to-aws.md "Scaling" uses published figures for that part).
 */
export const baileysRss = async (sessions = 200) => {
  const dataDir = `/tmp/outreach-rss-${randomBytes(3).toString("hex")}`;
  const dynamo = await startDynamoLocal({ dataDir, log: () => {} });
  try {
    const db = createDb({ table: "rss", endpoint: dynamo.endpoint });
    await ensureTable(db);
    const store = createStore(db);
    const events: TransportEvents = ignoredTransportEvents;
    // The module's own cost, in a fresh process (this one has loaded it with the adapter already).
    const module = Number(
      execFileSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          "const a = process.memoryUsage().rss; await import('baileys'); await new Promise((r) => setTimeout(r, 500)); console.log(process.memoryUsage().rss - a)",
        ],
        { encoding: "utf8" },
      ).trim(),
    );
    const sockets: FakeSocket[] = [];
    const transport = createBaileysTransport({
      auth: store.auth,
      events,
      logger: createLogger({ level: "silent" }),
      makeSocket: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      fetchMedia: async () => ({ buffer: Buffer.alloc(0), contentType: null, finalUrl: "" }),
    });
    const base = await settle();
    for (let i = 0; i < sessions; i++) {
      await transport.start({ tenantId: "ten_rss", sessionId: `ses_rss_${i}` });
      sockets.at(-1)?.emit("connection.update", { connection: "open" });
    }
    const after = await settle();
    for (let i = 0; i < sessions; i++) await transport.stop(`ses_rss_${i}`, { logout: false });
    return {
      sessions,
      baileys_module_mb: mb(module),
      adapter_rss_growth_mb: mb(after - base),
      per_session_kb: Math.round((after - base) / sessions / 1024),
      gc_forced: typeof (globalThis as { gc?: unknown }).gc === "function",
    };
  } finally {
    await dynamo.stop();
  }
};
