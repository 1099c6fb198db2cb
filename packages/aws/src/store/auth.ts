import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { batchGet, batchWrite, type Db, type Item, queryAll } from "./db";
import { PREFIX as KEY_PREFIX, Keys } from "./keys";

const PREFIX = "enc:v1:";

/** AES-256-GCM with a random IV per value; values written without a key are read as they are. */
const sealer = (key?: Buffer) => {
  if (key && key.length !== 32) throw new Error("The auth state key must be 32 bytes (64 hex characters).");
  return {
    seal(v: string) {
      if (!key) return v;
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([c.update(v, "utf8"), c.final()]);
      return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString("base64");
    },
    open(v: string) {
      if (!v.startsWith(PREFIX)) return v;
      if (!key) throw new Error("This auth state is encrypted; configure its key (AuthStateKey) to read it.");
      const raw = Buffer.from(v.slice(PREFIX.length), "base64");
      const d = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8");
    },
  };
};

/**
 * Baileys auth state of a session (`S#<session>` · `AUTH#creds`, `AUTH#<type>#<id>`), as opaque
 * strings the transport serializes with Baileys' BufferJSON. Written in batches; encrypted with
 * AES-256-GCM when a key is given (on AWS: the AuthStateKey secret).
 */
export const createAuthStore = (db: Db, opts: { key?: Buffer } = {}) => {
  const pk = Keys.sessionPartition;
  const { seal, open } = sealer(opts.key);
  return {
    async getCreds(sessionId: string): Promise<string | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.authItem(sessionId, "creds"), ConsistentRead: true }));
      return res.Item ? open(res.Item.value as string) : undefined;
    },

    async setCreds(sessionId: string, value: string) {
      await db.doc.send(new PutCommand({ TableName: db.table, Item: { ...Keys.authItem(sessionId, "creds"), value: seal(value) } }));
    },

    async getKeys(sessionId: string, type: string, ids: string[]): Promise<Record<string, string>> {
      const out: Record<string, string> = {};
      const items = await batchGet(
        db,
        ids.map((id) => Keys.authItem(sessionId, `${type}#${id}`)),
        { consistent: true },
      );
      for (const item of items) out[(item.sk as string).slice(Keys.authItem(sessionId, `${type}#`).sk.length)] = open(item.value as string);
      return out;
    },

    /** Writes and deletes (value null) keys in batches of 25. */
    async setKeys(sessionId: string, entries: { type: string; id: string; value: string | null }[]) {
      await batchWrite(
        db,
        entries.map((e) =>
          e.value === null
            ? { delete: Keys.authItem(sessionId, `${e.type}#${e.id}`) }
            : { put: { ...Keys.authItem(sessionId, `${e.type}#${e.id}`), value: seal(e.value) } },
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
