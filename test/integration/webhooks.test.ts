import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { createSqsClient, createSqsQueue, ensureQueues } from "../../packages/aws/src/sqs";
import { createIds } from "../../packages/core/src/id";
import type { Posted } from "../../packages/core/src/net";
import { systemClock } from "../../packages/core/src/port";
import { createDelivery, DISABLE_AFTER_MS, RETRY_DELAYS_S, type Webhook, type WebhookDeliver } from "../../packages/core/src/webhook";
import { store, useTable } from "../helpers/baileys-fixture";

useTable();

const ids = createIds();
const queueOf = async () => {
  const client = createSqsClient({ endpoint: inject("sqsEndpoint") });
  return createSqsQueue({ urls: await ensureQueues(client, `wh-${randomBytes(4).toString("hex")}`), client });
};

const webhook = async (over: Partial<Webhook> = {}) => {
  const now = new Date().toISOString();
  const w: Webhook = {
    id: ids.next("whk"),
    tenant_id: `ten_${randomBytes(5).toString("hex")}`,
    name: "w",
    url: "https://hooks.example.com/x",
    events: ["contact.opted_out"],
    secret: "whsec_test_secret_value",
    is_active: true,
    disabled_reason: null,
    disabled_at: null,
    failing_since: null,
    created_at: now,
    updated_at: now,
    ...over,
  };
  expect(await store.webhooks.create(w, null)).toBe("ok");
  return w;
};

const message = (w: Webhook, over: Partial<WebhookDeliver> = {}): WebhookDeliver => ({
  type: "webhook.deliver",
  tenant_id: w.tenant_id,
  webhook_id: w.id,
  delivery_id: ids.next("dlv"),
  event_id: ids.next("evt"),
  event: "contact.opted_out",
  body: '{"event":"contact.opted_out"}',
  attempt: 1,
  ...over,
});

/** The receiver answers `status` to every attempt; the attempts are counted. */
const answering = (status: number) => {
  const calls: string[] = [];
  const post = async (url: string): Promise<Posted> => {
    calls.push(url);
    return { status, durationMs: 3 };
  };
  return { calls, post };
};

describe("webhook deliveries (DynamoDB Local, local SQS)", () => {
  it("a failed attempt is logged as pending and its next attempt queued about a minute later", async () => {
    const queue = await queueOf();
    const w = await webhook();
    const receiver = answering(500);
    const deliver = createDelivery({ store, queue, clock: systemClock, post: receiver.post });
    const m = message(w);
    const before = Date.now();
    await deliver(m);
    expect(receiver.calls).toEqual([w.url]);
    const [d] = (await store.webhooks.deliveries.list(w.tenant_id, w.id, undefined, { limit: 10 })).items;
    expect(d).toMatchObject({ id: m.delivery_id, status: "pending", attempts: 1, last_status_code: 500, last_error: "the receiver answered 500" });
    const next = Date.parse(d?.next_attempt_at as string) - before;
    expect(next).toBeGreaterThanOrEqual(48_000);
    expect(next).toBeLessThanOrEqual(73_000);
    expect((await store.webhooks.get(w.tenant_id, w.id, true))?.failing_since).not.toBeNull();
    // The retry waits in the queue (SQS delay): nothing to receive now.
    expect(await queue.receive("events", { max: 10, waitSeconds: 0 })).toEqual([]);
  });

  it("on a manual clock: nine attempts, each after its delay (±20 %, hopping through the queue past 15 min), then the delivery fails and nothing more is queued", async () => {
    let now = Date.parse("2026-12-07T00:00:00.000Z");
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    };
    // SQS delays are real minutes: this double keeps what was queued, and the clock moves by each delay.
    const queued: { body: WebhookDeliver; delaySeconds?: number }[] = [];
    const queue = { send: async (_q: string, msgs: { body: WebhookDeliver; delaySeconds?: number }[]) => void queued.push(...msgs) } as never;
    const w = await webhook();
    const receiver = answering(503);
    const deliver = createDelivery({ store, queue, clock, post: receiver.post });
    const m = message(w);
    await deliver(m);
    const attempts = [now];
    for (let next = queued.shift(); next; next = queued.shift()) {
      expect(next.delaySeconds ?? 0).toBeLessThanOrEqual(900);
      now += (next.delaySeconds ?? 0) * 1000;
      await deliver(next.body);
      if (receiver.calls.length > attempts.length) attempts.push(now);
    }
    expect(receiver.calls).toHaveLength(RETRY_DELAYS_S.length + 1);
    for (const [i, s] of RETRY_DELAYS_S.entries()) {
      const gap = ((attempts[i + 1] as number) - (attempts[i] as number)) / 1000;
      expect(gap, `before attempt ${i + 2}`).toBeGreaterThanOrEqual(s * 0.8 - 1);
      expect(gap, `before attempt ${i + 2}`).toBeLessThanOrEqual(s * 1.2 + 1);
    }
    const [d] = (await store.webhooks.deliveries.list(w.tenant_id, w.id, undefined, { limit: 10 })).items;
    expect(d).toMatchObject({ id: m.delivery_id, status: "failed", attempts: RETRY_DELAYS_S.length + 1, next_attempt_at: null });
    // Failing for about a day is not three: the webhook stays on.
    expect((await store.webhooks.get(w.tenant_id, w.id, true))?.is_active).toBe(true);
  });

  it("an attempt that is not due yet hops through the queue without calling the receiver", async () => {
    const queue = await queueOf();
    const w = await webhook();
    const receiver = answering(200);
    const deliver = createDelivery({ store, queue, clock: systemClock, post: receiver.post });
    await deliver(message(w, { attempt: 6, not_before: Date.now() + 5 * 3600_000 }));
    expect(receiver.calls).toEqual([]);
    expect((await store.webhooks.deliveries.list(w.tenant_id, w.id, undefined, { limit: 10 })).items).toEqual([]);
  });

  it("turns off a webhook whose every attempt failed for 3 days, with the reason and a notice; no further attempt is queued", async () => {
    const queue = await queueOf();
    const w = await webhook({ failing_since: new Date(Date.now() - DISABLE_AFTER_MS - 60_000).toISOString() });
    const deliver = createDelivery({ store, queue, clock: systemClock, post: answering(503).post });
    await deliver(message(w, { attempt: 3 }));
    const after = await store.webhooks.get(w.tenant_id, w.id, true);
    expect(after).toMatchObject({ is_active: false, disabled_reason: expect.stringMatching(/^every delivery failed for 3 days/) });
    const log = (await store.webhooks.deliveries.list(w.tenant_id, w.id, undefined, { limit: 10 })).items;
    expect(log.map((d) => [d.event, d.status]).sort()).toEqual([
      ["contact.opted_out", "failed"],
      ["webhook.disabled", "failed"],
    ]);
    expect(log.find((d) => d.event === "contact.opted_out")?.next_attempt_at).toBeNull();
    // A later message for the disabled webhook is logged as failed without a request.
    const receiver = answering(200);
    await createDelivery({ store, queue, clock: systemClock, post: receiver.post })(message(w));
    expect(receiver.calls).toEqual([]);
  });

  it("a success clears failing_since, so failures must be continuous to disable", async () => {
    const queue = await queueOf();
    const w = await webhook({ failing_since: new Date(Date.now() - 3600_000).toISOString() });
    await createDelivery({ store, queue, clock: systemClock, post: answering(204).post })(message(w));
    expect((await store.webhooks.get(w.tenant_id, w.id, true))?.failing_since).toBeNull();
  });

  it("holds at most 10 slots per webhook, frees the slots of attempts whose time ran out", async () => {
    const w = await webhook();
    const now = Date.now();
    const taken = await Promise.all(Array.from({ length: 14 }, (_, i) => store.webhooks.acquire(w.tenant_id, w.id, `d${i}`, now + 30_000, 10, now)));
    expect(taken.filter(Boolean)).toHaveLength(10);
    expect(await store.webhooks.acquire(w.tenant_id, w.id, "late", now + 30_000, 10, now)).toBe(false);
    // The 14 ran at once, so which 10 got a slot is the store's order: free one that did.
    await store.webhooks.release(w.tenant_id, w.id, `d${taken.indexOf(true)}`);
    expect(await store.webhooks.acquire(w.tenant_id, w.id, "late", now + 30_000, 10, now)).toBe(true);
    // 31 s later every slot has run out (their processes died): a new attempt gets one.
    expect(await store.webhooks.acquire(w.tenant_id, w.id, "after", now + 61_000, 10, now + 31_000)).toBe(true);
    expect(await store.webhooks.get(w.tenant_id, w.id, true)).not.toHaveProperty("slots");
  });
});

describe("webhook errors in the tenant's terms (issue 29)", () => {
  it("a URL whose name resolves to an internal address fails without the address; an unknown name and a closed port read alike", async () => {
    const { createGuardedPost } = await import("../../packages/fetch/src");
    const queue = await queueOf();
    const internal = await webhook({ url: "http://vm:8080/hook" });
    const post = createGuardedPost({ resolve: async () => [{ address: "127.0.0.1", family: 4 }] });
    await createDelivery({ store, queue, clock: systemClock, post })(message(internal));
    const [d] = (await store.webhooks.deliveries.list(internal.tenant_id, internal.id, undefined, { limit: 1 })).items;
    expect(d?.last_error).toBe("the URL was refused: its host resolves to a private or reserved address, which is never fetched");
    expect(d?.last_error).not.toMatch(/127\.0\.0\.1|loopback/);

    const nx = await webhook({ url: "http://nowhere.invalid:8080/hook" });
    const none = createGuardedPost({ resolve: async () => Promise.reject(Object.assign(new Error("x"), { code: "ENOTFOUND" })) });
    await createDelivery({ store, queue, clock: systemClock, post: none })(message(nx));
    const [n] = (await store.webhooks.deliveries.list(nx.tenant_id, nx.id, undefined, { limit: 1 })).items;
    expect(n?.last_error).toBe("could not connect to nowhere.invalid");
  });
});
