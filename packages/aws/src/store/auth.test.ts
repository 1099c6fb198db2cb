import { randomBytes } from "node:crypto";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, createStore, ensureTable } from ".";

/** Auth state on DynamoDB Local: what an attacker with write access to the table could try. */
const db = createDb({ table: `auth-${randomBytes(4).toString("hex")}`, endpoint: inject("dynamoEndpoint") });
const key = randomBytes(32);
const store = createStore(db, { authKey: key, requireAuthKey: true });
beforeAll(() => ensureTable(db));

const raw = async (pk: string, sk: string) => (await db.doc.send(new GetCommand({ TableName: db.table, Key: { pk, sk } }))).Item?.value as string;
const plant = (pk: string, sk: string, value: string) => db.doc.send(new PutCommand({ TableName: db.table, Item: { pk, sk, value } }));

describe("auth state (DynamoDB Local)", () => {
  it("stores credentials and keys encrypted, and reads them back", async () => {
    await store.auth.setCreds("ses_a", '{"me":"a"}');
    await store.auth.setKeys("ses_a", [{ type: "pre-key", id: "1", value: '{"k":1}' }]);
    expect(await raw("S#ses_a", "AUTH#creds")).toMatch(/^enc:v2:/);
    expect(await store.auth.getCreds("ses_a")).toBe('{"me":"a"}');
    expect(await store.auth.getKeys("ses_a", "pre-key", ["1"])).toEqual({ "1": '{"k":1}' });
  });

  it("refuses a session's credentials copied under another session", async () => {
    await store.auth.setCreds("ses_victim", '{"me":"victim"}');
    await plant("S#ses_attacker", "AUTH#creds", await raw("S#ses_victim", "AUTH#creds"));
    await expect(store.auth.getCreds("ses_attacker")).rejects.toThrow(/does not open/);
  });

  it("refuses plaintext planted in the table", async () => {
    await plant("S#ses_p", "AUTH#creds", '{"me":"planted"}');
    await expect(store.auth.getCreds("ses_p")).rejects.toThrow(/not encrypted/);
  });

  it("cannot be built without a key when one is required", () => {
    expect(() => createStore(db, { requireAuthKey: true })).toThrow(/No auth state key/);
  });
});
