import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** Written now: AES-256-GCM bound to its item (additional data = session id + item key). */
const BOUND = "enc:v2:";
/** Written before v2: AES-256-GCM without additional data. Still read; rewritten as v2 on the next write. */
const UNBOUND = "enc:v1:";

export interface AuthSealOptions {
  /** 32 bytes (see `parseAuthStateKey`). */
  key?: Buffer;
  /**
   * On AWS: a missing key is an error at construction, and a value that is not ciphertext is refused
   * instead of being read as plaintext (so nobody can plant credentials by writing a plain item).
   */
  requireKey?: boolean;
}

/** A 64-hex-character key as 32 bytes; throws with a message that says what is wrong (never the key). */
export const parseAuthStateKey = (hex: string): Buffer => {
  const v = hex.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(v)) throw new Error(`The auth state key must be 64 hex characters (32 bytes); got ${v.length} characters.`);
  return Buffer.from(v, "hex");
};

/** Where a value belongs: its ciphertext opens only there. */
const bindingOf = (sessionId: string, itemKey: string) => Buffer.from(`outreach-auth\u0000${sessionId}\u0000${itemKey}`, "utf8");

/**
 * Seals and opens auth-state values with AES-256-GCM and a random 96-bit IV per value. The
 * additional data binds a value to its session and item key: ciphertext copied to another session or
 * another key fails authentication instead of being accepted.
 */
export const createAuthSeal = (opts: AuthSealOptions = {}) => {
  const { key, requireKey = false } = opts;
  if (key && key.length !== 32) throw new Error("The auth state key must be 32 bytes (64 hex characters).");
  if (requireKey && !key) throw new Error("No auth state key: refusing to store WhatsApp credentials unencrypted.");

  const decrypt = (raw: Buffer, aad?: Buffer) => {
    const d = createDecipheriv("aes-256-gcm", key!, raw.subarray(0, 12));
    if (aad) d.setAAD(aad);
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8");
  };

  return {
    seal(sessionId: string, itemKey: string, value: string): string {
      if (!key) return value;
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", key, iv);
      c.setAAD(bindingOf(sessionId, itemKey));
      const body = Buffer.concat([c.update(value, "utf8"), c.final()]);
      return BOUND + Buffer.concat([iv, c.getAuthTag(), body]).toString("base64");
    },

    open(sessionId: string, itemKey: string, value: string): string {
      const prefix = value.startsWith(BOUND) ? BOUND : value.startsWith(UNBOUND) ? UNBOUND : undefined;
      if (!prefix) {
        if (requireKey) throw new Error(`Auth state ${itemKey} of session ${sessionId} is not encrypted; refusing to read it as plaintext.`);
        return value;
      }
      if (!key) throw new Error("This auth state is encrypted; configure its key (AuthStateKey) to read it.");
      const raw = Buffer.from(value.slice(prefix.length), "base64");
      try {
        return decrypt(raw, prefix === BOUND ? bindingOf(sessionId, itemKey) : undefined);
      } catch {
        throw new Error(`Auth state ${itemKey} of session ${sessionId} does not open with this key here (wrong key, or copied from another item).`);
      }
    },
  };
};
