import type { Uses } from "../deps";
import { conflict, forbidden, notFound } from "../error";
import { iso } from "../port";
import type { ApiKey, Scope } from "./port";
import { createKey, hasScope, tenantPlan } from "./tenant";

/**
 * Self-service API keys (issue 30): an account lists, creates and revokes its own keys, as Stripe's
 * and Twilio's accounts do. The secret is shown once (only its SHA-256 is stored); a key never mints
 * a key wider than itself; the plan caps how many live keys an account holds (the same counted write
 * as sessions and webhooks).
 */
type D = Uses<"activity" | "tenants", "clock" | "ids">;

/** A key as lists show it: never the secret, never its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

export const viewKey = (k: ApiKey): ApiKeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  created_at: k.created_at,
  expires_at: k.expires_at ?? null,
  last_used_at: k.last_used_at ?? null,
});

const live = (k: ApiKey, now: number) => !k.revoked_at && !(k.expires_at && Date.parse(k.expires_at) <= now);

/** `GET /auth/me`: the key's tenant and the key itself (its scopes). */
export const me = async (d: Pick<D, "store">, key: ApiKey) => {
  const { tenant } = await tenantPlan(d.store, key.tenant_id);
  return {
    tenant: { id: tenant.id, name: tenant.name, plan: tenant.plan },
    key: { id: key.id, name: key.name, prefix: key.prefix, scopes: key.scopes, expires_at: key.expires_at ?? null },
  };
};

/** `GET /api-keys`: the account's keys that are not revoked (expired ones too, until deleted), oldest first. */
export const listKeys = async (d: Pick<D, "store">, tenantId: string) => {
  const keys = (await d.store.tenants.listKeys(tenantId)).filter((k) => !k.revoked_at);
  keys.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  return { api_keys: keys.map(({ hash: _h, ...k }) => viewKey(k)) };
};

export interface IssueInput {
  name: string;
  scopes: Scope[];
  expires_in_days?: number | null;
}

/**
 * `POST /api-keys`: a new key of the caller's account, with at most the caller's scopes (403
 * `auth.scope_escalation` names the ones it lacks), counted against the plan's `api_keys`.
 * Answers the key once, as `key` and as MoltFlow's `raw_key`.
 */
export const issueKey = async (d: D, caller: ApiKey, input: IssueInput) => {
  const scopes = [...new Set(input.scopes)];
  const wider = scopes.filter((s) => !hasScope(caller.scopes, s));
  if (wider.length > 0)
    throw forbidden(
      "auth.scope_escalation",
      `A key cannot create a key with scopes it does not have itself: ${wider.join(", ")}. Create it with a key that has them.`,
      { scopes: wider },
    );
  const { plan } = await tenantPlan(d.store, caller.tenant_id);
  const now = d.clock.now();
  const expiresAt = input.expires_in_days ? iso(now + input.expires_in_days * 86_400_000) : null;
  const { key, record } = await createKey(d, { tenantId: caller.tenant_id, name: input.name, scopes, expiresAt, limit: plan.api_keys });
  return { ...viewKey(record), key, raw_key: key };
};

/**
 * `DELETE /api-keys/{id}`: revokes at once in the store; an API process that has the key cached
 * refuses it within its cache time (api/src/auth/key-cache.ts, 30 s; at once in the process that
 * revoked it). The key in use may revoke itself only while another live key with `settings:manage`
 * remains (409 otherwise): the account never locks itself out of its own key management.
 */
export const revokeKey = async (d: D, caller: ApiKey, id: string) => {
  const keys = (await d.store.tenants.listKeys(caller.tenant_id)).filter((k) => !k.revoked_at);
  const target = keys.find((k) => k.id === id);
  if (!target) throw notFound("api_key", id);
  const now = d.clock.now();
  if (target.id === caller.id && !keys.some((k) => k.id !== caller.id && live(k, now) && hasScope(k.scopes, "settings:manage")))
    throw conflict("api_key.last_manager", "This is the account's only live key with settings:manage; create another such key before revoking this one.");
  await d.store.tenants.revokeKey(target.hash, iso(now));
  return { id, deleted: true as const };
};
