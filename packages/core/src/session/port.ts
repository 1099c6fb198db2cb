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
  /** Pacing: epoch ms of the last reserved send slot of this session. */
  last_slot_at?: number;
  /** Pacing: day (`yyyy-mm-dd` in the limit's zone) and slots reserved on it. */
  slot_day?: string;
  slot_day_count?: number;
}

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
  setStatus(
    tenantId: string,
    id: string,
    patch: { status: SessionStatus; reason?: string | null; phone?: string; qr?: string | null; qr_png_data_url?: string | null; pairing_code?: string | null },
    now: string,
  ): Promise<boolean>;
  statusEvents(sessionId: string, fromIso: string, toIso: string): Promise<StatusChange[]>;
  statusBefore(sessionId: string, beforeIso: string): Promise<StatusChange | undefined>;
  /** Deletes the session and frees its place in the plan. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Deletes up to `max` items a deleted session left (history, lease, auth state, WhatsApp groups, contact links); 0 when done. */
  purge(tenantId: string, sessionId: string, max: number): Promise<number>;
  /** Optimistic update of the pacing timeline: applies only if nobody reserved slots since `expected` was read. */
  reserveSlots(tenantId: string, id: string, expected: SlotState, next: SlotState): Promise<boolean>;
  acquireLease(sessionId: string, owner: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(sessionId: string, owner: string): Promise<void>;
}
