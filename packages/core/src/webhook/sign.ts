import { createHmac, randomBytes } from "node:crypto";

/** A new signing secret, shown once. */
export const generateSecret = () => `whsec_${randomBytes(24).toString("base64url")}`;

const hmac = (secret: string, data: string) => createHmac("sha256", secret).update(data, "utf8").digest("hex");

/**
 * The signature headers of one attempt. `X-Webhook-Signature` is MoltFlow's (HMAC-SHA256 of the body,
 * hex); *(ours)* `X-Webhook-Timestamp` (Unix seconds of this attempt) and `X-Webhook-Signature-V2`
 * (HMAC of `timestamp + "." + body`), so a receiver can refuse replays older than 5 minutes.
 */
export const signatureHeaders = (secret: string, body: string, nowMs: number): Record<string, string> => {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    "x-webhook-signature": hmac(secret, body),
    "x-webhook-timestamp": timestamp,
    "x-webhook-signature-v2": hmac(secret, `${timestamp}.${body}`),
  };
};
