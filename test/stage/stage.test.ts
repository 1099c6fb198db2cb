import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client as McpClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRANTS, type Grant, type Role, withoutGrant } from "../../infra/grants";
import { client, phones, readSse, waitFor } from "../helpers/api";
import { type Stage, startStage } from "./stage";

/**
 * The deployed stage, run here (stage.ts): the built bundles on Node 22 with their roles' environment
 * and grants, behind a Function URL, an SQS event source, EventBridge Scheduler and ECS stand-ins.
 * What a first user of a fresh deploy does, end to end, and what breaks when a grant is missing.
 */

// A public address the webhook receiver listens on: the outbound guard refuses loopback and private
// addresses on AWS, as it must, so a receiver on 127.0.0.1 could never be delivered to. Binding one
// public address on `lo` needs root (CI runs as root); elsewhere: `sudo ip addr add 44.0.0.1/32 dev lo`.
const RECEIVER_IP = "44.0.0.1";
const bindReceiverAddress = () => {
  try {
    const has = execFileSync("ip", ["-4", "addr", "show", "dev", "lo"], { encoding: "utf8" }).includes(`${RECEIVER_IP}/32`);
    if (has) return () => {};
    execFileSync("ip", ["addr", "add", `${RECEIVER_IP}/32`, "dev", "lo"]);
    return () => execFileSync("ip", ["addr", "del", `${RECEIVER_IP}/32`, "dev", "lo"]);
  } catch (e) {
    throw new Error(
      `the webhook check needs the public test address ${RECEIVER_IP} on lo (root, or once: sudo ip addr add ${RECEIVER_IP}/32 dev lo): ${(e as Error).message}`,
    );
  }
};

let grants: Record<Role, readonly Grant[]> = GRANTS;
let stage: Stage;
let unbind: () => void;
let receiver: Server;
const received: { headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  unbind = bindReceiverAddress();
  receiver = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const c of req) parts.push(c as Buffer);
    received.push({ headers: req.headers, body: Buffer.concat(parts).toString("utf8") });
    res.writeHead(200).end("ok");
  });
  await new Promise<void>((r) => receiver.listen(0, RECEIVER_IP, () => r()));
  stage = await startStage({ grants: () => grants });
});

afterAll(async () => {
  await stage?.stop();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  unbind?.();
});

const api = () => client(stage.url, stage.key);

/** The stage's log lines at pino's `error` level (50) from one function or the worker. */
const errorsOf = (tag: string) => stage.logs.filter((l) => l.startsWith(`[${tag}]`) && /"level":50/.test(l));

describe("the deployed stage (built bundles on Node 22, each role's grants enforced)", () => {
  let sessionId: string;
  let groupId: string;
  let members: string[];

  it("runs the bundles on Node 22 and answers /health through the Function URL", async () => {
    expect(stage.node.version).toMatch(process.platform === "linux" && process.arch === "x64" ? /^v22\./ : /^v\d+/);
    const health = await api().get("/health");
    expect(health.status).toBe(200);
    expect(health.body.status).toBe("ok");
    // The worker task joined the fleet and holds every shard.
    await waitFor(async () => ((await api().get("/health")).body.workers ?? []).some((w: { shards: number[] }) => w.shards.length === 2), {
      timeoutMs: 60_000,
      what: "the worker holding both shards",
    });
    expect((await fetch(stage.healthUrl)).status).toBe(200);
  });

  it("serves the console from the API bundle", async () => {
    const page = await fetch(`${stage.url}/console`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /src="(\/console\/assets\/app\.[0-9a-f]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${stage.url}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
  });

  it("connects a session, sends a group with progress streamed through the Function URL to completion", async () => {
    // First: each process reads a tenant's webhooks at most every 10 s, so one made before any event is heard at once.
    const hook = await api().post("/webhooks", {
      name: "stage receiver",
      url: `http://${RECEIVER_IP}:${(receiver.address() as AddressInfo).port}/hook`,
      events: ["bulk_send.completed"],
    });
    expect(hook.status, hook.text).toBe(201);
    const created = await api().post("/sessions", { name: "stage" });
    expect(created.status).toBe(201);
    sessionId = created.body.id;
    await waitFor(async () => (await api().get(`/sessions/${sessionId}`)).body.status === "working", { timeoutMs: 60_000, what: "session working" });
    members = phones(5);
    const group = await api().post("/custom-groups", { name: "stage group", members: members.map((phone, i) => ({ phone, name: `Member ${i}` })) });
    expect(group.status).toBe(201);
    groupId = group.body.id;
    const job = await api().post("/bulk-send", {
      session_id: sessionId,
      custom_group_id: groupId,
      message_content: "Hi {{name}}",
      min_delay_seconds: 0,
      max_delay_seconds: 0,
    });
    expect(job.status).toBe(201);
    const sse = await readSse(`${stage.url}/api/v2/bulk-send/${job.body.id}/progress`, stage.key, 90_000);
    expect(sse.status).toBe(200);
    expect(sse.contentType).toMatch(/^text\/event-stream/);
    expect(sse.events.length).toBeGreaterThan(0);
    expect(sse.events.at(-1)).toMatchObject({ status: "completed", sent: 5, total: 5, failed: 0 });
    const outbox = await stage.store.sandbox.list({ session_id: sessionId });
    expect(outbox.map((m) => m.to).sort()).toEqual([...members].sort());
    expect(outbox.find((m) => m.to === members[3])?.text).toBe("Hi Member 3");

    // The webhook, delivered by the events function through the outbound guard, signed with its secret.
    const delivery = await waitFor(async () => received.find((r) => r.body.includes(job.body.id)), { timeoutMs: 60_000, what: "the webhook delivery" });
    const signature = createHmac("sha256", hook.body.secret).update(delivery.body).digest("hex");
    expect(delivery.headers["x-webhook-signature"]).toBe(signature);
    expect(JSON.parse(delivery.body)).toMatchObject({ event: "bulk_send.completed", data: { bulk_send_id: job.body.id } });
  });

  it("delivers POST /messages/send within seconds (the API may queue on the shard's sends queue)", async () => {
    const to = phones(1)[0] as string;
    const sent = await api().post("/messages/send", { session_id: sessionId, phone: to, message: "one message" });
    expect(sent.status, sent.text).toBe(201);
    expect(sent.body.status).toBe("queued");
    const started = Date.now();
    const done = await waitFor(
      async () => {
        const m = await api().get(`/messages/${sent.body.id}`);
        return m.body.status === "sent" ? m.body : undefined;
      },
      { timeoutMs: 30_000, what: "the message sent" },
    );
    expect(done.phone).toBe(to);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("fires a one-time scheduled message through EventBridge Scheduler's payload", async () => {
    const at = new Date(Math.ceil((Date.now() + 4000) / 1000) * 1000).toISOString();
    const created = await api().post("/scheduled-messages", {
      name: "stage one-time",
      schedule_type: "one_time",
      scheduled_time: at,
      session_id: sessionId,
      custom_group_id: groupId,
      message_content: "Reminder for {{name}}",
      min_delay_seconds: 0,
      max_delay_seconds: 0,
    });
    expect(created.status).toBe(201);
    const armed = [...stage.scheduler.schedules.values()].find((s) => s.input.Target.Input.includes(created.body.id));
    expect(armed?.input).toMatchObject({ ActionAfterCompletion: "DELETE", FlexibleTimeWindow: { Mode: "OFF" }, ScheduleExpression: `at(${at.slice(0, 19)})` });
    const run = await waitFor(
      async () => {
        const r = (await api().get(`/scheduled-messages/${created.body.id}/history`)).body.executions?.[0];
        return r && r.status !== "running" ? r : undefined;
      },
      { timeoutMs: 60_000, what: "the scheduled run" },
    );
    expect(run).toMatchObject({ status: "created", bulk_send_id: expect.stringMatching(/^bulk_/) });
    expect(stage.scheduler.fired.some((f) => f.body.includes(created.body.id))).toBe(true);
    await waitFor(async () => (await api().get(`/bulk-send/${run.bulk_send_id}`)).body.status === "completed", {
      timeoutMs: 60_000,
      what: "the scheduled job",
    });
  });

  it("runs a report, and answers an MCP initialize and a tool call", async () => {
    const report = await api().post("/reports", {
      name: "stage",
      template_id: "bulk_send_progress",
      schedule_type: "daily",
      time_of_day: "08:00",
      period: "last_day",
    });
    expect(report.status).toBe(201);
    const exe = await api().post(`/reports/${report.body.id}/run`);
    expect(exe.status).toBe(201);
    expect(exe.body).toMatchObject({ report_id: report.body.id, template_id: "bulk_send_progress" });

    const mcp = new McpClient({ name: "stage-test", version: "1.0.0" });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${stage.url}/mcp`), { requestInit: { headers: { "X-API-Key": stage.key } } }));
    expect(mcp.getServerVersion()?.name).toBe("outreach");
    const listed = await mcp.callTool({ name: "sessions_list", arguments: {} });
    expect(JSON.stringify(listed.content)).toContain(sessionId);
    await mcp.close();
  });

  it("runs the repair sweep as EventBridge invokes it", async () => {
    const result = (await stage.runRepair()) as Record<string, number>;
    expect(result).toEqual(expect.objectContaining({ fired: expect.any(Number) }));
  });

  it("fires an overdue run whose timer was lost from the repair sweep (the firing code its bundle loads on first use)", async () => {
    const at = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000).toISOString();
    const created = await api().post("/scheduled-messages", {
      name: "stage lost timer",
      schedule_type: "one_time",
      scheduled_time: at,
      session_id: sessionId,
      custom_group_id: groupId,
      message_content: "Found again, {{name}}",
      min_delay_seconds: 0,
      max_delay_seconds: 0,
    });
    expect(created.status).toBe(201);
    // The schedule is lost before it fires (as if deleted by hand in the console).
    const [name, lost] = [...stage.scheduler.schedules.entries()].find(([, s]) => s.input.Target.Input.includes(created.body.id)) ?? [];
    expect(lost).toBeDefined();
    if (lost?.timer) clearTimeout(lost.timer);
    stage.scheduler.schedules.delete(name as string);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(at) - Date.now()) + 200));
    const swept = (await stage.runRepair()) as Record<string, number>;
    expect(swept.fired).toBeGreaterThanOrEqual(1);
    const run = (await api().get(`/scheduled-messages/${created.body.id}/history`)).body.executions?.[0];
    expect(run).toMatchObject({ status: "created", bulk_send_id: expect.stringMatching(/^bulk_/) });
    expect(stage.scheduler.fired.some((f) => f.body.includes(created.body.id))).toBe(false);
  });

  it("runs every function and the worker with a process-level unhandled-rejection handler (a stray promise never ends the process)", async () => {
    for (const fn of Object.values(stage.functions)) expect(fn.unhandledRejectionListeners(), fn.name).toBeGreaterThan(0);
    // The worker bundle as the image runs it installs the same handler (its log event's name is in the bundle).
    expect(readFileSync(new URL("../../dist/worker/index.mjs", import.meta.url), "utf8")).toContain("process.unhandled_rejection");
  });

  it("stayed within every role's grants (no AccessDenied anywhere) and logged no error", () => {
    expect(stage.denials).toEqual([]);
    for (const tag of ["api", "events", "repair", "worker"]) expect(errorsOf(tag)).toEqual([]);
  });
});

describe("grants as data, enforced", () => {
  afterAll(() => {
    grants = GRANTS;
  });

  it("fails loudly when the API may not write the sends queues: AccessDenied, logged at error, never swallowed", async () => {
    grants = withoutGrant(GRANTS, "api", "sqs:SendMessage", "sends");
    const to = phones(1)[0] as string;
    const sessions = (await api().get("/sessions")).body as { id: string; status: string }[];
    const sent = await api().post("/messages/send", { session_id: sessions.find((s) => s.status === "working")?.id, phone: to, message: "denied" });
    // The message is stored (the repair sweep plans it again), so the request itself succeeds...
    expect(sent.status, sent.text).toBe(201);
    // ...and the refusal is AWS's, recorded, and in the API's log at `error` with the message's id.
    expect(stage.denials).toContainEqual(expect.objectContaining({ role: "api", action: "sqs:SendMessage" }));
    await waitFor(async () => errorsOf("api").find((l) => l.includes(sent.body.id) && l.includes("AccessDenied")), { what: "the API's error log line" });
  });

  it("fails the session flow when the events function may not relay to the sends queues", async () => {
    grants = withoutGrant(GRANTS, "events", "sqs:SendMessage", "sends");
    const before = stage.eventSource.invocations.reduce((n, i) => n + i.failures, 0);
    const created = await api().post("/sessions", { name: "denied relay" });
    expect(created.status).toBe(201);
    await waitFor(async () => stage.denials.find((d) => d.role === "events" && d.action === "sqs:SendMessage"), {
      timeoutMs: 30_000,
      what: "the events role denied",
    });
    // The batch item failed (it comes back after the visibility timeout) and the failure is logged at error.
    await waitFor(async () => stage.eventSource.invocations.reduce((n, i) => n + i.failures, 0) > before, { what: "a batch item failure" });
    await waitFor(async () => errorsOf("events").find((l) => l.includes("AccessDenied")), { what: "the events function's error log line" });
    // The session is not lost: the worker's own 10-s round finds it in the store and connects it.
    await waitFor(async () => (await api().get(`/sessions/${created.body.id}`)).body.status === "working", { timeoutMs: 30_000, what: "the session working" });
  });
});
