import { createHash, randomBytes } from "node:crypto";
import type { Uses } from "../deps";
import { DomainError } from "../error";
import { monthKey, PLANS, type PlanId } from "../plan";
import { iso } from "../port";
import { type ApiKey, SCOPES, type Scope } from "./port";

/** What this module uses. */
type D = Uses<"activity" | "tenants", "clock" | "ids">;

/** API keys are shown once; only their SHA-256 is stored. */
export const hashKey = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");

export const generateKey = () => `ok_${randomBytes(24).toString("base64url")}`;

export const ALL_SCOPES: Scope[] = [...SCOPES];

/** `manage` implies `read` of the same resource. */
export const hasScope = (granted: readonly Scope[], needed: Scope) =>
  granted.includes(needed) || (needed.endsWith(":read") && granted.includes(needed.replace(":read", ":manage") as Scope));

export const createTenant = async (d: D, input: { name: string; plan: PlanId; id?: string }) => {
  const tenant = { id: input.id ?? d.ids.next("ten"), name: input.name, plan: input.plan, created_at: iso(d.clock.now()) };
  await d.store.tenants.create(tenant);
  return tenant;
};

/** A key a self-hoster chooses: 16–200 characters without white space (what `authenticate` accepts). */
export const checkPlainKey = (plain: string) => {
  if (plain.length < 16) throw new DomainError("invalid", "key.too_short", "An API key must be at least 16 characters long.");
  if (plain.length > 200) throw new DomainError("invalid", "key.too_long", "An API key must be at most 200 characters long.");
  if (/\s/.test(plain)) throw new DomainError("invalid", "key.whitespace", "An API key must not contain spaces or other white space.");
};

/** Creates a key for a tenant. `plain` lets a self-hoster choose the key (e.g. OUTREACH_DEV_API_KEY). */
export const createKey = async (
  d: D,
  input: {
    tenantId: string;
    name: string;
    scopes?: Scope[];
    plain?: string;
    agentMaxRecipients?: number;
    agentDailyNewContacts?: number;
    expiresAt?: string | null;
    /** The plan's cap on keys (`null`/absent: none — the operator's CLI and the development key). */
    limit?: number | null;
  },
): Promise<{ key: string; record: ApiKey }> => {
  const plain = input.plain ?? generateKey();
  checkPlainKey(plain);
  const record: ApiKey = {
    id: d.ids.next("key"),
    tenant_id: input.tenantId,
    name: input.name,
    prefix: plain.slice(0, 7),
    scopes: input.scopes ?? ALL_SCOPES,
    created_at: iso(d.clock.now()),
    expires_at: input.expiresAt ?? null,
    ...(input.agentMaxRecipients === undefined ? {} : { agent_max_recipients: input.agentMaxRecipients }),
    ...(input.agentDailyNewContacts === undefined ? {} : { agent_daily_new_contacts: input.agentDailyNewContacts }),
  };
  if (!(await d.store.tenants.createKey(record, hashKey(plain), input.limit ?? null))) {
    const tenant = await d.store.tenants.get(input.tenantId, true);
    throw planLimitError("plan.api_key_limit", "API keys", input.limit ?? 0, tenant?.key_count ?? 0);
  }
  return { key: plain, record };
};

/** The key's record when it is known, not revoked and not expired at `now` (read from the store every time: a revocation holds at the next request). */
export const authenticate = async (store: D["store"], plain: string, now = Date.now()): Promise<ApiKey | undefined> => {
  if (plain.length < 16 || plain.length > 200) return undefined;
  const rec = await store.tenants.findKey(hashKey(plain));
  if (!rec || rec.revoked_at) return undefined;
  if (rec.expires_at && Date.parse(rec.expires_at) <= now) return undefined;
  return rec;
};

/** MoltFlow's usage fields plus ours. */
export const currentUsage = async (d: D, tenantId: string) => {
  const { tenant, plan: limits } = await tenantPlan(d.store, tenantId);
  const now = d.clock.now();
  const month = monthKey(now);
  const [usage, days] = await Promise.all([d.store.tenants.usage(tenantId, month), d.store.activity.range(tenantId, `${month}-01`, `${month}-31`)]);
  const limit = limits.messages_per_month;
  return {
    total_messages: usage.total_messages,
    limit_messages: limit,
    usage_percentage: limit ? Math.round((usage.total_messages / limit) * 10000) / 100 : 0,
    plan: tenant.plan,
    limits,
    reserved_messages: usage.reserved_messages,
    custom_groups: tenant.group_count ?? 0,
    reports: tenant.report_count ?? 0,
    month: usage.month,
    period: usage.month,
    messages_sent: usage.total_messages,
    messages_received: days.reduce((n, day) => n + day.received, 0),
    api_calls: usage.api_calls,
  };
};

/** The key's tenant and its plan's limits; a key whose tenant is gone is refused (401). */
export const tenantPlan = async (store: D["store"], tenantId: string) => {
  const tenant = await store.tenants.get(tenantId);
  if (!tenant) throw new DomainError("unauthorized", "auth.unknown_tenant", "The key's tenant no longer exists.");
  return { tenant, plan: PLANS[tenant.plan] };
};

/** 403 `plan.feature_unavailable` unless the plan includes `feature` (`what` begins the message: "Bulk send is"). */
export const requireFeature = (planId: PlanId, feature: "bulk_send" | "scheduled_messages" | "auto_respond", what: string) => {
  if (!PLANS[planId][feature])
    throw new DomainError("forbidden", "plan.feature_unavailable", `${what} not included in the ${planId} plan; upgrade to starter or above.`, { feature });
};

export const planLimitError = (code: string, what: string, limit: number, used: number) =>
  new DomainError("forbidden", code, `Your plan allows ${limit} ${what}; ${used} are in use. Upgrade the plan or delete some first.`, {
    limit,
    used,
    remaining: Math.max(0, limit - used),
  });
