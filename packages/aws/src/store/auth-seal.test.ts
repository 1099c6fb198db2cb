import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createAuthSeal, parseAuthStateKey } from "./auth-seal";

const key = randomBytes(32);

/** How values were sealed before the v2 format (no additional data). */
const sealV1 = (k: Buffer, v: string) => {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", k, iv);
  const body = Buffer.concat([c.update(v, "utf8"), c.final()]);
  return `enc:v1:${Buffer.concat([iv, c.getAuthTag(), body]).toString("base64")}`;
};

describe("auth-state sealing", () => {
  it("round-trips a value under its session and item key, and never stores it in the clear", () => {
    const s = createAuthSeal({ key });
    const sealed = s.seal("ses_a", "AUTH#creds", '{"noiseKey":"secret"}');
    expect(sealed.startsWith("enc:v2:")).toBe(true);
    expect(sealed).not.toContain("secret");
    expect(s.open("ses_a", "AUTH#creds", sealed)).toBe('{"noiseKey":"secret"}');
  });

  it("refuses ciphertext copied to another session or another item key", () => {
    const s = createAuthSeal({ key });
    const sealed = s.seal("ses_a", "AUTH#session#123", "v");
    expect(() => s.open("ses_b", "AUTH#session#123", sealed)).toThrow(/does not open/);
    expect(() => s.open("ses_a", "AUTH#session#124", sealed)).toThrow(/does not open/);
    expect(() => createAuthSeal({ key: randomBytes(32) }).open("ses_a", "AUTH#session#123", sealed)).toThrow(/does not open/);
  });

  it("still reads values written before the binding (enc:v1)", () => {
    const s = createAuthSeal({ key, requireKey: true });
    expect(s.open("ses_a", "AUTH#creds", sealV1(key, "old creds"))).toBe("old creds");
  });

  it("with requireKey: refuses to start without a key and refuses plaintext values", () => {
    expect(() => createAuthSeal({ requireKey: true })).toThrow(/No auth state key/);
    const s = createAuthSeal({ key, requireKey: true });
    expect(() => s.open("ses_a", "AUTH#creds", '{"noiseKey":"planted"}')).toThrow(/not encrypted/);
  });

  it("without requireKey (local runtime without a key): plaintext is written and read as it is", () => {
    const s = createAuthSeal();
    expect(s.seal("ses_a", "AUTH#creds", "plain")).toBe("plain");
    expect(s.open("ses_a", "AUTH#creds", "plain")).toBe("plain");
    expect(() => s.open("ses_a", "AUTH#creds", createAuthSeal({ key }).seal("ses_a", "AUTH#creds", "x"))).toThrow(/configure its key/);
  });

  it("parses a 64-hex key and says what is wrong with anything else", () => {
    const hex = key.toString("hex");
    expect(parseAuthStateKey(` ${hex}\n`).equals(key)).toBe(true);
    expect(() => parseAuthStateKey("abc")).toThrow(/64 hex characters.*got 3/);
    expect(() => parseAuthStateKey("z".repeat(64))).toThrow(/64 hex characters/);
    expect(() => createAuthSeal({ key: randomBytes(16) })).toThrow(/32 bytes/);
  });
});
