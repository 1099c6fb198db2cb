import { TEMPLATE_IDS } from "@outreach/core/report";
import { describe, expect, it } from "vitest";
import { newTenant, phones, sandbox, waitFor, workingSession } from "../helpers/api";
import { moltflow } from "../helpers/moltflow";

// Each test has its own tenant and session: they run side by side.
describe.concurrent("MoltFlow's outreach client, unmodified but for the base URL and key", () => {
  it("runs every function of the client and parses every answer", async () => {
    const { api, key } = await newTenant("business");
    const mf = moltflow(key);
    const session = await workingSession(api);
    const people = phones(4);

    // Groups.
    const group = await mf.createGroup(
      "customers",
      people.slice(0, 3).map((phone, i) => ({ phone, name: `C${i}` })),
    );
    expect(group).toMatchObject({ name: "customers", member_count: 3 });
    expect((await mf.listGroups()).groups.map((g: { id: string }) => g.id)).toContain(group.id);
    const detail = await mf.getGroup(group.id);
    expect(detail.members).toHaveLength(3);
    expect(detail.members.every((m: { id: string }) => /^mem_/.test(m.id))).toBe(true);
    expect((await mf.updateGroup(group.id, "best customers")).name).toBe("best customers");
    expect(await mf.addMembers(group.id, [{ phone: people[3] as string }])).toMatchObject({ added: 1 });
    const victim = (await mf.getGroup(group.id)).members[0] as { id: string; phone: string };
    expect(await mf.removeMembers(group.id, [victim.id, "mem_unknown0"])).toEqual({ removed: 1, not_found: 1 });
    expect((await mf.getGroup(group.id)).members.map((m: { phone: string }) => m.phone)).not.toContain(victim.phone);
    const contacts = (await mf.contacts()).contacts as { id: string; phone: string }[];
    expect(contacts.find((c) => c.phone === people[1])?.id).toMatch(/^mem_/);
    await sandbox().post("/sandbox/api/wa-groups", {
      session_id: session.id,
      wa_group_id: "120363000000000042@g.us",
      name: "club",
      participants: [{ phone: phones(1)[0] }],
    });
    expect((await mf.waGroups(session.id)).wa_groups).toHaveLength(1);
    const fromWa = await mf.fromWaGroups("club members", [{ wa_group_id: "120363000000000042@g.us", session_id: session.id }]);
    expect(fromWa).toMatchObject({ member_count: 1, imported: 1 });
    expect((await mf.exportCsv(group.id)).split("\r\n")[0]).toBe("phone,name,added_at");
    const exported = await mf.exportJson(group.id);
    expect(exported).toHaveLength(3);
    expect(exported[0]).toMatchObject({ id: expect.stringMatching(/^mem_/), phone: expect.any(String) });
    expect(await mf.deleteGroup(fromWa.id)).toEqual({ id: fromWa.id, deleted: true });

    // Bulk send: a paced job that can be paused, resumed and cancelled, and its progress without streaming.
    const job = await mf.createBulk({
      session_id: session.id,
      custom_group_id: group.id,
      message_content: "Hi {{name}}",
      min_delay_seconds: 60,
      max_delay_seconds: 90,
    });
    expect(job).toMatchObject({ custom_group_id: group.id, total_recipients: 3 });
    expect((await mf.listBulk()).jobs.map((j: { id: string }) => j.id)).toContain(job.id);
    expect((await mf.getBulk(job.id)).recipients).toHaveLength(3);
    const progress = await mf.bulkProgress(job.id);
    expect(progress).toMatchObject({ job_id: job.id, total: 3, status: expect.stringMatching(/pending|running/) });
    expect((await mf.pauseBulk(job.id)).status).toBe("paused");
    expect((await mf.resumeBulk(job.id)).status).toMatch(/pending|running/);
    expect((await mf.cancelBulk(job.id)).status).toBe("cancelled");
    expect(await mf.bulkProgress(job.id)).toMatchObject({ job_id: job.id, status: "cancelled" });

    // A group with nobody to send to is refused before anything is created.
    const empty = await mf.createGroup("nobody", []);
    await expect(mf.createBulk({ session_id: session.id, custom_group_id: empty.id, message_content: "x" })).rejects.toThrow(/422.*bulk_send.no_recipients/);

    // Scheduled messages, one of each schedule type.
    const base = { session_id: session.id, custom_group_id: group.id, message_content: "weekly news", timezone: "Asia/Shanghai" };
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const created = [
      await mf.createScheduled({ ...base, name: "once", schedule_type: "one_time", scheduled_time: future }),
      await mf.createScheduled({ ...base, name: "daily", schedule_type: "daily", cron_expression: "0 9 * * *" }),
      await mf.createScheduled({ ...base, name: "weekly", schedule_type: "weekly", cron_expression: "0 9 * * 1" }),
      await mf.createScheduled({ ...base, name: "monthly", schedule_type: "monthly", cron_expression: "0 9 1 * *" }),
      await mf.createScheduled({ ...base, name: "cron", schedule_type: "cron", cron_expression: "30 8 * * 1-5" }),
    ];
    for (const s of created) expect(s).toMatchObject({ status: "active", next_run_at: expect.any(String) });
    expect((await mf.listScheduled()).messages).toHaveLength(5);
    const daily = created[1];
    expect((await mf.getScheduled(daily.id)).name).toBe("daily");
    expect((await mf.updateScheduled(daily.id, { cron_expression: "0 10 * * *" })).cron_expression).toBe("0 10 * * *");
    expect((await mf.pauseScheduled(daily.id)).status).toBe("paused");
    expect((await mf.resumeScheduled(daily.id)).status).toBe("active");
    expect((await mf.cancelScheduled(daily.id)).status).toBe("cancelled");
    expect((await mf.history(daily.id)).executions).toEqual([]);
    expect(await mf.deleteScheduled(daily.id)).toEqual({ id: daily.id, deleted: true });

    // Sessions and usage.
    expect((await mf.sessions()).map((s: { id: string }) => s.id)).toContain(session.id);
    const usage = await mf.usage();
    expect(usage).toMatchObject({ plan: "business", period: expect.stringMatching(/^\d{4}-\d{2}$/), messages_sent: expect.any(Number), messages_received: 0 });
    await waitFor(async () => (await mf.usage()).api_calls > 30, { what: "api calls counted" });
  });

  it("runs a scheduled message on an empty group as skipped, with the reason", async () => {
    const { api, key } = await newTenant("business");
    const mf = moltflow(key);
    const session = await workingSession(api);
    const empty = await mf.createGroup("nobody yet", []);
    const s = await mf.createScheduled({
      session_id: session.id,
      custom_group_id: empty.id,
      message_content: "x",
      name: "soon",
      schedule_type: "one_time",
      scheduled_time: new Date(Date.now() + 2000).toISOString(),
    });
    const runs = await waitFor(
      async () => {
        const h = (await mf.history(s.id)).executions as { status: string; error: string | null; bulk_send_id: string | null }[];
        return h.length > 0 && h[0]?.status !== "running" ? h : undefined;
      },
      { timeoutMs: 20_000, what: "the run" },
    );
    expect(runs[0]).toMatchObject({ status: "skipped", bulk_send_id: null, error: expect.stringMatching(/no members that can be sent to/) });
    expect((await mf.listBulk()).jobs).toEqual([]);
  });

  it("serves all ten of MoltFlow's report templates", async () => {
    const { api } = await newTenant("business");
    const templates = (await api.get("/reports/templates")).body as { id: string; name: string; description: string }[];
    expect(TEMPLATE_IDS).toHaveLength(10);
    expect(templates.map((t) => t.id)).toEqual([...TEMPLATE_IDS]);
    for (const template_id of ["lead_pipeline", "group_monitoring", "review_digest"]) {
      const res = await api.post("/reports", { name: "r", template_id, schedule_type: "daily", time_of_day: "08:00" });
      expect(res.status, res.text).toBe(201);
    }
    expect((await api.post("/reports", { name: "r", template_id: "nonsense", schedule_type: "daily", time_of_day: "08:00" })).status).toBe(400);
  });

  it("group_monitor.py with its defaults: a member's first message becomes a lead", async () => {
    const { key, api } = await newTenant("business");
    const mf = moltflow(key);
    const s = await workingSession(api);
    const [member] = phones(1) as [string];
    const wa = `120363${Math.floor(Math.random() * 1e12)}@g.us`;
    await sandbox().post("/sandbox/api/wa-groups", { session_id: s.id, wa_group_id: wa, name: "Vendas", participants: [{ phone: member }] });
    const g = await mf.addMonitored(s.id, wa);
    expect(g).toMatchObject({ monitor_mode: "first_message", auto_respond: false, is_active: true });
    await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: member, text: "bom dia", wa_group_id: wa });
    const leads = await waitFor(async () => {
      const l = await mf.listLeads();
      return l.total === 1 ? l : undefined;
    });
    expect(leads.leads[0]).toMatchObject({ contact_phone: member, source: "group", source_group_id: g.id });
  });

  it("admin.py: usage, history, daily and plans", async () => {
    const { key } = await newTenant("pro");
    const mf = moltflow(key);
    expect(await mf.usage()).toMatchObject({ plan: "pro", limit_messages: 1500 });
    const history = await mf.usageHistory(6);
    expect(history.history).toHaveLength(6);
    expect(Object.keys(history.history[0]).sort()).toEqual(
      ["api_calls", "leads_detected", "limit_messages", "messages_received", "messages_sent", "period", "total_messages"].sort(),
    );
    expect((await mf.usageDaily(30)).days).toHaveLength(30);
    expect((await mf.plans()).plans.map((p: { id: string }) => p.id)).toContain("pro");
    expect(await mf.subscription()).toMatchObject({ plan: "pro" });
    expect((await mf.me()).tenant.plan).toBe("pro");
  });

  it("group_monitor.py, leads.py and reviews.py: the same requests, every answer parsed", async () => {
    const { key, api } = await newTenant("business");
    const mf = moltflow(key);
    const s = await workingSession(api);
    const people = phones(3);
    const wa = `120363${Math.floor(Math.random() * 1e12)}@g.us`;
    await sandbox().post("/sandbox/api/wa-groups", { session_id: s.id, wa_group_id: wa, name: "Clientes", participants: people.map((phone) => ({ phone })) });

    // group_monitor.py: "keyword" (its docstring's spelling) is served (its default, first_message, in the test below).
    expect((await mf.listAvailable(s.id)).items.map((g: { wa_group_id: string }) => g.wa_group_id)).toContain(wa);
    const g = await mf.addMonitored(s.id, wa, {
      name: "Clientes SP",
      monitor_mode: "keyword",
      monitor_keywords: ["price"],
      webhook_url: "https://crm.example.com/hook",
    });
    expect(g).toMatchObject({ name: "Clientes SP", monitor_mode: "keywords", webhook_url: "https://crm.example.com/hook", auto_respond: false });
    const listed = await mf.listMonitored();
    expect(listed.total).toBe(1);
    expect(listed.items[0]).toMatchObject({ id: g.id, is_active: true, leads_detected: 0, messages_processed: 0 });
    await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: people[0], text: "what is the price?", wa_group_id: wa });
    await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: people[1], text: "Price for two?", wa_group_id: wa });
    await waitFor(async () => ((await mf.getMonitored(g.id)).leads_detected === 2 ? true : undefined));
    expect(await mf.updateMonitored(g.id, { monitor_keywords: ["price", "buy"], is_active: true })).toMatchObject({ monitor_keywords: ["price", "buy"] });

    // leads.py
    const leads = await mf.listLeads();
    expect(leads.total).toBe(2);
    for (const status of ["new", "contacted", "qualified", "converted", "lost"])
      expect((await mf.listLeads({ status, limit: 1 })).total).toBe(status === "new" ? 2 : 0);
    const [l1, l2] = leads.leads as { id: string }[];
    expect(await mf.getLead(l1?.id as string)).toMatchObject({ id: l1?.id, source: "group", source_group_id: g.id });
    expect((await mf.updateLeadStatus(l1?.id as string, "contacted")).status).toBe("contacted");
    expect(await mf.bulkLeadStatus([l1?.id as string, l2?.id as string], "qualified")).toMatchObject({ updated: 2 });
    const cg = await mf.createGroup("from leads", []);
    expect(await mf.bulkAddToGroup([l1?.id as string, l2?.id as string], cg.id)).toMatchObject({ added: 2, duplicates: 0 });
    expect((await mf.listLeads({ source_group_id: g.id })).total).toBe(2);
    expect((await mf.exportLeadsCsv("qualified")).split("\r\n")[0]).toMatch(/^id,contact_phone,contact_name,status/);
    expect(await mf.exportLeadsJson("qualified")).toHaveLength(2);

    // reviews.py
    const c = await mf.createCollector("Loja", s.id, { languages: ["en", "pt"], description: "feedback" });
    expect(c).toMatchObject({ name: "Loja", source_type: "all", languages: ["en", "pt"], is_active: true, review_count: 0 });
    await sandbox().post("/sandbox/api/inbound", {
      session_id: s.id,
      from: people[2],
      text: "Amazing product, great quality and fantastic support. Thank you so much, best purchase this year!",
    });
    const found = await waitFor(async () => {
      const r = await mf.listReviews({ collector_id: c.id });
      return r.total === 1 ? r : undefined;
    });
    const review = found.reviews[0];
    expect((await mf.listCollectors()).collectors.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect(await mf.getCollector(c.id)).toMatchObject({ review_count: 1 });
    expect(await mf.updateCollector(c.id, { min_sentiment_score: 0.7 })).toMatchObject({ min_sentiment_score: 0.7 });
    expect(await mf.runCollector(c.id)).toMatchObject({ reviews_created: 0 });
    expect(await mf.getReview(review.id)).toMatchObject({ id: review.id, sentiment_label: "positive" });
    expect(await mf.approveReview(review.id)).toMatchObject({ is_approved: true });
    expect((await mf.listReviews({ approved_only: true })).total).toBe(1);
    expect(await mf.reviewStats()).toMatchObject({ total: 1, approved: 1, pending: 0, hidden: 0, avg_score: review.sentiment_score });
    expect(await mf.exportTestimonials("json")).toMatchObject({ count: 1 });
    expect((await mf.exportTestimonials("html")).html).toMatch(/Amazing product/);
    expect(await mf.hideReview(review.id)).toMatchObject({ is_hidden: true });
    expect(await mf.deleteReview(review.id)).toEqual({ id: review.id, deleted: true });
    expect(await mf.deleteCollector(c.id)).toEqual({ id: c.id, deleted: true });
    expect(await mf.deleteMonitored(g.id)).toEqual({ id: g.id, deleted: true });
  });
});
