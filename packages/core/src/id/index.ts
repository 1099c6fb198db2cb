import { createHash, randomBytes } from "node:crypto";

/** Crockford base32: sortable, no ambiguous letters. */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix =
  | "grp"
  | "bulk"
  | "sch"
  | "rpt"
  | "ses"
  | "ten"
  | "key"
  | "exe"
  | "run"
  | "msg"
  | "req"
  | "whk"
  | "evt"
  | "dlv"
  | "mgr"
  | "lead"
  | "rcol"
  | "rev";

export interface Ids {
  /** A prefixed, time-sortable, random id: `grp_01jc…`. */
  next(prefix: IdPrefix): string;
}

const encodeTime = (ms: number) => {
  let out = "";
  let n = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[n % 32] + out;
    n = Math.floor(n / 32);
  }
  return out;
};

const encodeRandom = (len: number) => {
  const bytes = randomBytes(len);
  let out = "";
  for (const b of bytes) out += ALPHABET[b % 32];
  return out;
};

export const createIds = (now: () => number = Date.now): Ids => ({
  next: (prefix) => `${prefix}_${encodeTime(now())}${encodeRandom(16)}`,
});

/**
 * A deterministic id for something that must exist once per (seed, instant), e.g. the bulk send of a
 * scheduled run: sortable by `ms`, the rest derived from `seed`.
 */
export const idAt = (prefix: IdPrefix, ms: number, seed: string) => {
  const digest = createHash("sha256").update(seed).digest();
  let rest = "";
  for (let i = 0; i < 16; i++) rest += ALPHABET[(digest[i] as number) % 32];
  return `${prefix}_${encodeTime(ms)}${rest}`;
};

/** The smallest / largest id of `prefix` created at `ms`: bounds for a range query over time-sorted ids. */
export const idBound = (prefix: IdPrefix, ms: number, side: "low" | "high") => `${prefix}_${encodeTime(ms)}${(side === "low" ? "0" : "z").repeat(16)}`;

/** Shape check for ids taken from URLs, so a malformed id is a 404, never a store error. */
export const looksLikeId = (prefix: IdPrefix, value: string) => new RegExp(`^${prefix}_[0-9a-z]{26}$`).test(value);
