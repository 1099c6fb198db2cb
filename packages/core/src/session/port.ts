import type { PacingPolicy } from "../pacing";
import type { SessionStatus } from "../port/transport";

export interface Session {
  id: string;
  tenant_id: string;
  name: string;
  status: SessionStatus;
  status_reason: string | null;
  phone: string | null;
  transport: "sandbox" | "baileys";
  desired: "running" | "stopped";
  qr: string | null;
  qr_png_data_url: string | null;
  pairing_code: string | null;
  created_at: string;
  updated_at: string;
  /** The tenant's pacing policy for the session; absent: the transport's default. */
  pacing?: PacingPolicy | null;
  /** Epoch ms the number was first seen working (the warm-up counts days from it). */
  paired_at?: number;
}

/** What the session really sent on one UTC day (kept per day by the send records). */
export interface SessionDay {
  count: number;
  last_at: number | null;
}

/** A planning timeline: the last reserved slot, and the day (`yyyy-mm-dd` in the limit's zone) with its count. */
export interface SlotState {
  last_slot_at: number | null;
  slot_day: string | null;
  slot_day_count: number;
}

export interface StatusChange {
  at: string;
  status: SessionStatus;
  reason: string | null;
}

/** Sessions: desired and actual state, the pacing timeline, status history and the single-owner lease. */
export interface SessionRepo {
  /** Creates the session counted against the tenant's plan limit (`session_count`), in one transaction. */
  create(s: Session, limit: number | null): Promise<"ok" | "limit">;
  get(tenantId: string, id: string, consistent?: boolean): Promise<Session | undefined>;
  list(tenantId: string): Promise<Session[]>;
  all(): Promise<Session[]>;
  setDesired(tenantId: string, id: string, desired: Session["desired"], now: string): Promise<void>;
  /** Sets the status; returns the one it replaced (undefined: no such session). */
  setStatus(
    tenantId: string,
    id: string,
    patch: { status: SessionStatus; reason?: string | null; phone?: string; qr?: string | null; qr_png_data_url?: string | null; pairing_code?: string | null },
    now: string,
  ): Promise<{ before: SessionStatus | null } | undefined>;
  statusEvents(sessionId: string, fromIso: string, toIso: string): Promise<StatusChange[]>;
  statusBefore(sessionId: string, beforeIso: string): Promise<StatusChange | undefined>;
  /** Deletes the session and frees its place in the plan. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Deletes up to `max` items a deleted session left (history, lease, auth state, WhatsApp groups, contact links); 0 when done. */
  purge(tenantId: string, sessionId: string, max: number): Promise<number>;
  /** Renames the session and/or sets its pacing policy (null: back to the transport's default); false if it does not exist. */
  update(tenantId: string, id: string, patch: { name?: string; pacing?: PacingPolicy | null }, now: string): Promise<boolean>;
  /** What the session sent on a UTC day (`yyyy-mm-dd`). */
  sentOn(tenantId: string, sessionId: string, day: string): Promise<SessionDay>;
  acquireLease(sessionId: string, owner: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(sessionId: string, owner: string): Promise<void>;
  /** Who holds the session's lease, and until when (a new owner waits for that moment). */
  leaseOf(sessionId: string): Promise<{ owner: string; expires_at: number } | undefined>;
}
