import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createSqsClient, createSqsQueue, ensureQueues } from "../../packages/aws/src/sqs";
import { createDb, createStore, ensureTable } from "../../packages/aws/src/store";
import { createIds } from "../../packages/core/src/id";
import { systemClock } from "../../packages/core/src/port";
import { createKey, createTenant } from "../../packages/core/src/tenant";
import { buildApp } from "../../packages/functions/src/api/app";
import { createSqsHandler } from "../../packages/functions/src/events/consumer";
import { createSweep } from "../../packages/functions/src/repair/sweep";
import { createLocalTimers } from "../../packages/local/src/timers";
import { jobRecord, sessionRecord } from "../helpers/records";

/**
 * The Lambda entries' handlers with real event shapes, on DynamoDB Local and the local SQS server.
 * Only the Lambda runtime's streaming global (`awslambda`) is stood in for.
 */
const db = createDb({ table: `fn-${randomBytes(4).toString("hex")}`, endpoint: inject("dynamoEndpoint") });
const store = createStore(db);
let deps: Parameters<typeof buildApp>[0];
let key: string;
let tenantId: string;

beforeAll(async () => {
  await ensureTable(db);
  const sqs = createSqsClient({ endpoint: inject("sqsEndpoint") });
  const queue = createSqsQueue({ client: sqs, urls: await ensureQueues(sqs, `fn${randomBytes(3).toString("hex")}`) });
  deps = { store, queue, clock: systemClock, ids: createIds(), timers: createLocalTimers({ queue, clock: systemClock }) };
  const t = await createTenant(deps, { name: "fn", plan: "business" });
  tenantId = t.id;
  key = (await createKey(deps, { tenantId, name: "k" })).key;
});

/** A Lambda Function URL event (payload format 2.0), as AWS sends it. */
const urlEvent = (method: string, path: string, headers: Record<string, string> = {}, body?: string) => ({
  version: "2.0",
  routeKey: "$default",
  rawPath: path,
  rawQueryString: "",
  headers: { host: "abc.lambda-url.eu-west-1.on.aws", "x-forwarded-proto": "https", ...headers },
  requestContext: {
    accountId: "anonymous",
    apiId: "abc",
    domainName: "abc.lambda-url.eu-west-1.on.aws",
    domainPrefix: "abc",
    http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.9", userAgent: "test" },
    requestId: "req-1",
    routeKey: "$default",
    stage: "$default",
    time: "25/Nov/2026:10:00:00 +0000",
    timeEpoch: Date.now(),
  },
  body,
  isBase64Encoded: false,
});

/** The Lambda runtime's response-streaming globals, recording what the handler writes. */
const streamingRuntime = () => {
  const chunks: string[] = [];
  let meta: { statusCode: number; headers: Record<string, string> } | undefined;
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  (globalThis as any).awslambda = {
    streamifyResponse: (fn: (event: unknown, stream: Writable, ctx: unknown) => Promise<void>) => fn,
    HttpResponseStream: {
      from: (stream: Writable, m: typeof meta) => {
        meta = m;
        return stream;
      },
    },
  };
  const ended = new Promise<void>((r) => sink.on("finish", () => r()));
  return { sink, ended, text: () => chunks.join(""), meta: () => meta };
};

describe("Lambda handlers", () => {
  it("serves a Function URL event through the streaming API handler, including a streamed SSE response", async () => {
    const { streamHandle, handle } = await import("hono/aws-lambda");
    const app = await buildApp(deps, { OUTREACH_RATE_LIMIT: "0", OUTREACH_LOG_LEVEL: "silent" });
    const buffered = handle(app);
    const res = (await buffered(urlEvent("GET", "/api/v2/usage/current", { "x-api-key": key }) as never, {} as never)) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ plan: "business" });

    // A finished job: the stream sends one event with the final status and closes.
    const ids = createIds();
    const jobId = ids.next("bulk");
    await store.jobs.create(
      jobRecord({
        id: jobId,
        tenant_id: tenantId,
        status: "completed",
        completed_at: new Date().toISOString(),
        total_recipients: 2,
        sent_count: 2,
        delivered_count: 1,
        read_count: 1,
        snapshot_done: true,
        snapshot_count: 2,
        plan_done: true,
      }),
      0,
      null,
    );
    const rt = streamingRuntime();
    const streaming = streamHandle(app) as unknown as (e: unknown, s: Writable, c: unknown) => Promise<void>;
    await streaming(urlEvent("GET", `/api/v2/bulk-send/${jobId}/progress`, { authorization: `Bearer ${key}`, accept: "text/event-stream" }), rt.sink, {});
    await rt.ended;
    expect(rt.meta()?.statusCode).toBe(200);
    expect(rt.meta()?.headers["content-type"]).toMatch(/text\/event-stream/);
    expect(rt.text()).toMatch(/^data: \{"sent":2,"total":2,"failed":0,"status":"completed"/);

    const unauthorized = streamingRuntime();
    await streaming(urlEvent("GET", "/api/v2/custom-groups"), unauthorized.sink, {});
    expect(unauthorized.meta()?.statusCode).toBe(401);

    // MCP on the same Function URL (stateless: any instance answers any request).
    const mcp = streamingRuntime();
    const call = JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "bulk_send_get", arguments: { bulk_send_id: jobId } } });
    await streaming(
      urlEvent("POST", "/mcp", { "x-api-key": key, "content-type": "application/json", accept: "application/json, text/event-stream" }, call),
      mcp.sink,
      {},
    );
    await mcp.ended;
    expect(mcp.meta()?.statusCode).toBe(200);
    const answer = JSON.parse(mcp.text()) as { id: number; result: { structuredContent: { status: string; progress: { sent: number } } } };
    expect(answer).toMatchObject({ id: 3, result: { structuredContent: { status: "completed", progress: { sent: 2 } } } });
  });

  it("reports exactly the failing message of an SQS batch in batchItemFailures", async () => {
    const handler = await createSqsHandler(deps, { OUTREACH_LOG_LEVEL: "silent" });
    const groupId = createIds().next("grp");
    const records = [
      {
        messageId: "m-ok",
        body: JSON.stringify({ type: "group.purge", tenant_id: tenantId, group_id: groupId }),
        attributes: { ApproximateReceiveCount: "1" },
      },
      {
        messageId: "m-bad",
        body: JSON.stringify({ type: "timer.fire", kind: "schedule", tenant_id: tenantId, id: "sch_x", run_at: "not a date" }),
        attributes: { ApproximateReceiveCount: "1" },
      },
      { messageId: "m-junk", body: "{not json", attributes: { ApproximateReceiveCount: "1" } },
    ];
    // Make the timer message fail the way a store outage would.
    const failing = await createSqsHandler(
      { ...deps, store: { ...store, schedules: { ...store.schedules, get: async () => Promise.reject(new Error("store down")) } } } as never,
      { OUTREACH_LOG_LEVEL: "silent" },
    );
    expect(await failing({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: "m-bad" }] });
    expect(await handler({ Records: records.slice(0, 1) })).toEqual({ batchItemFailures: [] });
  });

  it("fires a scheduled message from an EventBridge Scheduler–delivered message, once", async () => {
    const app = await buildApp(deps, { OUTREACH_RATE_LIMIT: "0", OUTREACH_LOG_LEVEL: "silent" });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await app.request(`/api/v2${path}`, {
        method,
        headers: { "X-API-Key": key, "content-type": "application/json" },
        body: body ? JSON.stringify(body) : undefined,
      });
      return (await res.json()) as any;
    };
    // A working session and a group, straight in the store (no worker runs here).
    const ids = createIds();
    const sessionId = ids.next("ses");
    const _now = new Date().toISOString();
    await store.sessions.create(sessionRecord({ id: sessionId, tenant_id: tenantId, name: "s", status: "working", phone: "+12025550100" }), null);
    const group = await call("POST", "/custom-groups", { name: "g", members: [{ phone: "+5511999990001" }] });
    const runAt = new Date(Date.now() + 1500).toISOString();
    const s = await call("POST", "/scheduled-messages", {
      name: "eb",
      session_id: sessionId,
      custom_group_id: group.id,
      message_content: "hi",
      schedule_type: "one_time",
      scheduled_time: runAt,
    });
    expect(s.next_run_at).toBe(runAt);
    // What EventBridge Scheduler's SQS target delivers: the schedule's Input as the message body.
    const input = JSON.stringify({ type: "timer.fire", kind: "schedule", tenant_id: tenantId, id: s.id, run_at: runAt });
    const handler = await createSqsHandler(deps, { OUTREACH_LOG_LEVEL: "silent" });
    const record = { messageId: "eb-1", body: input, attributes: { ApproximateReceiveCount: "1", SenderId: "AROA...:scheduler" } };
    expect(await handler({ Records: [record] })).toEqual({ batchItemFailures: [] });
    expect(await handler({ Records: [{ ...record, messageId: "eb-2" }] })).toEqual({ batchItemFailures: [] });
    const after = await call("GET", `/scheduled-messages/${s.id}`);
    expect(after).toMatchObject({ status: "completed", run_count: 1 });
    expect(after.executions).toHaveLength(1);
    expect(after.executions[0]).toMatchObject({ status: "created", bulk_send_id: expect.stringMatching(/^bulk_/) });
    expect((await call("GET", "/bulk-send")).jobs.filter((j: { scheduled_message_id: string }) => j.scheduled_message_id === s.id)).toHaveLength(1);
  });

  it("runs the repair sweep: an overdue run fires once, and the next run is not a burst of missed ones", async () => {
    const ids = createIds();
    const now = Date.now();
    const overdue = new Date(now - 60_000).toISOString();
    const sid = ids.next("sch");
    await store.schedules.create({
      id: sid,
      tenant_id: tenantId,
      name: "overdue",
      status: "active",
      session_id: ids.next("ses"),
      custom_group_id: ids.next("grp"),
      message_type: "text",
      message_content: "x",
      media_url: null,
      min_delay_seconds: null,
      max_delay_seconds: null,
      daily_limit: null,
      send_window: null,
      max_consecutive_failures: null,
      schedule_type: "daily",
      timezone: "UTC",
      scheduled_time: null,
      cron_expression: null,
      time_of_day: "09:00",
      days_of_week: null,
      day_of_month: null,
      next_run_at: overdue,
      last_run_at: null,
      run_count: 0,
      created_at: overdue,
      updated_at: overdue,
    });
    const sweep = await createSweep(deps);
    const first = await sweep();
    expect(first.fired).toBeGreaterThanOrEqual(1);
    const fired = await store.schedules.get(tenantId, sid);
    // The run was recorded (failed: its session does not exist) and the next one is tomorrow 09:00, not a burst of missed runs.
    expect(fired).toMatchObject({ run_count: 1, last_run_at: overdue, status: "active" });
    expect(Date.parse(fired?.next_run_at ?? "")).toBeGreaterThan(now);
    expect((await store.scheduleRuns.latest(sid, 5)).map((r) => r.status)).toEqual(["failed"]);
    await sweep();
    expect((await store.schedules.get(tenantId, sid))?.run_count).toBe(1);
  });
});
