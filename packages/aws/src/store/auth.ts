import { BatchGetCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { batchWrite, type Db, type Item, queryAll } from "./db";

/**
 * Baileys auth state of a session (`S#<session>` · `AUTH#creds`, `AUTH#<type>#<id>`), as opaque
 * strings the transport serializes with Baileys' BufferJSON. Written in batches.
 */
export const createAuthStore = (db: Db) => {
  const pk = (sessionId: string) => `S#${sessionId}`;
  return {
    async getCreds(sessionId: string): Promise<string | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: { pk: pk(sessionId), sk: "AUTH#creds" }, ConsistentRead: true }));
      return res.Item?.value as string | undefined;
    },

    async setCreds(sessionId: string, value: string) {
      await db.doc.send(new PutCommand({ TableName: db.table, Item: { pk: pk(sessionId), sk: "AUTH#creds", value } }));
    },

    async getKeys(sessionId: string, type: string, ids: string[]): Promise<Record<string, string>> {
      const out: Record<string, string> = {};
      for (let i = 0; i < ids.length; i += 100) {
        let keys: Item[] = [...new Set(ids.slice(i, i + 100))].map((id) => ({ pk: pk(sessionId), sk: `AUTH#${type}#${id}` }));
        while (keys.length > 0) {
          const res = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.table]: { Keys: keys, ConsistentRead: true } } }));
          for (const item of res.Responses?.[db.table] ?? []) out[(item.sk as string).slice(`AUTH#${type}#`.length)] = item.value as string;
          keys = (res.UnprocessedKeys?.[db.table]?.Keys as Item[] | undefined) ?? [];
        }
      }
      return out;
    },

    /** Writes and deletes (value null) keys in batches of 25. */
    async setKeys(sessionId: string, entries: { type: string; id: string; value: string | null }[]) {
      await batchWrite(
        db,
        entries.map((e) =>
          e.value === null
            ? { delete: { pk: pk(sessionId), sk: `AUTH#${e.type}#${e.id}` } }
            : { put: { pk: pk(sessionId), sk: `AUTH#${e.type}#${e.id}`, value: e.value } },
        ),
      );
    },

    /** Forgets the whole auth state (after a logout). */
    async clear(sessionId: string) {
      const keys: Item[] = [];
      for await (const i of queryAll(db, {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :a)",
        ExpressionAttributeValues: { ":pk": pk(sessionId), ":a": "AUTH#" },
        ProjectionExpression: "pk, sk",
      }))
        keys.push({ pk: i.pk, sk: i.sk });
      await batchWrite(
        db,
        keys.map((k) => ({ delete: k })),
      );
    },
  };
};
