import { randomBytes } from "node:crypto";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import * as Conversation from "../../packages/core/src/conversation";
import { createIds } from "../../packages/core/src/id";
import { systemClock } from "../../packages/core/src/port";
import { createTenant } from "../../packages/core/src/tenant";
import { createGuardedFetch } from "../../packages/fetch/src";
import { createSessionHost } from "../../packages/system/src/host";
import { inboundSubscribers } from "../../packages/system/src/host/inbound";
import { createSandboxTransport } from "../../packages/whatsapp/src/sandbox";
import { db, logger, store, useTable } from "../helpers/baileys-fixture";
import { jobRecord, sessionRecord } from "../helpers/records";

useTable();

const ids = createIds();
const deps = {
  store: store as never as typeof store,
  queue: { send: async () => {} } as never,
  clock: systemClock,
  ids,
  timers: { arm: async () => {}, disarm: async () => {} },
};
const phone = () => `+55119${String(Math.floor(Math.random() * 9000) + 1000)}${String(Math.floor(Math.random() * 9000) + 1000)}`;

/** A tenant with a working sandbox session hosted by a session host: inbound events take the worker's path. */
const hosted = async (settings?: { retention_days?: number; reply_window_hours?: number }) => {
  const tenant = await createTenant(deps, { name: "conv", plan: "business" });
  if (settings) await store.tenants.setSettings(tenant.id, settings);
  const sessionId = ids.next("ses");
  await store.sessions.create(sessionRecord({ id: sessionId, tenant_id: tenant.id, transport: "sandbox" }), null);
  const host = createSessionHost({ ...deps, logger, owner: `host-${randomBytes(3).toString("hex")}` });
  const sandbox = createSandboxTransport({ outbox: store.sandbox, events: host.events, clock: systemClock, fetchMedia: createGuardedFetch() });
  host.attach(sandbox);
  await host.sync(tenant.id, sessionId);
  return { tenantId: tenant.id, sessionId, sandbox, stop: () => host.stop() };
};

/** A bulk send that reached `phones` at `at` (claimed and recorded as the sender does, with its conversation context). */
const sentJob = async (tenantId: string, sessionId: string, phones: string[], at = Date.now()) => {
  const job = jobRecord({
    id: ids.next("bulk"),
    tenant_id: tenantId,
    session_id: sessionId,
    message_content: "Hi {{name|there}}",
    total_recipients: phones.length,
    quota_held: phones.length,
  });
  await store.jobs.create(job, phones.length, null);
  const ref = { tenant_id: tenantId, id: job.id, quota_month: job.quota_month };
  const recipients = phones.map((p) => ({ phone: p, name: "Ana", status: "pending" as const, attempts: 0, sent_at: null, error: null, message_id: null }));
  await store.recipients.writeSnapshotChunk(ref, recipients, null, phones.at(-1) as string, true);
  for (const p of phones) expect(await store.recipients.claim(ref, p, 0, Date.now() + 60_000, `3EB0${job.id}${p}`)).toBe("claimed");
  await store.recipients.markSent(
    ref,
    phones.map((p) => ({ phone: p, messageId: `3EB0${job.id}${p}`, at, name: "Ana", text: "Hi Ana" })),
    { sessionId, conversation: { session_id: sessionId, origin: "api", retention_days: 90 } },
  );
  return job;
};

/** Every item under the contact's message partition (what the store holds, expired or not). */
const inboundItems = async (tenantId: string, p: string) =>
  (
    await db.doc.send(
      new QueryCommand({ TableName: db.table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": `CV#${tenantId}#${p}` } }),
    )
  ).Items ?? [];

describe("conversations (DynamoDB Local)", () => {
  it("stores the same inbound event delivered twice (and concurrently) once, counted once", async () => {
    const t = await hosted();
    try {
      const from = phone();
      const first = await t.sandbox.inbound(t.sessionId, from, "Olá, tudo bem?", { messageId: "3A0F00DUP1", name: "Bia" });
      await t.sandbox.inbound(t.sessionId, from, "Olá, tudo bem?", { messageId: first.messageId, name: "Bia" });
      await Promise.all([1, 2, 3].map(() => t.sandbox.inbound(t.sessionId, from, "Olá, tudo bem?", { messageId: first.messageId })));
      await t.sandbox.inbound(t.sessionId, from, "", { messageId: "3A0F00IMG1", mediaType: "image" });

      expect(await inboundItems(t.tenantId, from)).toHaveLength(2);
      const conv = await store.conversations.get(t.tenantId, from, t.sessionId, true);
      expect(conv).toMatchObject({ inbound_count: 2, outbound_count: 0, name: "Bia", last_text: "[image]", listed: true, opted_out: false });
      const day = new Date().toISOString().slice(0, 10);
      expect((await store.activity.range(t.tenantId, day, day))[0]?.received).toBe(2);
      const page = await Conversation.messages(deps, t.tenantId, from, { order: "asc" }, { limit: 50 });
      expect(page.messages.map((m) => [m.id, m.direction, m.text, m.media_type])).toEqual([
        ["3A0F00DUP1", "inbound", "Olá, tudo bem?", null],
        ["3A0F00IMG1", "inbound", "", "image"],
      ]);
    } finally {
      await t.stop();
    }
  });

  it("attributes a reply within the window to the bulk send once; STOP is an opt-out, not a reply; later messages are not replies", async () => {
    const t = await hosted({ reply_window_hours: 72 });
    try {
      const [a, b, c, d] = [phone(), phone(), phone(), phone()];
      const job = await sentJob(t.tenantId, t.sessionId, [a, b, c] as string[]);
      // d was reached 73 h ago by another send: outside the window.
      const old = await sentJob(t.tenantId, t.sessionId, [d as string], Date.now() - 73 * 3_600_000);

      await t.sandbox.inbound(t.sessionId, a as string, "Quero saber mais");
      await t.sandbox.inbound(t.sessionId, a as string, "Alô?");
      await t.sandbox.inbound(t.sessionId, b as string, "STOP");
      await t.sandbox.inbound(t.sessionId, d as string, "oi");

      const j = await store.jobs.get(t.tenantId, job.id, true);
      expect(j?.replied_count).toBe(1);
      expect((await store.recipients.get(job.id, a as string))?.replied_at).toEqual(expect.any(String));
      expect((await store.recipients.get(job.id, b as string))?.replied_at).toBeUndefined();
      expect((await store.recipients.get(job.id, c as string))?.replied_at).toBeUndefined();
      expect((await store.jobs.get(t.tenantId, old.id, true))?.replied_count).toBeUndefined();
      expect(await store.optouts.which(t.tenantId, [b as string])).toEqual(new Set([b]));

      const unanswered = await Conversation.list(deps, t.tenantId, { status: "unanswered" }, { limit: 50 });
      expect(unanswered.conversations.map((x) => x.phone).sort()).toEqual([a, d].sort());
      const all = await Conversation.list(deps, t.tenantId, { status: "all" }, { limit: 50 });
      // c only received the bulk send: counted, not listed.
      expect(all.conversations.map((x) => x.phone).sort()).toEqual([a, b, d].sort());
      expect(all.conversations.find((x) => x.phone === b)).toMatchObject({ opted_out: true, unanswered: false, inbound_count: 1, outbound_count: 1 });
      expect(await store.conversations.get(t.tenantId, c as string, t.sessionId)).toMatchObject({ outbound_count: 1, listed: false });

      // The message list shows the bulk send (rendered for the recipient) and the replies, in time order.
      const msgs = await Conversation.messages(deps, t.tenantId, a as string, { session_id: t.sessionId, order: "asc" }, { limit: 50 });
      expect(msgs.messages.map((m) => [m.direction, m.text, m.job_id, m.status])).toEqual([
        ["outbound", "Hi Ana", job.id, "sent"],
        ["inbound", "Quero saber mais", null, null],
        ["inbound", "Alô?", null, null],
      ]);
    } finally {
      await t.stop();
    }
  });

  it("a STOP in full width, with a zero-width space, an emoji or a comma opts out; one from a sender that is not a phone number is kept for its raw id (issue 29)", async () => {
    const t = await hosted();
    try {
      const senders = [phone(), phone(), phone(), phone()];
      for (const [i, text] of ["ＳＴＯＰ", "STOP\u200b", "Stop 🛑", "stop, please"].entries()) await t.sandbox.inbound(t.sessionId, senders[i] as string, text);
      const raw = "123456789012345678@lid";
      const outcome = await Conversation.recordInbound(
        { ...deps, onRecorded: inboundSubscribers(deps) },
        t.tenantId,
        [{ sessionId: t.sessionId, from: raw, text: "STOP", at: Date.now(), messageId: "3A0RAWSTOP1" }],
        {
          retention_days: 30,
          reply_window_hours: 72,
        },
      );
      expect(outcome[0]).toMatchObject({ stored: false, opted_out: true, raw_opt_out: raw, reason: expect.stringMatching(/^sender /) });
      const list = (await store.optouts.list(t.tenantId, { limit: 50 })).items.map((o) => o.phone);
      expect(list.sort()).toEqual([...senders, raw].sort());
      expect((await store.optouts.which(t.tenantId, [raw])).has(raw)).toBe(true);
    } finally {
      await t.stop();
    }
  });

  it("writes a burst together: several messages of one contact in their order, every reply to one job counted once, a redelivery inside the burst stored once", async () => {
    const t = await hosted();
    try {
      const contacts = Array.from({ length: 10 }, phone);
      const job = await sentJob(t.tenantId, t.sessionId, contacts);
      const base = Date.now();
      // 30 messages at once (more than one batch): three per contact, the second one also redelivered.
      await Promise.all(
        contacts.flatMap((p, c) => [
          t.sandbox.inbound(t.sessionId, p, `first ${c}`, { messageId: `B${c}A`, at: base + 1 }),
          t.sandbox.inbound(t.sessionId, p, `third ${c}`, { messageId: `B${c}C`, at: base + 3 }),
          t.sandbox.inbound(t.sessionId, p, `second ${c}`, { messageId: `B${c}B`, at: base + 2 }),
          t.sandbox.inbound(t.sessionId, p, `second ${c}`, { messageId: `B${c}B`, at: base + 2 }),
        ]),
      );
      expect((await store.jobs.get(t.tenantId, job.id, true))?.replied_count).toBe(10);
      for (const [c, p] of contacts.entries()) {
        expect(await store.conversations.get(t.tenantId, p, t.sessionId, true)).toMatchObject({ inbound_count: 3, outbound_count: 1, last_text: `third ${c}` });
        const msgs = await Conversation.messages(deps, t.tenantId, p, { order: "asc" }, { limit: 50 });
        expect(msgs.messages.map((m) => m.text)).toEqual(["Hi Ana", `first ${c}`, `second ${c}`, `third ${c}`]);
        expect((await store.recipients.get(job.id, p))?.replied_at).toBe(new Date(base + 1).toISOString());
      }
      const day = new Date().toISOString().slice(0, 10);
      expect((await store.activity.range(t.tenantId, day, day))[0]?.received).toBe(30);
    } finally {
      await t.stop();
    }
  });

  it("stores a burst of WhatsApp's longest messages (24 × 65,536 characters, more than a transaction may carry)", async () => {
    const t = await hosted();
    try {
      const contacts = Array.from({ length: 24 }, phone);
      // 65,536 characters of three UTF-8 bytes each: ~196 KB a message, ~4.7 MB together.
      const long = (c: number) => `${c}`.padEnd(65_536, "语");
      const results = await Promise.all(contacts.map((p, c) => t.sandbox.inbound(t.sessionId, p, long(c), { messageId: `L${c}` })));
      expect(results).toHaveLength(24);
      for (const [c, p] of contacts.entries()) {
        const msgs = await Conversation.messages(deps, t.tenantId, p, { order: "asc" }, { limit: 5 });
        expect(msgs.messages.map((m) => m.text)).toEqual([long(c)]);
      }
    } finally {
      await t.stop();
    }
  });

  it("keeps message texts for the tenant's retention (DynamoDB TTL) and hides expired ones; counts stay", async () => {
    const t = await hosted({ retention_days: 7 });
    try {
      const from = phone();
      const now = Date.now();
      await t.sandbox.inbound(t.sessionId, from, "from last month", { at: now - 10 * 86_400_000 });
      await t.sandbox.inbound(t.sessionId, from, "today");
      const items = await inboundItems(t.tenantId, from);
      expect(items.map((i) => i.ttl - Math.floor(Date.parse(i.received_at) / 1000)).sort()).toEqual([7 * 86_400, 7 * 86_400]);
      const page = await Conversation.messages(deps, t.tenantId, from, { order: "desc" }, { limit: 50 });
      expect(page.messages.map((m) => m.text)).toEqual(["today"]);
      expect(await store.conversations.get(t.tenantId, from, t.sessionId)).toMatchObject({ inbound_count: 2 });
    } finally {
      await t.stop();
    }
  });
});
