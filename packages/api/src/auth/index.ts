import { DomainError } from "@outreach/core/error";
import type { ApiKey, Scope } from "@outreach/core/tenant";
import { authenticate, hasScope } from "@outreach/core/tenant";
import type { MiddlewareHandler } from "hono";
import type { Env } from "../app/env";

const readKey = (header: (name: string) => string | undefined) => {
  const x = header("x-api-key");
  if (x) return x.trim();
  const auth = header("authorization");
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, "").trim();
  return undefined;
};

/** Authenticates the key (X-API-Key or Authorization: Bearer) and applies the per-key rate limit. */
export const authMiddleware = (): MiddlewareHandler<Env> => async (c, next) => {
  const { store, clock, config } = c.get("deps");
  const plain = readKey((n) => c.req.header(n));
  if (!plain) throw new DomainError("unauthorized", "auth.missing_key", "Send your API key in the X-API-Key header or as Authorization: Bearer <key>.");
  const key = await authenticate(store, plain);
  if (!key) throw new DomainError("unauthorized", "auth.invalid_key", "The API key is unknown or was revoked.");
  c.set("apiKey", key);
  c.set("tenantId", key.tenant_id);
  if (config.rateLimitPerSecond > 0) {
    const now = clock.now();
    const window = Math.floor(now / 1000);
    if (!(await store.tenants.hitRateLimit(key.id, window, 1, config.rateLimitPerSecond))) {
      throw new DomainError("rate_limited", "rate_limit.exceeded", `Too many requests for this key (limit ${config.rateLimitPerSecond} per second).`, {
        retry_after: 1,
      });
    }
  }
  await next();
};

export const requireScope =
  (scope: Scope): MiddlewareHandler<Env> =>
  async (c, next) => {
    const key = c.get("apiKey") as ApiKey | undefined;
    if (!key || !hasScope(key.scopes, scope)) {
      throw new DomainError("forbidden", "auth.scope_missing", `This API key lacks the ${scope} scope.`, { required_scope: scope });
    }
    await next();
  };
