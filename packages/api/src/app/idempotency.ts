import { createHash } from "node:crypto";
import { DomainError } from "@outreach/core/error";
import type { MiddlewareHandler } from "hono";
import type { Env } from "./env";

/**
 * `Idempotency-Key` on creating POSTs: a repeat with the same key and body within 24 h gets the first
 * response and creates nothing; the same key with another body is refused with 422.
 */
export const idempotency = (): MiddlewareHandler<Env> => async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return next();
  if (key.length < 1 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new DomainError("invalid", "idempotency.invalid_key", "Idempotency-Key must be 1–255 visible ASCII characters.");
  }
  const { store, clock } = c.get("deps");
  const tenantId = c.get("tenantId");
  const text = await c.req.text();
  const hash = createHash("sha256").update(`${c.req.method} ${c.req.path}\n${text}`).digest("hex");
  const existing = await store.idempotency.claim(tenantId, key, hash, clock.now());
  if (existing) {
    if (existing.request_hash !== hash) {
      throw new DomainError("unprocessable", "idempotency.key_reused", "This Idempotency-Key was used with a different request body; use a new key.");
    }
    if (existing.state === "in_progress") {
      throw new DomainError("conflict", "idempotency.in_progress", "A request with this Idempotency-Key is still being processed; retry shortly.");
    }
    c.header("Idempotent-Replayed", "true");
    return c.body(existing.body, existing.status as 200, { "content-type": "application/json" });
  }
  try {
    await next();
  } catch (e) {
    await store.idempotency.release(tenantId, key).catch(() => {});
    throw e;
  }
  if (c.res.status >= 200 && c.res.status < 300) {
    const body = await c.res.clone().text();
    await store.idempotency.complete(tenantId, key, c.res.status, body);
  } else {
    await store.idempotency.release(tenantId, key);
  }
};
