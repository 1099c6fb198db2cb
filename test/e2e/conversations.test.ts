import { describe, expect, inject, it } from "vitest";
import { sseData } from "../../packages/client/src/sse";
import { type Client, groupWith, newTenant, outbox, readSse, sandbox, waitFor, waitJob, workingSession } from "../helpers/api";

const fast = { min_delay_seconds: 0, max_delay_seconds: 0 };

/** A contact writes to the session through the sandbox. */
const write = async (session: string, from: string, text: string, extra: object = {}) => {
  const r = await sandbox().post("/sandbox/api/inbound", { session_id: session, from, text, ...extra });
  expect(r.status, r.text).toBe(200);
  return r.body.message_id as string;
};

const conversations = async (api: Client, query = "") =>
  (await api.get(`/conversations${query}`)).body.conversations as { phone: string; unanswered: boolean; inbound_count: number; outbound_count: number }[];

/** Every message of a contact, page by page (a small page size, so paging is exercised). */
const allMessages = async (api: Client, phone: string) => {
  const out: { direction: string; text: string | null; job_id: string | null; message_id: string | null; status: string | null }[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { messages: typeof out; next_cursor: string | null } } = await api.get(
      `/conversations/${encodeURIComponent(phone)}/messages?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(page.status).toBe(200);
    out.push(...page.body.messages);
    cursor = page.body.next_cursor;
  } while (cursor);
  return out;
};

// Each test has its own tenant and session: they run side by side.
describe.concurrent("conversations end to end", () => {
  it("a 10-member bulk send, 4 contacts answer (one twice, one STOP): 3 replies, 3 unanswered, a reply answers one, and the reports list what the store holds", async () => {
    const { api, key } = await newTenant("business");
    const s = await workingSession(api);
    const g = await groupWith(api, 10);
    const [p0, p1, p2, p3] = g.phones as [string, string, string, string];
    const job = await api.post("/bulk-send", { session_id: s.id, custom_group_id: g.id, message_content: "Oi {{name}}, novidades!", ...fast });
    expect(job.status).toBe(201);
    await waitJob(api, job.body.id, ["completed"]);

    // p0 writes twice, p1 and p2 once, p3 opts out; p2's message is delivered twice by WhatsApp.
    await write(s.id, p0, "Quero saber mais");
    await write(s.id, p1, "Qual o preço?");
    const m2 = await write(s.id, p2, "Tenho interesse");
    await write(s.id, p3, "STOP");
    await write(s.id, p0, "Alguém aí?");
    await write(s.id, p2, "Tenho interesse", { message_id: m2 });

    const replied = await waitFor(
      async () => {
        const j = (await api.get(`/bulk-send/${job.body.id}`)).body;
        return j.replied_count === 3 ? j : undefined;
      },
      { what: "three replies on the job" },
    );
    expect(replied).toMatchObject({ sent_count: 10, replied_count: 3, reply_rate: 0.3 });
    // The job's list, its progress (snapshot and the stream) and its recipients say the same.
    expect((await api.get("/bulk-send")).body.jobs[0]).toMatchObject({ id: job.body.id, replied_count: 3, reply_rate: 0.3 });
    expect((await api.get(`/bulk-send/${job.body.id}/progress`)).body).toMatchObject({ replied: 3, reply_rate: 0.3 });
    const sse = await readSse(`${inject("runtimeUrl")}/api/v2/bulk-send/${job.body.id}/progress`, key);
    expect(sse.events.at(-1)).toMatchObject({ status: "completed", replied: 3, reply_rate: 0.3 });
    const recipients = (await api.get(`/bulk-send/${job.body.id}/recipients?limit=20`)).body.recipients as { phone: string; replied_at: string | null }[];
    expect(
      recipients
        .filter((r) => r.replied_at)
        .map((r) => r.phone)
        .sort(),
    ).toEqual([p0, p1, p2].sort());

    // The three who wrote (not the one who opted out) wait for an answer, latest first.
    expect((await conversations(api, "?status=unanswered")).map((c) => c.phone)).toEqual([p0, p2, p1]);
    const all = await conversations(api, "?status=all");
    expect(all.map((c) => c.phone).sort()).toEqual([p0, p1, p2, p3].sort());
    expect(all.find((c) => c.phone === p3)).toMatchObject({ unanswered: false, opted_out: true });
    expect(all.find((c) => c.phone === p0)).toMatchObject({ inbound_count: 2, outbound_count: 1, last_text: "Alguém aí?" });
    expect((await api.get("/usage/current")).body.messages_received).toBe(5);

    // Answering p1 (by chat id) takes it off the unanswered list once it is sent.
    const sent = await api.post("/messages/send", { session_id: s.id, chat_id: `${p1.slice(1)}@c.us`, message: "Custa R$ 10." });
    expect(sent.status, sent.text).toBe(201);
    expect(sent.body).toMatchObject({ id: expect.stringMatching(/^msg_/), status: "queued", phone: p1, chat_id: `${p1.slice(1)}@c.us`, reply: true });
    const delivered = await waitFor(async () => {
      const m = (await api.get(`/messages/${sent.body.id}`)).body;
      return m.status === "sent" || m.status === "delivered" || m.status === "read" ? m : undefined;
    });
    expect(delivered.sent_at).toEqual(expect.any(String));
    expect((await outbox(s.id)).filter((m) => m.to === p1).map((m) => m.text)).toEqual(["Oi Member 1, novidades!", "Custa R$ 10."]);
    expect((await conversations(api, "?status=unanswered")).map((c) => c.phone)).toEqual([p0, p2]);
    expect((await conversations(api, "?status=answered")).map((c) => c.phone)).toEqual([p1]);
    expect((await allMessages(api, p1)).map((m) => [m.direction, m.text, m.job_id, m.message_id])).toEqual([
      ["outbound", "Oi Member 1, novidades!", job.body.id, null],
      ["inbound", "Qual o preço?", null, null],
      ["outbound", "Custa R$ 10.", null, sent.body.id],
    ]);
    // A message to a number that opted out is refused; a retried send with the same Idempotency-Key goes once.
    const refused = await api.post("/messages/send", { session_id: s.id, phone: p3, message: "volta?" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("contact.opted_out");
    const once = { session_id: s.id, phone: p2, message: "Já te respondo." };
    const r1 = await api.post("/messages/send", once, { "Idempotency-Key": "reply-p2-1" });
    const r2 = await api.post("/messages/send", once, { "Idempotency-Key": "reply-p2-1" });
    expect([r1.status, r2.status]).toEqual([201, 201]);
    expect(r2.body.id).toBe(r1.body.id);
    await waitFor(async () => ((await api.get(`/messages/${r1.body.id}`)).body.status !== "queued" ? true : undefined));
    expect((await outbox(s.id)).filter((m) => m.to === p2 && m.text === "Já te respondo.")).toHaveLength(1);

    // The reports list exactly what the conversations API shows.
    const templates = (await api.get("/reports/templates")).body as { id: string; name: string; description: string }[];
    expect(templates.filter((t) => t.id === "unanswered_contacts" || t.id === "vip_contacts").map((t) => t.name)).toEqual([
      "Unanswered contacts",
      "VIP contacts",
    ]);
    const run = async (template_id: string, extra: object = {}) => {
      const r = await api.post("/reports", { name: template_id, template_id, schedule_type: "daily", time_of_day: "08:00", period: "last_day", ...extra });
      expect(r.status, r.text).toBe(201);
      const exe = await api.post(`/reports/${r.body.id}/run`);
      expect(exe.status).toBe(201);
      return { report: r.body.id as string, exe: exe.body };
    };
    const unanswered = await run("unanswered_contacts", { threshold_hours: 0 });
    const waiting = await conversations(api, "?status=unanswered");
    expect(unanswered.exe.data.contacts.map((c: { phone: string }) => c.phone)).toEqual(waiting.map((c) => c.phone).reverse());
    expect(unanswered.exe.data.contacts.map((c: { phone: string }) => c.phone)).toEqual([p0]);
    expect(unanswered.exe.text).toMatch(/^1 contact waiting 0 h or longer for an answer$/m);
    // The default threshold (4 h): nobody has waited that long.
    expect((await run("unanswered_contacts")).exe.data).toMatchObject({ threshold_hours: 4, contacts: [] });

    const vip = await run("vip_contacts");
    const expected = [];
    for (const c of await conversations(api, "?status=all")) {
      const msgs = await allMessages(api, c.phone);
      const outbound = msgs.filter((m) => m.direction === "outbound").length;
      expected.push({ phone: c.phone, messages: msgs.length, inbound: msgs.length - outbound, outbound });
    }
    expected.sort((a, b) => b.messages - a.messages || b.inbound - a.inbound || a.phone.localeCompare(b.phone));
    expect(vip.exe.data.contacts.map(({ phone, messages, inbound, outbound }: Record<string, unknown>) => ({ phone, messages, inbound, outbound }))).toEqual(
      expected,
    );
    const rates = Object.fromEntries(vip.exe.data.contacts.map((c: { phone: string; reply_rate: number }) => [c.phone, c.reply_rate]));
    // p0: our message, two of theirs → 1; p1: ours, theirs, ours → 0.5; p2: ours, theirs, ours → 0.5; p3 only said STOP → 0.
    expect(rates).toEqual({ [p0]: 1, [p1]: 0.5, [p2]: 0.5, [p3]: 0 });

    // Every format: CSV, the HTML page with its chart, the WhatsApp text.
    for (const r of [unanswered, vip]) {
      const csv = await api.get(`/reports/${r.report}/history/${r.exe.id}?format=csv`);
      expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
      expect(csv.text.split("\r\n")[0]).toMatch(/^phone,name,session_id,/);
      for (const c of r.exe.data.contacts) expect(csv.text).toContain(c.phone);
      const html = await api.get(`/reports/${r.report}/history/${r.exe.id}?format=html`);
      expect(html.text).toContain("<svg");
      for (const c of r.exe.data.contacts) expect(html.text).toContain(c.phone);
    }
    expect(vip.exe.text.split("\n")[2]).toMatch(new RegExp(`^1\\. Member 0 \\${p0}: 3 messages \\(2 in, 1 out\\), replies 100%$`));
    const progress = await run("bulk_send_progress");
    expect(progress.exe.data.jobs).toEqual([expect.objectContaining({ bulk_send_id: job.body.id, replied: 3, reply_rate: 0.3 })]);
    expect(progress.exe.text).toMatch(/Replied 3 \(30%\)/);
  }, 120_000);

  it("sends a first message to a new contact, refuses bad recipients, and cancels a message whose session logs out before it goes", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    const [fresh, other] = ["+5511987650001", "+5511987650002"];
    const first = await api.post("/messages/send", { session_id: s.id, phone: "55 11 98765-0001", message: "Olá! Primeira mensagem." });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ phone: fresh, chat_id: "5511987650001@c.us", reply: false, status: "queued" });
    await waitFor(async () => ((await api.get(`/messages/${first.body.id}`)).body.status === "read" ? true : undefined), { what: "read" });
    // Writing first lists the conversation (answered: ours is the only message); it is not a bulk send.
    expect(await conversations(api, "?status=answered")).toEqual([expect.objectContaining({ phone: fresh, outbound_count: 1, inbound_count: 0 })]);
    expect((await api.get("/bulk-send")).body.jobs).toEqual([]);

    expect((await api.post("/messages/send", { session_id: s.id, chat_id: "120363000000000001@g.us", message: "x" })).body.error.code).toBe(
      "message.group_chat",
    );
    expect((await api.post("/messages/send", { session_id: s.id, chat_id: "5511987650001@c.us", phone: other, message: "x" })).status).toBe(422);
    expect((await api.post("/messages/send", { session_id: s.id, message: "x" })).status).toBe(422);
    expect((await api.post("/messages/send", { session_id: s.id, phone: other })).status).toBe(422);
    expect((await api.post("/messages/send", { session_id: "ses_00000000000000000000000000", phone: other, message: "x" })).status).toBe(404);
    expect((await api.get("/messages/msg_00000000000000000000000000")).status).toBe(404);
    expect((await api.get(`/conversations/${encodeURIComponent(other)}/messages`)).status).toBe(404);

    // The session is logged out by WhatsApp on the next send: the queued message is cancelled, not left waiting.
    await write(s.id, other, "oi?");
    await sandbox().post("/sandbox/api/faults", { session_id: s.id, fail_next: 1, error: "logout" });
    const lost = await api.post("/messages/send", { session_id: s.id, phone: other, message: "resposta" });
    expect(lost.body).toMatchObject({ status: "queued", reply: true });
    const cancelled = await waitFor(async () => {
      const m = (await api.get(`/messages/${lost.body.id}`)).body;
      return m.status === "cancelled" ? m : undefined;
    });
    expect(cancelled.sent_at).toBeNull();
    expect((await conversations(api, "?status=unanswered")).map((c) => c.phone)).toEqual([other]);
    expect((await api.get("/usage/current")).body).toMatchObject({ messages_sent: 1, reserved_messages: 0 });
  }, 60_000);

  it("the inbox's changes stream says at once when a contact writes and when they are answered; without it, one snapshot", async () => {
    const { api, key } = await newTenant("business");
    const s = await workingSession(api);
    expect((await api.get("/conversations/changes")).body).toEqual({ latest_activity_at: null, unanswered: 0, unanswered_capped: false });
    const ctl = new AbortController();
    const res = await fetch(`${inject("runtimeUrl")}/api/v2/conversations/changes`, {
      headers: { "X-API-Key": key, Accept: "text/event-stream" },
      signal: ctl.signal,
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = sseData<{ latest_activity_at: string | null; unanswered: number }>(res.body as ReadableStream<Uint8Array>);
    const next = async () => (await events.next()).value as { latest_activity_at: string | null; unanswered: number };
    try {
      expect(await next()).toMatchObject({ latest_activity_at: null, unanswered: 0 });
      const from = "+5511987652001";
      await write(s.id, from, "alguém?");
      // The new activity comes at once; the count follows (the server counts again within 10 s of a change).
      const moved = await next();
      expect(moved.latest_activity_at).not.toBeNull();
      let wrote = moved;
      while (wrote.unanswered !== 1) wrote = await next();
      expect(wrote.latest_activity_at).toBe(moved.latest_activity_at);
      expect((await api.post("/messages/send", { session_id: s.id, phone: from, message: "sim!" })).status).toBe(201);
      // The next event that differs: the reply went out, nobody waits.
      let answered = await next();
      while (answered.unanswered !== 0) answered = await next();
      expect(answered.latest_activity_at! > wrote.latest_activity_at!).toBe(true);
    } finally {
      ctl.abort();
    }
    expect((await api.get("/conversations/changes?stream=maybe")).status).toBe(400);
  }, 60_000);

  it("keeps the session's burst limit for a first message, but not for a reply to a contact who wrote", async () => {
    const { api } = await newTenant("business");
    const s = await workingSession(api);
    expect((await api.patch(`/sessions/${s.id}`, { pacing: { burst: { max: 1, window_seconds: 600 } } })).status).toBe(200);
    const [a, b, c] = ["+5511987651001", "+5511987651002", "+5511987651003"];
    const status = async (id: string) => (await api.get(`/messages/${id}`)).body.status as string;
    const first = await api.post("/messages/send", { session_id: s.id, phone: a, message: "one" });
    await waitFor(async () => ((await status(first.body.id)) !== "queued" ? true : undefined), { what: "the first message" });
    // The burst (1 per 10 minutes) is used up: a reply still goes, another first message waits.
    await write(s.id, b, "pergunta");
    const reply = await api.post("/messages/send", { session_id: s.id, phone: b, message: "resposta" });
    expect(reply.body.reply).toBe(true);
    const cold = await api.post("/messages/send", { session_id: s.id, phone: c, message: "three" });
    expect(cold.body.reply).toBe(false);
    await waitFor(async () => ((await status(reply.body.id)) !== "queued" ? true : undefined), { what: "the reply", timeoutMs: 15_000 });
    expect(await status(cold.body.id)).toBe("queued");
    expect((await outbox(s.id)).map((m) => m.text)).toEqual(["one", "resposta"]);
    // Deleting the session cancels what still waits.
    await api.del(`/sessions/${s.id}`);
  }, 60_000);
});
