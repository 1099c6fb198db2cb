import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { invalid } from "@outreach/core/error";
import { INDEX, KEY_ATTRIBUTES } from "./keys";

type Item = Record<string, unknown>;
type QueryShape = Pick<QueryCommandInput, "IndexName" | "ExpressionAttributeValues" | "KeyConditionExpression" | "ExpressionAttributeNames">;

/** The cursor key from its 64 hex characters (the deployment's `CursorKey` secret, or the local data directory's file). */
export const parseCursorKey = (hex: string) => {
  const k = Buffer.from(hex.trim(), "hex");
  if (k.length !== 32) throw new Error("the cursor key must be 64 hex characters (32 bytes)");
  return k;
};

/** A key for one process (tests, tools): its cursors are valid only in that process. */
export const processCursorKey = () => randomBytes(32);

/**
 * What a cursor is bound to: the list it pages — the index, the key condition, and the values that
 * choose the list (the partition, and every `begins_with` prefix). Values that move between pages
 * (time bounds) are left out, so the next page of the same list always matches.
 */
const listOf = (input: QueryShape | undefined) => {
  const cond = input?.KeyConditionExpression ?? "";
  const values = input?.ExpressionAttributeValues ?? {};
  const partition = /^\s*#?\w+\s*=\s*(:\w+)/.exec(cond)?.[1];
  const prefixes = [...cond.matchAll(/begins_with\s*\(\s*#?\w+\s*,\s*(:\w+)\s*\)/g)].map((m) => m[1] as string);
  const bound = [partition, ...prefixes].filter((p): p is string => !!p).map((p) => [p, values[p]]);
  return createHash("sha256")
    .update(JSON.stringify([input?.IndexName ?? "", cond, bound]))
    .digest();
};

const badCursor = () =>
  invalid("request.invalid_cursor", "The cursor is not valid for this list; use the next_cursor value of a previous page of the same list.");

/**
 * An opaque cursor (issue 29): the last key read, encrypted and authenticated with AES-256-GCM under
 * the deployment's cursor key, with the list it belongs to as associated data. Nothing of the key
 * layout or the tenant shows, and a cursor of any other list — another tenant's, another list of the
 * same tenant, a tampered or made-up one — fails authentication: `400 request.invalid_cursor`.
 */
export const sealCursor = (key: Buffer, item: Item, input: QueryShape | undefined) => {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(listOf(input));
  const body = Buffer.concat([c.update(JSON.stringify(item), "utf8"), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString("base64url");
};

/** The key a cursor holds, checked against the query it is used with; 400 for anything else. */
export const openCursor = (key: Buffer, cursor: string | undefined, input?: QueryShape): Item | undefined => {
  if (!cursor) return undefined;
  let v: unknown;
  try {
    const raw = Buffer.from(cursor, "base64url");
    if (raw.length < 29 || cursor.length > 4096) throw badCursor();
    const d = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    d.setAAD(listOf(input));
    d.setAuthTag(raw.subarray(12, 28));
    v = JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8"));
  } catch {
    throw badCursor();
  }
  // Authenticated, so these hold unless the key leaked: checked anyway, as the last word before a query.
  if (!v || typeof v !== "object" || Array.isArray(v)) throw badCursor();
  const item = v as Item;
  const names: readonly string[] = input?.IndexName ? KEY_ATTRIBUTES : ["pk", "sk"];
  const keys = Object.keys(item);
  if (keys.length !== names.length || !names.every((n) => typeof item[n] === "string" && (item[n] as string).length <= 2048)) throw badCursor();
  if (input) {
    const partitionAttr = input.IndexName ? INDEX.pk : "pk";
    const m = /^\s*(#?\w+)\s*=\s*(:\w+)/.exec(input.KeyConditionExpression ?? "");
    const attr = m?.[1]?.startsWith("#") ? input.ExpressionAttributeNames?.[m[1]] : m?.[1];
    const partition = m ? input.ExpressionAttributeValues?.[m[2] as string] : undefined;
    if (attr === partitionAttr && partition !== undefined && item[partitionAttr] !== partition) throw badCursor();
  }
  return item;
};
