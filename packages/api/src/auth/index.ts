import { dayKey } from "@outreach/core/activity";
import { DomainError } from "@outreach/core/error";
import { iso } from "@outreach/core/port";
import type { ApiKey, Scope } from "@outreach/core/tenant";
import { hashKey, hasScope } from "@outreach/core/tenant";
import type { MiddlewareHandler } from "hono";
import type { Env } from "../app/env";
import { countApiCall } from "./call-count";
import { authenticateCached } from "./key-cache";

const readKey = (header: (name: string) => string | undefined) => {
  const x = header("x-api-key");
  if (x) return x.trim();
  const auth = header("authorization");
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, "").trim();
  return undefined;
};

/** The client's address: the socket's peer locally, the Function URL's `sourceIp` on Lambda. */
const clientAddress = (env: unknown) => {
  const e = env as { incoming?: { socket?: { remoteAddress?: string } }; event?: { requestContext?: { http?: { sourceIp?: string } } } } | undefined;
  return e?.incoming?.socket?.remoteAddress ?? e?.event?.requestContext?.http?.sourceIp ?? "unknown";
};

/**
 * Requests without a valid key are counted per source address (a minute's window in the store), so
 * a flood of invalid keys is answered 429 without more writes. Addresses over the limit are
 * remembered for the rest of their window in this process, which only saves the counting writes (the
 * store decides). The limit never applies to a request whose key is valid: the key is looked up
 * first (issue 29: behind a proxy or NAT one anonymous client shared the address with every tenant).
 */
const unauthenticated = () => {
  const over = new Map<string, number>();
  return {
    blocked: (addr: string, window: number) => over.get(addr) === window,
    async count(d: Env["Variables"]["deps"], addr: string, now: number) {
      const limit = d.config.unauthenticatedPerMinute ?? 600;
      if (limit <= 0) return;
      const window = Math.floor(now / 60_000);
      if (over.size > 10_000) over.clear();
      if (over.get(addr) === window || !(await d.store.tenants.hitRateLimit(`ip:${addr}`, window * 60, 60, limit))) {
        over.set(addr, window);
        throw tooMany(window);
      }
    },
  };
};
const tooMany = (window: number) =>
  new DomainError("rate_limited", "rate_limit.unauthenticated", "Too many requests without a valid API key from this address; wait and send a valid key.", {
    retry_after: Math.max(1, (window + 1) * 60 - Math.floor(Date.now() / 1000)),
  });

/**
 * `last_used_at` is written at most once a minute per key: a conditional write decides across
 * processes, and this process skips the write while it knows the key was touched this minute.
 */
const touched = new Map<string, number>();
const touch = async (store: Env["Variables"]["deps"]["store"], plain: string, now: number) => {
  const hash = hashKey(plain);
  const minute = Math.floor(now / 60_000);
  if (touched.get(hash) === minute) return;
  if (touched.size > 10_000) touched.clear();
  touched.set(hash, minute);
  await store.tenants.touchKey(hash, iso(now), iso(now - 60_000));
};

/** Authenticates the key (X-API-Key or Authorization: Bearer) and applies the per-key rate limit. */
export const authMiddleware = (): MiddlewareHandler<Env> => {
  const unauth = unauthenticated();
  return async (c, next) => {
    const deps = c.get("deps");
    const { store, clock, config } = deps;
    const addr = clientAddress(c.env);
    const minute = Math.floor(clock.now() / 60_000);
    const plain = readKey((n) => c.req.header(n));
    if (!plain) {
      if (unauth.blocked(addr, minute)) throw tooMany(minute);
      await unauth.count(deps, addr, clock.now());
      throw new DomainError("unauthorized", "auth.missing_key", "Send your API key in the X-API-Key header or as Authorization: Bearer <key>.");
    }
    const key = await authenticateCached(store, plain, clock.now());
    if (!key) {
      if (unauth.blocked(addr, minute)) throw tooMany(minute);
      await unauth.count(deps, addr, clock.now());
      throw new DomainError("unauthorized", "auth.invalid_key", "The API key is unknown or was revoked.");
    }
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
    // This month's API calls (MoltFlow's usage field), counted beside the request (group commit: ./call-count).
    const counted = Promise.all([countApiCall(store, key.tenant_id, dayKey(clock.now())), touch(store, plain, clock.now())]).catch(() => {});
    await next();
    await counted;
  };
};

/**
 * Routes served without a key (`GET /billing/plans`): every request counts against the source
 * address's budget of requests without a valid key, the same counter as refused keys.
 */
export const publicRateLimit = (): MiddlewareHandler<Env> => {
  const unauth = unauthenticated();
  return async (c, next) => {
    const deps = c.get("deps");
    const addr = clientAddress(c.env);
    const now = deps.clock.now();
    if (unauth.blocked(addr, Math.floor(now / 60_000))) throw tooMany(Math.floor(now / 60_000));
    await unauth.count(deps, addr, now);
    await next();
  };
};

/**
 * A request that carries `calls` calls (an MCP JSON-RPC batch) counts each of them: the middleware
 * counted one, this counts the others against the key's rate limit and the month's `api_calls`.
 */
export const chargeCalls = async (deps: Env["Variables"]["deps"], key: ApiKey, calls: number) => {
  const extra = calls - 1;
  if (extra <= 0) return;
  const { store, clock, config } = deps;
  if (config.rateLimitPerSecond > 0 && !(await store.tenants.hitRateLimit(key.id, Math.floor(clock.now() / 1000), 1, config.rateLimitPerSecond, extra))) {
    throw new DomainError(
      "rate_limited",
      "rate_limit.exceeded",
      `Too many requests for this key (limit ${config.rateLimitPerSecond} per second; each call of a JSON-RPC batch counts).`,
      { retry_after: 1 },
    );
  }
  await countApiCall(store, key.tenant_id, dayKey(clock.now()), extra);
};

/** 403 `auth.scope_missing` unless the request's key has every one of `scopes` (`manage` implies `read`). */
export const assertScopes = (key: ApiKey | undefined, ...scopes: Scope[]) => {
  const missing = scopes.find((s) => !key || !hasScope(key.scopes, s));
  if (missing) {
    throw new DomainError(
      "forbidden",
      "auth.scope_missing",
      `This API key lacks the ${missing} scope${scopes.length > 1 ? ` (this needs ${scopes.join(" and ")})` : ""}.`,
      {
        required_scope: missing,
        required_scopes: scopes,
      },
    );
  }
};

/**
 * Route middleware: the key must have every one of `scopes`. The middleware carries its `scopes`, so
 * the OpenAPI document (`x-scopes`) and the generated docs read them from the route itself.
 */
export const requireScope = (...scopes: Scope[]): MiddlewareHandler<Env> & { scopes: readonly Scope[] } =>
  Object.assign(
    async (c: Parameters<MiddlewareHandler<Env>>[0], next: Parameters<MiddlewareHandler<Env>>[1]) => {
      assertScopes(c.get("apiKey") as ApiKey | undefined, ...scopes);
      await next();
    },
    { scopes },
  );
