import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../packages/aws/src/store";
import { client, groupWith, newTenant, phones, sandbox, waitFor, workingSession } from "../helpers/api";
import { type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

/** Issue 13: each attack that was reproduced against the local runtime, as a test named after it. */

const reportBody = (extra: object) => ({ name: "r", template_id: "session_health", schedule_type: "daily", time_of_day: "08:00", ...extra });

describe("a free tenant cannot message strangers through a WhatsApp report", () => {
  it("refuses a stranger as recipient (403 on a plan without bulk send, 422 otherwise) and delivers to the session's own number with a fixed header first", async () => {
    const free = await newTenant("free");
    const spam = await free.api.post("/sessions", { name: "WIN $$$ now http://spam.example" });
    await waitFor(async () => (await free.api.get(`/sessions/${spam.body.id}`)).body.status === "working", { what: "session" });
    const stranger = "+5511912340000";
    const refused = await free.api.post("/reports", reportBody({ delivery_method: "whatsapp", recipient_phone: stranger, session_id: spam.body.id }));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("plan.feature_unavailable");

    const self = await free.api.post("/reports", reportBody({ delivery_method: "whatsapp", session_id: spam.body.id }));
    expect(self.status).toBe(201);
    const exe = await free.api.post(`/reports/${self.body.id}/run`);
    expect(exe.body.delivery).toMatchObject({ status: "queued" });
    expect(exe.body.text.split("\n")[0]).toBe("Outreach report: Session health");

    const biz = await newTenant("business");
    const s = await workingSession(biz.api);
    const g = await groupWith(biz.api, 2);
    const notMember = await biz.api.post("/reports", reportBody({ delivery_method: "whatsapp", recipient_phone: stranger, session_id: s.id }));
    expect(notMember.status).toBe(422);
    expect(notMember.body.error.code).toBe("report.recipient_not_allowed");
    const member = await biz.api.post("/reports", reportBody({ delivery_method: "whatsapp", recipient_phone: g.phones[0], session_id: s.id }));
    expect(member.status).toBe(201);
    // A member who opts out later is not written to: the delivery is refused at run time.
    await biz.api.post("/opt-outs", { phones: [g.phones[0]] });
    const run = await biz.api.post(`/reports/${member.body.id}/run`);
    expect(run.body.delivery).toMatchObject({ status: "failed", error: expect.stringMatching(/member of one of your groups who has not opted out/) });
  });
});

describe("limits every plan needs", () => {
  it("20 parallel session creates of a free tenant create exactly one (403 plan.session_limit)", async () => {
    const { api } = await newTenant("free");
    const res = await Promise.all(Array.from({ length: 20 }, (_, i) => api.post("/sessions", { name: `s${i}` })));
    expect(res.filter((r) => r.status === 201)).toHaveLength(1);
    expect(res.filter((r) => r.status === 403).every((r) => r.body.error.code === "plan.session_limit")).toBe(true);
    expect((await api.get("/sessions")).body).toHaveLength(1);
  });

  it("an offset above 10,000 is 400 naming cursor", async () => {
    const { api } = await newTenant("business");
    const res = await api.get("/custom-groups?offset=10001");
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/cursor/);
    expect((await api.get("/custom-groups?offset=10000")).status).toBe(200);
  });

  it("a tampered or another tenant's cursor is 400 request.invalid_cursor, never 500", async () => {
    const a = await newTenant("business");
    const b = await newTenant("business");
    await groupWith(a.api, 1);
    await groupWith(a.api, 1);
    await groupWith(b.api, 1);
    const page = await a.api.get("/custom-groups?limit=1");
    const cursor = page.body.next_cursor as string;
    expect(cursor).toBeTruthy();
    expect((await a.api.get(`/custom-groups?limit=1&cursor=${cursor}`)).status).toBe(200);
    const forged = [
      cursor,
      Buffer.from(JSON.stringify({ pk: "T#ten_other", sk: "GROUP#grp_x" })).toString("base64url"),
      Buffer.from(JSON.stringify({ pk: 1, sk: {} })).toString("base64url"),
      Buffer.from(JSON.stringify({ pk: "a", sk: "b", extra: "c" })).toString("base64url"),
      "%%%",
    ];
    for (const c of forged) {
      const res = await b.api.get(`/custom-groups?limit=1&cursor=${encodeURIComponent(c)}`);
      expect(res.status, c).toBe(400);
      expect(res.body.error.code).toBe("request.invalid_cursor");
    }
  });

  it("a key holds at most 5 progress streams; the 6th gets 429 with Retry-After", async () => {
    const { api, key } = await newTenant("business");
    const s = await workingSession(api);
    const g = await groupWith(api, 2);
    const job = await api.post("/bulk-send", { session_id: s.id, custom_group_id: g.id, message_content: "x", min_delay_seconds: 600, max_delay_seconds: 900 });
    const url = `${inject("runtimeUrl")}/api/v2/bulk-send/${job.body.id}/progress`;
    const aborts: AbortController[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const ctl = new AbortController();
        aborts.push(ctl);
        const res = await fetch(url, { headers: { "X-API-Key": key, Accept: "text/event-stream" }, signal: ctl.signal });
        expect(res.status).toBe(200);
        void res.body?.getReader().read();
      }
      const sixth = await fetch(url, { headers: { "X-API-Key": key, Accept: "text/event-stream" } });
      expect(sixth.status).toBe(429);
      expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
      // A client that does not stream gets one snapshot, whatever is open.
      const snapshot = await api.get(`/bulk-send/${job.body.id}/progress`);
      expect(snapshot.body).toMatchObject({ job_id: job.body.id, total: 2 });
    } finally {
      for (const a of aborts) a.abort();
    }
    // Closed streams give their places back.
    await waitFor(
      async () => {
        const ctl = new AbortController();
        const res = await fetch(url, { headers: { "X-API-Key": key, Accept: "text/event-stream" }, signal: ctl.signal });
        ctl.abort();
        return res.status === 200;
      },
      { what: "a stream place to free up" },
    );
    await api.post(`/bulk-send/${job.body.id}/cancel`);
  });
});

describe("opt-outs a contact made", () => {
  it("cannot be deleted through the API (403), while opt-outs added through the API can", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const [byContact, byApi] = phones(2) as [string, string];
    await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: byContact, text: "STOP" });
    await waitFor(async () => ((await api.get("/opt-outs")).body.opt_outs as { phone: string }[]).some((o) => o.phone === byContact), { what: "opt-out" });
    const refused = await api.del(`/opt-outs/${encodeURIComponent(byContact)}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("opt_out.by_contact");
    await api.post("/opt-outs", { phones: [byApi] });
    expect((await api.del(`/opt-outs/${encodeURIComponent(byApi)}`)).body).toEqual({ phone: byApi, deleted: true });
  });
});

describe("one inbound message cannot freeze the worker", () => {
  it("takes a 64K-character adversarial text (a + ' \\t'… + b) and a STOP right after it in well under a second each", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const [from] = phones(1) as [string];
    const hostile = `a${" \t".repeat(32767)}b`;
    expect(hostile.length).toBe(65_536);
    const t0 = performance.now();
    expect((await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from, text: hostile })).status).toBeLessThan(300);
    expect((await sandbox().get("/health")).status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1000);
    await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from, text: `  stop!${" ".repeat(30000)}` });
    await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from, text: "STOP" });
    await waitFor(async () => ((await api.get("/opt-outs")).body.opt_outs as { phone: string }[]).some((o) => o.phone === from), { what: "opt-out" });
  });
});

describe("deleting leaves nothing behind", () => {
  it("removes what a deleted session, group, scheduled message and report left (history, WhatsApp groups, members, contacts, runs, executions)", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    await sandbox().post("/sandbox/api/wa-groups", {
      session_id: s.id,
      wa_group_id: "120363000000000777@g.us",
      name: "neighbours",
      participants: phones(3).map((phone) => ({ phone, name: "Third Party" })),
    });
    await waitFor(async () => (await api.get(`/custom-groups/wa-groups?session_id=${s.id}`)).body.wa_groups.length === 1, { what: "wa group" });
    const g = await groupWith(api, 5);
    const sched = await api.post("/scheduled-messages", {
      name: "m",
      session_id: s.id,
      custom_group_id: g.id,
      message_content: "x",
      schedule_type: "daily",
      time_of_day: "09:00",
    });
    const rpt = await api.post("/reports", reportBody({ template_id: "usage_plan" }));
    await api.post(`/reports/${rpt.body.id}/run`);
    await api.post(`/reports/${rpt.body.id}/run`);
    const ids = [s.id, g.id, sched.body.id, rpt.body.id, ...g.phones];

    const rt = JSON.parse(readFileSync(join(inject("runtimeDataDir"), "runtime.json"), "utf8")) as { dynamodb_endpoint: string; table: string };
    const db = createDb({ table: rt.table, endpoint: rt.dynamodb_endpoint });
    /** Items anywhere in the table that name one of the deleted things (in a key or any attribute). */
    const leftovers = async () => {
      let n = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const res = await db.doc.send(new ScanCommand({ TableName: rt.table, ExclusiveStartKey: start }));
        for (const item of res.Items ?? []) {
          const text = JSON.stringify(item, (_k, v) => (v instanceof Set ? [...v] : v));
          if (ids.some((id) => text.includes(id)) && !text.includes('"JOB#') && !/"pk":"(IDEM|RL)#/.test(text)) n++;
        }
        start = res.LastEvaluatedKey;
      } while (start);
      return n;
    };
    expect(await leftovers()).toBeGreaterThan(10);

    await api.post(`/scheduled-messages/${sched.body.id}/cancel`);
    expect((await api.del(`/scheduled-messages/${sched.body.id}`)).status).toBe(200);
    expect((await api.del(`/reports/${rpt.body.id}`)).status).toBe(200);
    expect((await api.del(`/custom-groups/${g.id}`)).status).toBe(200);
    expect((await api.del(`/sessions/${s.id}`)).status).toBe(200);
    await waitFor(async () => (await leftovers()) === 0, { timeoutMs: 30_000, what: "nothing left of the deleted things" });
    expect((await api.get("/custom-groups/wa-groups")).body.wa_groups).toEqual([]);
    expect((await api.get("/custom-groups/contacts")).body.contacts).toEqual([]);
  });
});

describe("the local runtime on this machine only, and requests without a key", () => {
  let rt: RuntimeProcess | undefined;
  afterAll(async () => {
    await rt?.stop();
    if (rt) removeDir(rt.dataDir);
  });

  /** Listening sockets on a port: their bound addresses, from /proc (Linux). */
  const listening = (port: number) => {
    const hex = port.toString(16).toUpperCase().padStart(4, "0");
    const out: string[] = [];
    for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
        const [, local, , state] = line.trim().split(/\s+/);
        if (state === "0A" && local?.endsWith(`:${hex}`)) out.push(local.split(":")[0] as string);
      }
    }
    return out;
  };
  const refusedFrom = (host: string, port: number) =>
    new Promise<boolean>((resolve) => {
      const sock = connect({ host, port, timeout: 2000 });
      sock.once("connect", () => {
        sock.destroy();
        resolve(false);
      });
      sock.once("error", () => resolve(true));
      sock.once("timeout", () => {
        sock.destroy();
        resolve(true);
      });
    });

  it("binds the API, DynamoDB Local and the SQS server to 127.0.0.1, unreachable on the machine's other addresses", async () => {
    rt = await startRuntimeProcess({ env: { OUTREACH_RATE_LIMIT: "0", OUTREACH_UNAUTH_RATE_LIMIT: "20" } });
    const info = JSON.parse(readFileSync(join(rt.dataDir, "runtime.json"), "utf8")) as { port: number; dynamodb_endpoint: string; sqs_endpoint: string };
    const ports = [info.port, Number(new URL(info.dynamodb_endpoint).port), Number(new URL(info.sqs_endpoint).port)];
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => (a as { address: string }).address);
    for (const port of ports) {
      expect(listening(port).length, `port ${port} listens`).toBeGreaterThan(0);
      // 127.0.0.1 in /proc's byte order, as IPv4 or IPv4-mapped IPv6 (Java), or ::1; anything else
      // (0.0.0.0, ::) would reach the network.
      const loopback = ["0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"];
      expect(
        listening(port).every((a) => loopback.includes(a)),
        `port ${port} binds ${listening(port)}`,
      ).toBe(true);
      for (const host of external) expect(await refusedFrom(host, port), `${host}:${port}`).toBe(true);
    }
  });

  it("counts requests without a valid key per address: a flood of invalid keys gets 429 (no more key lookups) until the minute is over", async () => {
    const api = client((rt as RuntimeProcess).url, "ok_not_a_real_key_at_all_000000");
    // The count is per clock minute: start early in one, so the 25 requests cannot straddle two.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await api.get("/custom-groups")).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    const last = await api.get("/custom-groups");
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(last.body.error.code).toBe("rate_limit.unauthenticated");
    // The plans are served without a key (issue 30), on the same budget per address.
    const plans = await fetch(`${(rt as RuntimeProcess).url}/api/v2/billing/plans`);
    expect(plans.status).toBe(429);
    expect(Number(plans.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
