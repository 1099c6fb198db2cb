import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createOutreachClient } from "@outreach/client";
import { inject } from "vitest";
import { createDb, createStore } from "../../packages/aws/src/store";
import { createIds } from "../../packages/core/src/id";
import type { PlanId } from "../../packages/core/src/plan";
import { systemClock } from "../../packages/core/src/port";
import type { Scope } from "../../packages/core/src/tenant";
import { createKey, createTenant } from "../../packages/core/src/tenant";

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/** A tiny HTTP client for the API of a running runtime. */
export const client = (baseUrl: string, key?: string) => {
  const call = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> => {
    const res = await fetch(
      `${baseUrl}${path.startsWith("/api/") || path.startsWith("/sandbox") || path.startsWith("/health") || path.startsWith("/docs") || path.startsWith("/openapi") ? "" : "/api/v2"}${path}`,
      {
        method,
        headers: {
          ...(key ? { "X-API-Key": key } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      },
    );
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed as T, headers: res.headers, text };
  };
  return {
    get: <T = any>(p: string, h?: Record<string, string>) => call<T>("GET", p, undefined, h),
    post: <T = any>(p: string, b?: unknown, h?: Record<string, string>) => call<T>("POST", p, b ?? {}, h),
    patch: <T = any>(p: string, b: unknown) => call<T>("PATCH", p, b),
    del: <T = any>(p: string) => call<T>("DELETE", p),
    raw: call,
  };
};
export type Client = ReturnType<typeof client>;

/** The shared runtime of this test run, with its development key. */
export const runtime = () => client(inject("runtimeUrl"), inject("runtimeKey"));
export const sandbox = () => client(inject("runtimeUrl"));

/** The runtime's store, reached through the DynamoDB Local endpoint it wrote to runtime.json. */
export const runtimeStore = (dataDir = inject("runtimeDataDir")) => {
  const rt = JSON.parse(readFileSync(join(dataDir, "runtime.json"), "utf8")) as { dynamodb_endpoint: string; table: string };
  return createStore(createDb({ table: rt.table, endpoint: rt.dynamodb_endpoint }));
};

/** The generated typed client (`@outreach/client`) on the shared runtime with `key`. */
export const typedClient = (key: string) => createOutreachClient({ url: inject("runtimeUrl"), key });

/**
 * A fresh tenant on `plan` in the shared runtime (or in the runtime `on`, started by the test), and
 * clients with its key (the test helper and the typed client).
 */
export const newTenant = async (plan: PlanId, scopes?: Scope[], on?: { url: string; dataDir: string }) => {
  const store = runtimeStore(on?.dataDir);
  const deps = { store, ids: createIds(), clock: systemClock };
  const tenant = await createTenant(deps, { name: `test ${plan}`, plan });
  const { key } = await createKey(deps, { tenantId: tenant.id, name: "test", scopes });
  return { tenantId: tenant.id, key, api: client(on?.url ?? inject("runtimeUrl"), key), typed: typedClient(key), store };
};

/** Waits until `check` returns a truthy value (polling), or fails with the last value seen. */
export const waitFor = async <T>(check: () => Promise<T>, opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<NonNullable<T>> => {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
  throw new Error(`timed out waiting for ${opts.what ?? "condition"}; last value: ${JSON.stringify(last)}`);
};

/** A sandbox session that is `working`. */
export const workingSession = async (api: Client, name = "test session") => {
  const created = await api.post("/sessions", { name });
  if (created.status !== 201) throw new Error(`session create failed: ${created.text}`);
  const id = created.body.id as string;
  await waitFor(async () => (await api.get(`/sessions/${id}`)).body.status === "working", { what: "session working" });
  return (await api.get(`/sessions/${id}`)).body as { id: string; phone: string };
};

let seq = 0;
/** Distinct valid Brazilian mobile numbers for a test (E.164). */
export const phones = (n: number, prefix = Math.floor(Math.random() * 9000) + 1000) =>
  Array.from({ length: n }, () => `+55119${String(prefix).padStart(4, "0")}${String(seq++ % 10000).padStart(4, "0")}`);

/** Reads a Server-Sent Events stream to its end (the server closes it); returns each event's data. */
export const readSse = async (url: string, key: string, timeoutMs = 60_000) => {
  const res = await fetch(url, { headers: { "X-API-Key": key, Accept: "text/event-stream" }, signal: AbortSignal.timeout(timeoutMs) });
  const events: any[] = [];
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = (await reader?.read()) ?? { done: true, value: undefined };
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let idx = buf.indexOf("\n\n");
    while (idx !== -1) {
      const chunk = buf.slice(0, idx);
      buf = buf.slice(idx + 2);
      const data = chunk
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trim())
        .join("\n");
      if (data) events.push(JSON.parse(data));
      idx = buf.indexOf("\n\n");
    }
  }
  return { status: res.status, contentType: res.headers.get("content-type"), events };
};

/** A group with `n` fresh members, returned with their phones. */
export const groupWith = async (api: Client, n: number, names = true) => {
  const members = phones(n).map((phone, i) => ({ phone, name: names ? `Member ${i}` : undefined }));
  const created = await api.post("/custom-groups", { name: `group of ${n}`, members });
  if (created.status !== 201) throw new Error(created.text);
  return { id: created.body.id as string, phones: members.map((m) => m.phone), members };
};

export const outbox = async (sessionId: string) =>
  (await sandbox().get(`/sandbox/api/messages?session_id=${sessionId}`)).body.messages as { to: string; text: string; sent_at: string; id: string }[];

export const waitJob = (api: Client, id: string, statuses: string[], timeoutMs = 60_000) =>
  waitFor(
    async () => {
      const j = await api.get(`/bulk-send/${id}`);
      return statuses.includes(j.body.status) ? j.body : undefined;
    },
    { timeoutMs, intervalMs: 200, what: `job ${id} to be ${statuses.join("|")}` },
  );

/** Sets this month's usage counters of a tenant directly in the runtime's table (a tenant that already sent a lot). */
export const setUsage = async (tenantId: string, u: { total_messages: number; reserved_messages: number }) => {
  const { UpdateCommand } = await import("@aws-sdk/lib-dynamodb");
  const rt = JSON.parse(readFileSync(join(inject("runtimeDataDir"), "runtime.json"), "utf8")) as { dynamodb_endpoint: string; table: string };
  const db = createDb({ table: rt.table, endpoint: rt.dynamodb_endpoint });
  await db.doc.send(
    new UpdateCommand({
      TableName: rt.table,
      Key: { pk: `T#${tenantId}`, sk: `USAGE#${new Date().toISOString().slice(0, 7)}` },
      UpdateExpression: "SET total_messages = :t, reserved_messages = :r, committed = :c",
      ExpressionAttributeValues: { ":t": u.total_messages, ":r": u.reserved_messages, ":c": u.total_messages + u.reserved_messages },
    }),
  );
};
