import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { TEMPLATE_IDS } from "@outreach/core/report";
import { describe, expect, inject, it } from "vitest";
import { type Client, groupWith, newTenant, outbox, sandbox, waitFor, waitJob, workingSession } from "../helpers/api";
import { launchChromium } from "../helpers/browser";

const fast = { min_delay_seconds: 0, max_delay_seconds: 0 };

/** All recipients of a job by state, page by page, as a user would count them. */
const countByState = async (api: Client, jobId: string) => {
  const counts: Record<string, number> = {};
  let cursor: string | null = null;
  do {
    const page: { body: { recipients: { status: string }[]; next_cursor: string | null } } = await api.get(
      `/bulk-send/${jobId}/recipients?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    for (const r of page.body.recipients) counts[r.status] = (counts[r.status] ?? 0) + 1;
    cursor = page.body.next_cursor;
  } while (cursor);
  return counts;
};

// Each test has its own tenant and session: they run side by side (a test whose timing is the behaviour under test runs alone: `it.sequential`).
describe.concurrent("scheduled reports over HTTP", () => {
  it("bulk_send_progress totals equal the recipients counted by state, with failures, reads and an opt-out", async () => {
    const { api, key } = await newTenant("business");
    const s = await workingSession(api);
    const g1 = await groupWith(api, 6);
    const g2 = await groupWith(api, 5);
    await api.post("/opt-outs", { phones: [g2.phones[0]] });
    // The first job's first two sends fail (whichever two go first: queue order is not guaranteed);
    // in the second job one number never reads and one never even receives.
    await sandbox().post("/sandbox/api/receipts", { phone: g2.phones[1], mode: "delivered_only" });
    await sandbox().post("/sandbox/api/receipts", { phone: g2.phones[2], mode: "none" });
    await sandbox().post("/sandbox/api/faults", { session_id: s.id, fail_next: 2, error: "permanent" });
    const j1 = await api.post("/bulk-send", { session_id: s.id, custom_group_id: g1.id, message_content: "one", ...fast });
    await waitJob(api, j1.body.id, ["completed"]);
    const j2 = await api.post("/bulk-send", { session_id: s.id, custom_group_id: g2.id, message_content: "two", ...fast });
    await waitJob(api, j2.body.id, ["completed"]);
    // Let receipts settle: every sent message is read except the two configured numbers.
    await waitFor(
      async () => {
        const a = (await api.get(`/bulk-send/${j1.body.id}`)).body;
        const b = (await api.get(`/bulk-send/${j2.body.id}`)).body;
        return a.read_count + b.read_count === a.sent_count + b.sent_count - 2 && a.delivered_count + b.delivered_count === a.sent_count + b.sent_count - 1;
      },
      { what: "receipts" },
    );

    const report = await api.post("/reports", {
      name: "progress",
      template_id: "bulk_send_progress",
      schedule_type: "daily",
      time_of_day: "08:00",
      period: "last_day",
    });
    expect(report.status).toBe(201);
    const exe = await api.post(`/reports/${report.body.id}/run`);
    expect(exe.status).toBe(201);
    expect(exe.body).toMatchObject({ report_id: report.body.id, template_id: "bulk_send_progress", delivery: { method: "dashboard", status: "kept" } });

    const counted = { total: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0, unknown: 0 };
    for (const j of [j1.body.id, j2.body.id]) {
      const c = await countByState(api, j);
      const row = exe.body.data.jobs.find((x: { bulk_send_id: string }) => x.bulk_send_id === j);
      const mine = {
        total: Object.values(c).reduce((a, b) => a + b, 0),
        sent: (c.sent ?? 0) + (c.delivered ?? 0) + (c.read ?? 0),
        delivered: (c.delivered ?? 0) + (c.read ?? 0),
        read: c.read ?? 0,
        failed: c.failed ?? 0,
        skipped: c.skipped ?? 0,
        unknown: c.unknown ?? 0,
      };
      expect(row).toMatchObject(mine);
      for (const k of Object.keys(counted) as (keyof typeof counted)[]) counted[k] += mine[k];
    }
    expect(exe.body.data.totals).toMatchObject({ ...counted, jobs: 2 });
    expect(counted).toMatchObject({ total: 11, failed: 2, skipped: 1, sent: 8 });
    expect(exe.body.data.totals.delivery_rate).toBeCloseTo(counted.delivered / counted.sent, 3);
    expect(exe.body.text).toContain("2 bulk sends");

    const csv = await api.get(`/reports/${report.body.id}/history/${exe.body.id}?format=csv`);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(csv.text.split("\r\n")[0]).toContain("bulk_send_id");
    expect(csv.text).toContain(`TOTAL`);
    const history = await api.get(`/reports/${report.body.id}/history`);
    expect(history.body.executions.map((e: { id: string }) => e.id)).toEqual([exe.body.id]);

    const html = await api.get(`/reports/${report.body.id}/history/${exe.body.id}?format=html`);
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    expect(html.text).not.toMatch(/<script|<link|@import|https?:\/\/(?!www\.w3\.org)/);
    expect(html.text.match(/class="bar-group"/g)).toHaveLength(2);

    // Rendered in headless Chromium: the chart is there, with one bar group per job.
    const dir = resolve(import.meta.dirname, "../../.data/screenshots");
    mkdirSync(dir, { recursive: true });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await page.setExtraHTTPHeaders({ "X-API-Key": key });
      const res = await page.goto(`${inject("runtimeUrl")}/api/v2/reports/${report.body.id}/history/${exe.body.id}?format=html`);
      expect(res?.status()).toBe(200);
      const groups = await page.locator("svg .bar-group").count();
      const box = await page.locator("svg").boundingBox();
      const file = join(dir, "bulk-send-progress.png");
      await page.screenshot({ path: file, fullPage: true });
      expect(groups).toBe(2);
      expect(box?.width).toBeGreaterThan(100);
      expect(box?.width).toBeLessThanOrEqual(390);
      expect(existsSync(file)).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it("delivers a whatsapp report to recipient_phone, or by default to the session's own number", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const boss = "+5511988887777";
    // A report goes to another number only when it is a member of one of the tenant's groups.
    await api.post("/custom-groups", { name: "managers", members: [{ phone: boss, name: "Boss" }] });
    const toBoss = await api.post("/reports", {
      name: "to boss",
      template_id: "usage_plan",
      schedule_type: "daily",
      time_of_day: "08:00",
      delivery_method: "whatsapp",
      recipient_phone: boss,
      timezone: "Asia/Shanghai",
    });
    const e1 = await api.post(`/reports/${toBoss.body.id}/run`);
    expect(e1.body.delivery).toMatchObject({ method: "whatsapp", status: "queued", to: boss });
    const toSelf = await api.post("/reports", {
      name: "self",
      template_id: "daily_activity",
      schedule_type: "daily",
      time_of_day: "08:00",
      delivery_method: "whatsapp",
      session_id: s.id,
    });
    const e2 = await api.post(`/reports/${toSelf.body.id}/run`);
    expect(e2.body.delivery).toMatchObject({ status: "queued", to: s.phone });
    await waitFor(async () => (await outbox(s.id)).length === 2, { what: "two report messages" });
    const msgs = await outbox(s.id);
    expect(msgs.find((m) => m.to === boss)?.text).toBe(e1.body.text);
    expect(msgs.find((m) => m.to === s.phone)?.text).toBe(e2.body.text);
    expect(e1.body.text).toMatch(/Asia\/Shanghai/);
    // Report deliveries go through the normal send path (they count against the quota once recorded,
    // a moment after the send) but are not listed as bulk sends.
    await waitFor(async () => (await api.get("/usage/current")).body.total_messages === 2, { what: "both deliveries counted" });
    expect((await api.get("/usage/current")).body.total_messages).toBe(2);
    expect((await api.get("/bulk-send")).body.jobs).toEqual([]);
  });

  it.sequential("fires a report from its timer and shows it in history; enforces the plan's report limit", async () => {
    const { api } = await newTenant("free");
    const at = new Date(Date.now() + 2000).toISOString();
    const r = await api.post("/reports", { name: "soon", template_id: "session_health", schedule_type: "one_time", scheduled_time: at });
    expect(r.status).toBe(201);
    const exe = await waitFor(async () => (await api.get(`/reports/${r.body.id}/history`)).body.executions[0], { timeoutMs: 15_000, what: "an execution" });
    expect(exe).toMatchObject({ template_id: "session_health", period_end: at });
    expect(Date.parse(exe.generated_at) - Date.parse(at)).toBeLessThan(2000);
    // The execution is written first, then the report's own record moves on (two writes, a moment apart).
    const done = await waitFor(
      async () => {
        const cur = (await api.get(`/reports/${r.body.id}`)).body;
        return cur.status === "completed" ? cur : undefined;
      },
      { what: "the one-time report to complete" },
    );
    expect(done).toMatchObject({ status: "completed", run_count: 1 });

    expect((await api.post("/reports", { name: "2", template_id: "usage_plan", schedule_type: "daily", time_of_day: "09:00" })).status).toBe(201);
    const third = await api.post("/reports", { name: "3", template_id: "usage_plan", schedule_type: "daily", time_of_day: "09:00" });
    expect(third.status).toBe(403);
    expect(third.body.error).toMatchObject({ code: "plan.report_limit", details: { limit: 2 } });
    expect((await api.del(`/reports/${r.body.id}`)).status).toBe(200);
    expect((await api.post("/reports", { name: "3", template_id: "usage_plan", schedule_type: "daily", time_of_day: "09:00" })).status).toBe(201);
  });

  it("lists templates, validates input, pauses and resumes, and keeps reports per tenant", async () => {
    const { api } = await newTenant("business");
    const templates = await api.get("/reports/templates");
    expect(templates.body.map((t: { id: string }) => t.id)).toEqual([...TEMPLATE_IDS]);
    expect((await api.post("/reports", { name: "x", schedule_type: "daily", time_of_day: "09:00" })).status).toBe(422);
    expect((await api.post("/reports", { name: "x", template_id: "nope", schedule_type: "daily", time_of_day: "09:00" })).status).toBe(400);
    expect((await api.post("/reports", { name: "x", template_id: "usage_plan", schedule_type: "cron", cron_expression: "*/2 * * * *" })).status).toBe(422);
    const r = await api.post("/reports", {
      name: "weekly",
      template_id: "daily_activity",
      schedule_type: "weekly",
      time_of_day: "18:00",
      days_of_week: ["fri"],
      timezone: "Europe/Paris",
    });
    expect((await api.post(`/reports/${r.body.id}/pause`)).body).toMatchObject({ status: "paused", next_run_at: null });
    const resumed = await api.post(`/reports/${r.body.id}/resume`);
    expect(resumed.body.status).toBe("active");
    expect(resumed.body.next_run_at).toBe(r.body.next_run_at);
    const patched = await api.patch(`/reports/${r.body.id}`, { period: "last_7_days", time_of_day: "07:00" });
    expect(patched.body).toMatchObject({ period: "last_7_days", time_of_day: "07:00" });
    const other = await newTenant("business");
    expect((await other.api.get(`/reports/${r.body.id}`)).status).toBe(404);
    expect((await other.api.post(`/reports/${r.body.id}/run`)).status).toBe(404);
    expect((await other.api.get("/reports")).body.reports).toEqual([]);
  });
});
