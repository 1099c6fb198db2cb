import { createHash, createHmac } from "node:crypto";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data, "utf8").digest();
const sha256Hex = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");

/** `20261207T114125Z` */
export const amzDate = (at: Date) => at.toISOString().replace(/[:-]|\.\d{3}/g, "");

/**
 * AWS Signature Version 4 for the POST requests of a JSON protocol (path `/`, no query string), as
 * AWS documents it ("Create a signed AWS API request"): every header given is signed, with the body's
 * SHA-256 also sent as `x-amz-content-sha256` (as the SDK does), and the session token, when there is
 * one, sent and signed as `x-amz-security-token` (Lambda and ECS credentials always carry one). The
 * signing key is derived once per day, region, service and secret.
 */
export const createSigner = (service: string, region: string) => {
  let cached: { scope: string; secret: string; key: Buffer } | undefined;
  const signingKey = (secret: string, day: string) => {
    if (cached?.scope === day && cached.secret === secret) return cached.key;
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), "aws4_request");
    cached = { scope: day, secret, key };
    return key;
  };
  /** Adds `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` and `authorization` to `headers` (lower-case names, `host` included). */
  return (headers: Record<string, string>, body: string, credentials: Credentials, at = new Date()): Record<string, string> => {
    const date = amzDate(at);
    const day = date.slice(0, 8);
    const bodyHash = sha256Hex(body);
    headers["x-amz-date"] = date;
    headers["x-amz-content-sha256"] = bodyHash;
    if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
    const names = Object.keys(headers).sort();
    const signedHeaders = names.join(";");
    let canonicalHeaders = "";
    for (const n of names) canonicalHeaders += `${n}:${String(headers[n]).trim().replace(/\s+/g, " ")}\n`;
    const canonicalRequest = `POST\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${bodyHash}`;
    const scope = `${day}/${region}/${service}/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const signature = createHmac("sha256", signingKey(credentials.secretAccessKey, day)).update(toSign, "utf8").digest("hex");
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  };
};
