import { randomBytes } from "node:crypto";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, createStore, ensureTable } from ".";
import { Keys } from "./keys";

const db = createDb({ table: `calls-${randomBytes(4).toString("hex")}`, endpoint: inject("dynamoEndpoint") });
const store = createStore(db);
beforeAll(() => ensureTable(db));

describe("API calls counted once a request, on the day (DynamoDB Local)", () => {
  it("adds the month up from its days, and keeps what a month counted the old way (on its own item) without counting a call twice", async () => {
    const t = `ten_${randomBytes(6).toString("hex")}`;
    // Before issue 31 a request added 1 to the month's item and to the day's: 5 calls on the 1st.
    await db.doc.send(
      new UpdateCommand({ TableName: db.table, Key: Keys.usage(t, "2026-11"), UpdateExpression: "ADD api_calls :n", ExpressionAttributeValues: { ":n": 5 } }),
    );
    await db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: Keys.activity(t, "2026-11-01"),
        UpdateExpression: "ADD api_calls :n",
        ExpressionAttributeValues: { ":n": 5 },
      }),
    );
    // Now: one write a request, on the day.
    await store.tenants.countApiCall(t, "2026-11-01", 2);
    await store.tenants.countApiCall(t, "2026-11-30");
    await store.tenants.countApiCall(t, "2026-12-01", 4);

    expect((await store.tenants.usage(t, "2026-11")).api_calls).toBe(8);
    expect((await store.tenants.usage(t, "2026-12")).api_calls).toBe(4);
    expect((await store.tenants.usage(t, "2026-10")).api_calls).toBe(0);
    const days = await store.activity.range(t, "2026-11-01", "2026-12-31");
    expect(days.map((d) => [d.day, d.api_calls])).toEqual([
      ["2026-11-01", 7],
      ["2026-11-30", 1],
      ["2026-12-01", 4],
    ]);
  });
});
