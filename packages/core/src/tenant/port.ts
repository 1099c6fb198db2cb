import type { PlanId } from "../plan";

export interface Tenant {
  id: string;
  name: string;
  plan: PlanId;
  created_at: string;
  /** Days inbound message texts are kept (default 90; `conversation/settings.ts`). */
  retention_days?: number;
  /** Hours after a bulk-send message within which the contact's message counts as its reply (default 72). */
  reply_window_hours?: number;
}

export const SCOPES = [
  "custom-groups:read",
  "custom-groups:manage",
  "bulk-send:read",
  "bulk-send:manage",
  "scheduled:read",
  "scheduled:manage",
  "reports:read",
  "reports:manage",
  "sessions:read",
  "sessions:manage",
  "messages:read",
  "messages:manage",
  "webhooks:read",
  "webhooks:manage",
  "groups:read",
  "groups:manage",
  "leads:read",
  "leads:manage",
  "reviews:read",
  "reviews:manage",
  "usage:read",
  "settings:read",
  "settings:manage",
] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  id: string;
  tenant_id: string;
  name: string;
  /** First characters of the key, to recognise it in lists; the key itself is never stored. */
  prefix: string;
  scopes: Scope[];
  created_at: string;
  revoked_at?: string;
  /** After this instant the key is refused (401), like a revoked one. */
  expires_at?: string | null;
  /** When the key last authenticated a request, written at most once a minute. */
  last_used_at?: string | null;
  /** Most recipients one send through MCP may reach (default 500, `DEFAULT_AGENT_MAX_RECIPIENTS`); the HTTP API is not limited by it. */
  agent_max_recipients?: number;
  /** Messages a day through MCP `message_send` to numbers that have not written in 24 h (default 5). */
  agent_daily_new_contacts?: number;
}

export interface Usage {
  month: string;
  total_messages: number;
  reserved_messages: number;
  /** Authenticated API requests this month. */
  api_calls: number;
}

/** Tenants, their API keys (by hash), per-key rate-limit windows and month usage. */
export interface TenantRepo {
  create(t: Tenant): Promise<void>;
  get(
    id: string,
    consistent?: boolean,
  ): Promise<
    | (Tenant & { group_count: number; report_count: number; session_count?: number; webhook_count?: number; monitor_count?: number; key_count?: number })
    | undefined
  >;
  setPlan(id: string, plan: PlanId): Promise<void>;
  /** Sets the tenant's conversation settings (only the fields given). */
  setSettings(id: string, settings: { retention_days?: number; reply_window_hours?: number }): Promise<void>;
  /**
   * Stores the key, counted in the tenant's `key_count` while it is below `limit` (null or absent:
   * no cap, the operator's CLI); false when the cap is reached.
   */
  createKey(key: ApiKey, hash: string, limit?: number | null): Promise<boolean>;
  findKey(hash: string): Promise<ApiKey | undefined>;
  listKeys(tenantId: string): Promise<(ApiKey & { hash: string })[]>;
  /** Marks the key revoked and gives its place under the plan cap back; false when it was revoked already. */
  revokeKey(hash: string, at: string): Promise<boolean>;
  /** Sets `last_used_at` unless it is newer than `notAfter` (at most one write a minute per key). */
  touchKey(hash: string, at: string, notAfter: string): Promise<void>;
  /** Sets the key's `agent_max_recipients`. */
  setAgentMaxRecipients(hash: string, max: number): Promise<void>;
  /** Counts `weight` calls (default 1) in the window unless that would pass `limit`; answers whether they were counted. */
  hitRateLimit(keyId: string, windowStart: number, windowSeconds: number, limit: number, weight?: number): Promise<boolean>;
  /** The month's messages and reservations, and its API calls (the month's days added up: a query). */
  usage(tenantId: string, month: string): Promise<Usage>;
  /** The month's messages and reservations only (one read): what quota checks and the preview need. */
  quota(tenantId: string, month: string): Promise<Omit<Usage, "api_calls">>;
  /** Counts `calls` authenticated API requests (default 1) on the day; the month's `api_calls` add the days up. */
  countApiCall(tenantId: string, day: string, calls?: number): Promise<void>;
  /** Registers an open progress stream of a key unless `max` of its streams are open (each ends by `expiresAt`). */
  openStream(keyId: string, streamId: string, expiresAt: number, max: number, now: number): Promise<boolean>;
  closeStream(keyId: string, streamId: string): Promise<void>;
}
