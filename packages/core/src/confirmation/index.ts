export * from "./port";

import { createHash, randomBytes } from "node:crypto";
import type { Uses } from "../deps";
import { DomainError } from "../error";
import type { ApiKey } from "../tenant";

/** What this module uses. */
type D = Uses<"confirmations" | "tenants", "clock">;

/** How long a confirmation token is valid. */
export const CONFIRMATION_TTL_MS = 10 * 60_000;

/** Recipients one send through MCP may reach unless the key says otherwise (`agent_max_recipients`). */
export const DEFAULT_AGENT_MAX_RECIPIENTS = 500;

export const agentMaxRecipients = (key: Pick<ApiKey, "agent_max_recipients">) => key.agent_max_recipients ?? DEFAULT_AGENT_MAX_RECIPIENTS;

/** Messages an agent (MCP `message_send`) may send a day to numbers that have not written in 24 h, unless the key says otherwise. */
export const DEFAULT_AGENT_DAILY_NEW_CONTACTS = 5;

export const agentDailyNewContacts = (key: Pick<ApiKey, "agent_daily_new_contacts">) => key.agent_daily_new_contacts ?? DEFAULT_AGENT_DAILY_NEW_CONTACTS;

/**
 * Takes one message of the key's daily allowance for agents writing first (UTC day, counted in the
 * store so every API instance shares it); refuses with `403 mcp.daily_new_contacts` when it is used up.
 */
export const takeNewContactAllowance = async (d: D, key: ApiKey) => {
  const max = agentDailyNewContacts(key);
  const day = Math.floor(d.clock.now() / 86_400_000) * 86_400;
  if (max > 0 && (await d.store.tenants.hitRateLimit(`agent-new#${key.id}`, day, 86_400, max))) return;
  throw new DomainError(
    "forbidden",
    "mcp.daily_new_contacts",
    `This API key may send ${max} messages a day through MCP to numbers that have not written in the last 24 hours, and they are used up; answer people who wrote, or ask an operator to raise agent_daily_new_contacts.`,
    { agent_daily_new_contacts: max },
  );
};

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** JSON with object keys sorted and `undefined` dropped: equal requests hash equally whatever their key order. */
export const canonical = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonical(x))).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
};

/** The hash a token is bound to: the operation, its canonical arguments and the key. */
export const requestHash = (operation: string, args: unknown, keyId: string) => sha256(`${operation}\n${keyId}\n${canonical(args)}`);

/** Issues a token for exactly this request by this key, valid for 10 minutes, usable once. */
export const issue = async (d: D, key: ApiKey, operation: string, args: unknown) => {
  const token = `ct_${randomBytes(24).toString("base64url")}`;
  const now = d.clock.now();
  await d.store.confirmations.put({
    tenant_id: key.tenant_id,
    token_hash: sha256(token),
    key_id: key.id,
    request_hash: requestHash(operation, args, key.id),
    issued_at: now,
    expires_at: now + CONFIRMATION_TTL_MS,
  });
  return { token, expires_at: new Date(now + CONFIRMATION_TTL_MS).toISOString() };
};

/** How an agent gets a token for an operation (named in refusals). */
const previewOf = (operation: string) =>
  operation === "bulk_send_create" ? "bulk_send_preview" : `${operation} without confirmation_token (it answers a preview and a token)`;

const refused = (operation: string, why: string) =>
  new DomainError(
    "forbidden",
    "mcp.confirmation_invalid",
    `The confirmation_token ${why}; call ${previewOf(operation)} again with these arguments and use its new token.`,
  );

/**
 * Uses a token for the request it was issued for. Returns the job id to create under: a new one, or,
 * when the same request with the same token comes again (a retry after a lost answer), the job the
 * first use created, so a retry never starts a second send.
 */
export const redeem = async (
  d: D,
  key: ApiKey,
  operation: string,
  args: unknown,
  token: string | undefined,
  newJobId: string,
): Promise<{ jobId: string; replay: boolean }> => {
  if (!token) {
    throw new DomainError(
      "forbidden",
      "mcp.confirmation_required",
      `Sending through MCP needs a confirmation_token: call ${previewOf(operation)} with the same arguments, check the preview, then pass its confirmation_token.`,
    );
  }
  const hash = requestHash(operation, args, key.id);
  const now = d.clock.now();
  const r = await d.store.confirmations.use(key.tenant_id, sha256(token), { keyId: key.id, requestHash: hash, now, jobId: newJobId });
  if (r.used) return { jobId: newJobId, replay: false };
  const c = r.existing;
  if (!c || c.key_id !== key.id) throw refused(operation, "is unknown");
  if (c.request_hash !== hash) throw refused(operation, "was issued for different arguments");
  if (c.used_at !== undefined && c.job_id) return { jobId: c.job_id, replay: true };
  throw refused(operation, "has expired (tokens are valid for 10 minutes)");
};
