import type { Tenant } from "./port";

/** Inbound message texts are kept this many days unless the tenant chose otherwise. */
export const DEFAULT_RETENTION_DAYS = 90;
/** A contact's message within this many hours of a bulk-send message to them is its reply. */
export const DEFAULT_REPLY_WINDOW_HOURS = 72;
/** A message to a contact who wrote within this many hours is a reply: exempt from burst limits. */
export const REPLY_EXEMPT_HOURS = 24;
/** Limits of the per-tenant settings (admin CLI). */
export const RETENTION_DAYS_RANGE = [1, 3650] as const;
export const REPLY_WINDOW_HOURS_RANGE = [1, 720] as const;
/** Message-id index entries live at least this long: receipts of a message come within days. */
export const MIN_INDEX_DAYS = 60;

export interface ConversationSettings {
  retention_days: number;
  reply_window_hours: number;
}

export const settingsOf = (t: Pick<Tenant, "retention_days" | "reply_window_hours"> | undefined): ConversationSettings => ({
  retention_days: t?.retention_days ?? DEFAULT_RETENTION_DAYS,
  reply_window_hours: t?.reply_window_hours ?? DEFAULT_REPLY_WINDOW_HOURS,
});

/** Epoch seconds at which a message of instant `atMs` expires under `days` of retention. */
export const expiresAt = (atMs: number, days: number) => Math.floor(atMs / 1000) + days * 86_400;
