import { randomBytes } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { createReceiptRecorder } from "@outreach/core/job";
import { systemClock } from "@outreach/core/port";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { claimedJob } from "../../../../test/helpers/records";
import { createDb, createStore, ensureTable } from ".";
import { Keys } from "./keys";

/**
 * The message-id entries of a record (`markSent`) are plain puts before the transaction that moves
 * the recipients to `sent` (1 write unit each instead of 2 as transaction items): what a receipt does
 * when it finds an entry before its recipient is `sent`, and which entries a refused record leaves.
 */
const table = `entries-${randomBytes(4).toString("hex")}`;
const db = createDb({ table, endpoint: inject("dynamoEndpoint") });
const store = createStore(db);
beforeAll(() => ensureTable(db));

const tenant = async () => {
  const t = `ten_${randomBytes(6).toString("hex")}`;
  await store.tenants.create({ id: t, name: "t", plan: "business", created_at: new Date().toISOString() });
  return t;
};

/** A running job whose first `claimed` recipients are `sending` (the rest stay `pending`). */
const job = async (phones: string[], claimed = phones.length) => {
  const t = await tenant();
  return { t, ...(await claimedJob(store, t, phones, { claimed })) };
};

const entry = async (messageId: string) => (await db.doc.send(new GetCommand({ TableName: table, Key: Keys.message(messageId), ConsistentRead: true }))).Item;

/** A store whose requests of `command` (`TransactWrite`, …) run `before` first, until one succeeds; `after` runs once, after that one. */
const storeWith = (command: string, before: (args: { input?: any }) => Promise<void>, after?: () => void) => {
  const hooked = createDb({ table, endpoint: inject("dynamoEndpoint") });
  let armed = true;
  hooked.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (!armed || !(context.commandName as string).startsWith(command)) return next(args);
      await before(args as { input?: any });
      const out = await next(args);
      armed = false;
      after?.();
      return out;
    },
    { step: "initialize", name: "hook" },
  );
  return createStore(hooked);
};

describe("message-id entries of a record (DynamoDB Local)", () => {
  it("writes each entry as one put before a transaction that holds only the recipients and the shared items", async () => {
    const phones = Array.from({ length: 5 }, (_, i) => `+55119666${String(i).padStart(5, "0")}`);
    const { ref, mid } = await job(phones);
    const seen: { command: string; items: number }[] = [];
    const counting = createDb({ table, endpoint: inject("dynamoEndpoint") });
    counting.doc.middlewareStack.add(
      (next, context) => async (args: any) => {
        const input = args.input ?? {};
        if (context.commandName?.startsWith("TransactWrite")) seen.push({ command: "transact", items: input.TransactItems.length });
        if (context.commandName?.startsWith("BatchWrite"))
          seen.push({ command: "batchWrite", items: (Object.values(input.RequestItems)[0] as unknown[]).length });
        return next(args);
      },
      { step: "initialize", name: "count" },
    );
    const res = await createStore(counting).recipients.markSent(
      ref,
      phones.map((p) => ({ phone: p, messageId: mid(p), at: Date.now() })),
    );
    expect(res).toEqual({ moved: phones, refused: [] });
    // One put request of five entries, then one transaction: five recipients, the job, the month's usage, the day.
    expect(seen).toEqual([
      { command: "batchWrite", items: 5 },
      { command: "transact", items: 8 },
    ]);
    for (const p of phones) expect(await entry(mid(p))).toMatchObject({ job_id: ref.id, phone: p });
  });

  it("drops the entry of a refused recipient, and keeps it when the recipient carries that id (a retried record whose first answer was lost)", async () => {
    const phones = ["+5511966600101", "+5511966600102"];
    // The first is claimed; the second stays pending (a record of it is refused).
    const { t, ref, mid } = await job(phones, 1);
    const sent = phones.map((p) => ({ phone: p, messageId: mid(p), at: Date.now() }));
    // The transaction commits, but its answer is lost: the caller sees a timeout and records again.
    const lossy = storeWith(
      "TransactWrite",
      async () => {},
      () => {
        throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
      },
    );
    await expect(lossy.recipients.markSent(ref, sent)).rejects.toThrow();
    expect(await store.recipients.get(ref.id, phones[0] as string)).toMatchObject({ status: "sent", message_id: mid(phones[0] as string) });
    // The retry is refused for both: the first is recorded already and keeps its entry; the second never went out.
    expect(await store.recipients.markSent(ref, sent)).toEqual({ moved: [], refused: phones });
    expect(await entry(mid(phones[0] as string))).toMatchObject({ phone: phones[0] });
    expect(await entry(mid(phones[1] as string))).toBeUndefined();
    expect(await store.jobs.get(t, ref.id, true)).toMatchObject({ sent_count: 1, pending_count: 1 });
  });

  it("moves nothing when a receipt finds the entry while its recipient is still sending; the receipt after the record counts once", async () => {
    const p = "+5511966600201";
    const { t, ref, mid } = await job([p]);
    const receipts = createReceiptRecorder({ store, clock: systemClock });
    // The delivered receipt arrives between the entry's put and the record's transaction.
    const early = storeWith("TransactWrite", async () => {
      expect(await entry(mid(p))).toMatchObject({ phone: p });
      await receipts.record(mid(p), "delivered");
      expect(await store.recipients.get(ref.id, p)).toMatchObject({ status: "sending" });
    });
    expect(await early.recipients.markSent(ref, [{ phone: p, messageId: mid(p), at: Date.now() }])).toEqual({ moved: [p], refused: [] });
    expect(await store.jobs.get(t, ref.id, true)).toMatchObject({ sent_count: 1, delivered_count: 0 });
    expect(await store.recipients.get(ref.id, p)).toMatchObject({ status: "sent" });
    await receipts.record(mid(p), "read");
    await receipts.record(mid(p), "read");
    expect(await store.jobs.get(t, ref.id, true)).toMatchObject({ sent_count: 1, delivered_count: 1, read_count: 1 });
    expect(await store.recipients.get(ref.id, p)).toMatchObject({ status: "read" });
  });
});
