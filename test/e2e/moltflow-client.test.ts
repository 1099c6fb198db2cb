import { TEMPLATE_IDS } from "@outreach/core/report";
import { describe, expect, inject, it } from "vitest";
import { newTenant, phones, sandbox, waitFor, workingSession } from "../helpers/api";

/**
 * Issue 14: the requests MoltFlow's published outreach client makes (same paths, bodies and headers —
 * `Accept: *\/*`, `Content-Type: application/json`, the key in `X-API-Key`), each answer parsed as JSON
 * where the client calls `.json()` (every call but the CSV export), and `raise_for_status()` on each.
 */
const moltflow = (key: string) => {
  const base = `${inject("runtimeUrl")}/api/v2`;
  const send = async (method: string, path: string, json?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "X-API-Key": key, "Content-Type": "application/json", Accept: "*/*" },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  const call = async (method: string, path: string, json?: unknown) => (await send(method, path, json)).json() as Promise<any>;
  return {
    // groups
    listGroups: () => call("GET", "/custom-groups"),
    createGroup: (name: string, members: { phone: string; name?: string }[]) => call("POST", "/custom-groups", { name, members }),
    getGroup: (id: string) => call("GET", `/custom-groups/${id}`),
    updateGroup: (id: string, name: string) => call("PATCH", `/custom-groups/${id}`, { name }),
    addMembers: (id: string, contacts: { phone: string; name?: string }[]) => call("POST", `/custom-groups/${id}/members/add`, { contacts }),
    removeMembers: (id: string, memberIds: string[]) => call("POST", `/custom-groups/${id}/members/remove`, { member_ids: memberIds }),
    contacts: () => call("GET", "/custom-groups/contacts"),
    waGroups: (sessionId: string) => call("GET", `/custom-groups/wa-groups?session_id=${sessionId}`),
    fromWaGroups: (name: string, waGroups: { wa_group_id: string; session_id: string }[]) =>
      call("POST", "/custom-groups/from-wa-groups", { name, wa_groups: waGroups }),
    exportCsv: async (id: string) => (await send("GET", `/custom-groups/${id}/export/csv`)).text(),
    exportJson: (id: string) => call("GET", `/custom-groups/${id}/export/json`),
    deleteGroup: (id: string) => call("DELETE", `/custom-groups/${id}`),
    // bulk send
    createBulk: (body: object) => call("POST", "/bulk-send", body),
    listBulk: () => call("GET", "/bulk-send"),
    getBulk: (id: string) => call("GET", `/bulk-send/${id}`),
    pauseBulk: (id: string) => call("POST", `/bulk-send/${id}/pause`),
    resumeBulk: (id: string) => call("POST", `/bulk-send/${id}/resume`),
    cancelBulk: (id: string) => call("POST", `/bulk-send/${id}/cancel`),
    bulkProgress: (id: string) => call("GET", `/bulk-send/${id}/progress`),
    // scheduled
    createScheduled: (body: object) => call("POST", "/scheduled-messages", body),
    listScheduled: () => call("GET", "/scheduled-messages"),
    getScheduled: (id: string) => call("GET", `/scheduled-messages/${id}`),
    updateScheduled: (id: string, body: object) => call("PATCH", `/scheduled-messages/${id}`, body),
    pauseScheduled: (id: string) => call("POST", `/scheduled-messages/${id}/pause`),
    resumeScheduled: (id: string) => call("POST", `/scheduled-messages/${id}/resume`),
    cancelScheduled: (id: string) => call("POST", `/scheduled-messages/${id}/cancel`),
    deleteScheduled: (id: string) => call("DELETE", `/scheduled-messages/${id}`),
    history: (id: string) => call("GET", `/scheduled-messages/${id}/history`),
    // group_monitor.py (what it sends: every field it defaults, the optional ones only when given)
    listMonitored: () => call("GET", "/groups"),
    listAvailable: (sessionId: string) => call("GET", `/groups/available/${sessionId}`),
    addMonitored: (sessionId: string, waGroupId: string, o: { name?: string; monitor_mode?: string; monitor_keywords?: string[]; webhook_url?: string } = {}) =>
      call("POST", "/groups", {
        session_id: sessionId,
        wa_group_id: waGroupId,
        monitor_mode: o.monitor_mode ?? "first_message",
        auto_respond: false,
        auto_label_leads: false,
        ...(o.name ? { name: o.name } : {}),
        ...(o.monitor_keywords ? { monitor_keywords: o.monitor_keywords } : {}),
        ...(o.webhook_url ? { webhook_url: o.webhook_url } : {}),
      }),
    getMonitored: (id: string) => call("GET", `/groups/${id}`),
    updateMonitored: (id: string, body: object) => call("PATCH", `/groups/${id}`, body),
    deleteMonitored: (id: string) => call("DELETE", `/groups/${id}`),
    // leads.py (requests encodes params in this order)
    listLeads: (o: { status?: string; source_group_id?: string; limit?: number; offset?: number } = {}) =>
      call(
        "GET",
        `/leads?limit=${o.limit ?? 50}&offset=${o.offset ?? 0}${o.status ? `&status=${o.status}` : ""}${o.source_group_id ? `&source_group_id=${o.source_group_id}` : ""}`,
      ),
    getLead: (id: string) => call("GET", `/leads/${id}`),
    updateLeadStatus: (id: string, status: string) => call("PATCH", `/leads/${id}/status`, { status }),
    bulkLeadStatus: (ids: string[], status: string) => call("POST", "/leads/bulk/status", { lead_ids: ids, status }),
    bulkAddToGroup: (ids: string[], customGroupId: string) => call("POST", "/leads/bulk/add-to-group", { lead_ids: ids, custom_group_id: customGroupId }),
    exportLeadsCsv: async (status?: string) => (await send("GET", `/leads/export/csv${status ? `?status=${status}` : ""}`)).text(),
    exportLeadsJson: (status?: string) => call("GET", `/leads/export/json${status ? `?status=${status}` : ""}`),
    // reviews.py (Python's booleans arrive as "True"/"False")
    listCollectors: (includeInactive = false) => call("GET", `/reviews/collectors?include_inactive=${includeInactive ? "True" : "False"}`),
    createCollector: (name: string, sessionId: string, o: { include_keywords?: string[]; languages?: string[]; description?: string } = {}) =>
      call("POST", "/reviews/collectors", {
        name,
        session_id: sessionId,
        source_type: "all",
        min_positive_words: 3,
        min_sentiment_score: 0.6,
        ...(o.include_keywords ? { include_keywords: o.include_keywords } : {}),
        ...(o.languages ? { languages: o.languages } : {}),
        ...(o.description ? { description: o.description } : {}),
      }),
    getCollector: (id: string) => call("GET", `/reviews/collectors/${id}`),
    updateCollector: (id: string, body: object) => call("PATCH", `/reviews/collectors/${id}`, body),
    deleteCollector: (id: string) => call("DELETE", `/reviews/collectors/${id}`),
    runCollector: (id: string) => call("POST", `/reviews/collectors/${id}/run`),
    listReviews: (o: { collector_id?: string; approved_only?: boolean } = {}) =>
      call(
        "GET",
        `/reviews?approved_only=${o.approved_only ? "True" : "False"}&include_hidden=False&limit=50&offset=0${o.collector_id ? `&collector_id=${o.collector_id}` : ""}`,
      ),
    getReview: (id: string) => call("GET", `/reviews/${id}`),
    approveReview: (id: string) => call("PATCH", `/reviews/${id}`, { is_approved: true }),
    hideReview: (id: string) => call("PATCH", `/reviews/${id}`, { is_hidden: true }),
    deleteReview: (id: string) => call("DELETE", `/reviews/${id}`),
    reviewStats: (collectorId?: string) => call("GET", `/reviews/stats${collectorId ? `?collector_id=${collectorId}` : ""}`),
    exportTestimonials: (format = "json") => call("GET", `/reviews/testimonials/export?format=${format}`),
    // sessions and usage
    sessions: () => call("GET", "/sessions"),
    usage: () => call("GET", "/usage/current"),
    // admin.py
    usageHistory: (months = 6) => call("GET", `/usage/history?months=${months}`),
    usageDaily: (days = 30) => call("GET", `/usage/daily?days=${days}`),
    plans: () => call("GET", "/billing/plans"),
    subscription: () => call("GET", "/billing/subscription"),
    me: () => call("GET", "/auth/me"),
  };
};

describe("MoltFlow's outreach client, unmodified but for the base URL and key", () => {
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
