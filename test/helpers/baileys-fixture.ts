import { randomBytes } from "node:crypto";
import { beforeAll, inject } from "vitest";
import { createDb, createStore, ensureTable } from "../../packages/aws/src/store";
import type { GuardedFetch } from "../../packages/core/src/net";
import type { Outbound, RestrictionEvent, StatusEvent, TransportEvents } from "../../packages/core/src/port";
import { createLogger } from "../../packages/log/src";
import { type AuthStore, createBaileysTransport } from "../../packages/whatsapp/src/baileys";
import { FakeSocket, tick } from "./fake-socket";

export const db = createDb({ table: `baileys-${randomBytes(4).toString("hex")}`, endpoint: inject("dynamoEndpoint") });
export const store = createStore(db);
/** Call from a test file: creates this file's table on DynamoDB Local. */
export const useTable = () => beforeAll(() => ensureTable(db));
export const logger = createLogger({ level: "silent" });

export const recorder = () => {
  const seen = {
    status: [] as StatusEvent[],
    receipts: [] as unknown[],
    inbound: [] as unknown[],
    groups: [] as any[],
    contacts: [] as any[],
    restricted: [] as RestrictionEvent[],
  };
  /** What `sentContent` answers (the store's rebuilt outbound message), by message id. */
  const stored = new Map<string, Outbound>();
  const events: TransportEvents = {
    status: async (e) => void seen.status.push(e),
    receipt: async (e) => void seen.receipts.push(e),
    inbound: async (e) => void seen.inbound.push(e),
    groups: async (e) => void seen.groups.push(e),
    contacts: async (e) => void seen.contacts.push(e),
    restricted: async (e) => void seen.restricted.push(e),
    sentContent: async (e) => stored.get(e.messageId),
  };
  return { seen, events, stored };
};

export const setup = (
  opts: {
    groupsThrottleMs?: number;
    backoff?: { baseMs: number; maxMs: number };
    random?: () => number;
    maxQrCycles?: number;
    waVersion?: [number, number, number];
    auth?: AuthStore;
    events?: Partial<TransportEvents>;
    fetchMedia?: GuardedFetch;
  } = {},
) => {
  const sockets: FakeSocket[] = [];
  const createdAt: number[] = [];
  const { seen, events: recorded, stored } = recorder();
  const events = { ...recorded, ...opts.events };
  const log = captureLogger();
  const transport = createBaileysTransport({
    auth: opts.auth ?? store.auth,
    events,
    logger: log,
    makeSocket: (o) => {
      const s = new FakeSocket(o);
      sockets.push(s);
      createdAt.push(Date.now());
      return s;
    },
    backoff: opts.backoff ?? { baseMs: 50, maxMs: 200 },
    // The full jitter's top by default: waits are exact (a test of the jitter passes its own randomness).
    random: opts.random ?? (() => 0.9999),
    ...(opts.maxQrCycles ? { maxQrCycles: opts.maxQrCycles } : {}),
    ...(opts.waVersion ? { waVersion: opts.waVersion } : {}),
    readDelayMs: [10, 20],
    groupsThrottleMs: opts.groupsThrottleMs ?? 100,
    sleep: async () => {},
    // The guard's stand-in: the "file" is the URL's bytes; reports are PDFs, the rest has no content type.
    fetchMedia:
      opts.fetchMedia ?? (async (url) => ({ buffer: Buffer.from(url), contentType: url.includes("report") ? "application/pdf" : null, finalUrl: url })),
  });
  return { transport, sockets, createdAt, seen, stored, lines: log.lines, last: () => sockets.at(-1) as FakeSocket };
};

/** A logger that keeps every line (level, fields, message) for assertions. */
export const captureLogger = () => {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => void lines.push({ level, obj, msg });
  const l = { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), fatal: at("fatal"), child: () => l };
  return l;
};

export const open = async (s: FakeSocket) => {
  s.emit("connection.update", { connection: "open" });
  await tick();
};

/** Polls until `check` holds (timing under load varies; the assertions that follow are exact). */
export const until = async (check: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await tick(10);
  }
};
