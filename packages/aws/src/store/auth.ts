import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type AuthSealOptions, createAuthSeal } from "./auth-seal";
import { batchGet, batchWrite, type Db, type Item, queryAll } from "./db";
import { PREFIX as KEY_PREFIX, Keys } from "./keys";

/**
 * Baileys auth state of a session (`S#<session>` · `AUTH#creds`, `AUTH#<type>#<id>`), as opaque
 * strings the transport serializes with Baileys' BufferJSON. Written in batches; encrypted with
 * AES-256-GCM bound to the session and item key when a key is given (on AWS: the AuthStateKey secret,
 * with `requireKey`, so no plaintext is written or read there).
 */
export const createAuthStore = (db: Db, opts: AuthSealOptions = {}) => {
  const pk = Keys.sessionPartition;
  const { seal, open } = createAuthSeal(opts);
  const creds = (sessionId: string) => Keys.authItem(sessionId, "creds");
  return {
    async getCreds(sessionId: string): Promise<string | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: creds(sessionId), ConsistentRead: true }));
      return res.Item ? open(sessionId, creds(sessionId).sk, res.Item.value as string) : undefined;
    },

    async setCreds(sessionId: string, value: string) {
      await db.doc.send(new PutCommand({ TableName: db.table, Item: { ...creds(sessionId), value: seal(sessionId, creds(sessionId).sk, value) } }));
    },

    async getKeys(sessionId: string, type: string, ids: string[]): Promise<Record<string, string>> {
      const out: Record<string, string> = {};
      const items = await batchGet(
        db,
        ids.map((id) => Keys.authItem(sessionId, `${type}#${id}`)),
        { consistent: true },
      );
      for (const item of items)
        out[(item.sk as string).slice(Keys.authItem(sessionId, `${type}#`).sk.length)] = open(sessionId, item.sk as string, item.value as string);
      return out;
    },

    /** Writes and deletes (value null) keys in batches of 25. */
    async setKeys(sessionId: string, entries: { type: string; id: string; value: string | null }[]) {
      await batchWrite(
        db,
        entries.map((e) =>
          e.value === null
            ? { delete: Keys.authItem(sessionId, `${e.type}#${e.id}`) }
            : { put: { ...Keys.authItem(sessionId, `${e.type}#${e.id}`), value: seal(sessionId, Keys.authItem(sessionId, `${e.type}#${e.id}`).sk, e.value) } },
        ),
      );
    },

    /** Forgets the whole auth state (after a logout). */
    async clear(sessionId: string) {
      const keys: Item[] = [];
      for await (const i of queryAll(db, {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :a)",
        ExpressionAttributeValues: { ":pk": pk(sessionId), ":a": KEY_PREFIX.auth },
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
