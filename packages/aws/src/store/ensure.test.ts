import { describe, expect, it } from "vitest";
import type { Db } from "./db";
import { ensureTable } from "./ensure";

/**
 * What DynamoDB Local answered in CI right after its port opened: `DescribeTable` failed with a 500
 * `UnknownError` (the SDK's error for an unmodelled 5xx) while the database was still starting. The
 * double stands in for that one moment; every other test of the store talks to DynamoDB Local itself.
 */
const starting = () => Object.assign(new Error("UnknownError"), { name: "UnknownError", $metadata: { httpStatusCode: 500 } });
const fakeDb = (answers: (() => unknown)[]) => {
  const sent: string[] = [];
  const db = {
    table: "t",
    doc: {
      send: async (cmd: object) => {
        sent.push(cmd.constructor.name);
        const next = answers.shift();
        return next?.();
      },
    },
  } as unknown as Db;
  return { db, sent };
};
const fail = (e: Error) => () => {
  throw e;
};

describe("ensureTable", () => {
  it("waits out a database that answers 5xx while it starts, then creates the table", async () => {
    const missing = Object.assign(new Error("not found"), { name: "ResourceNotFoundException", $metadata: { httpStatusCode: 400 } });
    const { db, sent } = fakeDb([fail(starting()), fail(starting()), fail(missing), () => ({}), () => ({})]);
    expect(await ensureTable(db)).toBe(true);
    expect(sent).toEqual(["DescribeTableCommand", "DescribeTableCommand", "DescribeTableCommand", "CreateTableCommand", "UpdateTimeToLiveCommand"]);
  });

  it("gives up after its time, and does not retry what is not a 5xx", async () => {
    const { db } = fakeDb(Array.from({ length: 50 }, () => fail(starting())));
    await expect(ensureTable(db, 300)).rejects.toMatchObject({ name: "UnknownError" });
    const denied = Object.assign(new Error("denied"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } });
    const once = fakeDb([fail(denied), () => ({})]);
    await expect(ensureTable(once.db)).rejects.toMatchObject({ name: "AccessDeniedException" });
    expect(once.sent).toEqual(["DescribeTableCommand"]);
  });
});
