import type { Store } from "../port";

export * from "./port";
export * from "./view";

import type { Uses } from "../deps";
import { normalizeAsync } from "../e164";
import { conflict, DomainError, notFound } from "../error";
import type { DomainEvent } from "../event";
import { looksLikeId } from "../id";
import { defaultPolicy, type PacingPolicy, policyWarnings } from "../pacing";
import { iso, type SessionStatus } from "../port";
import { planLimitError, tenantPlan } from "../tenant";
import type { Session } from "./port";
import type { SessionView } from "./view";

type D = Uses<"activity" | "sessions" | "tenants", "clock" | "ids" | "queue">;

/** The session's pacing policy: the tenant's, or its transport's default. */
export const policyOf = (s: Pick<Session, "pacing" | "transport">): PacingPolicy => s.pacing ?? defaultPolicy(s.transport);

/** A session as the API shows it. */
export const view = (s: Session): SessionView => ({
  id: s.id,
  name: s.name,
  status: s.status,
  status_reason: s.status_reason ?? null,
  phone: s.phone ?? null,
  transport: s.transport,
  created_at: s.created_at,
  updated_at: s.updated_at,
  pacing: policyOf(s),
  pacing_warnings: policyWarnings(policyOf(s), s.transport),
});

/** The tenant's sessions as the API shows them. */
export const list = async (d: Pick<D, "store">, tenantId: string) => (await d.store.sessions.list(tenantId)).map(view);

export const get = async (d: Pick<D, "store">, tenantId: string, id: string, consistent = false) => {
  const s = looksLikeId("ses", id) ? await d.store.sessions.get(tenantId, id, consistent) : undefined;
  if (!s) throw notFound("session", id);
  return s;
};

/** Tells the session host to reconcile this session with its desired state. */
export const sync = (d: Pick<D, "queue">, tenantId: string, sessionId: string) =>
  d.queue.send("events", [{ body: { type: "session.sync", tenant_id: tenantId, session_id: sessionId } }]);

/** A new session record: starting, meant to run, no QR yet; `fields` override. */
export const sessionRecord = (fields: Partial<Session> & Pick<Session, "id" | "tenant_id" | "name" | "transport">, now: string): Session => ({
  status: "starting",
  status_reason: null,
  phone: null,
  desired: "running",
  qr: null,
  qr_png_data_url: null,
  pairing_code: null,
  created_at: now,
  updated_at: now,
  ...fields,
});

export const create = async (d: D, tenantId: string, input: { name: string }, transport: Session["transport"]) => {
  const { tenant, plan } = await tenantPlan(d.store, tenantId);
  const s = sessionRecord({ id: d.ids.next("ses"), tenant_id: tenantId, name: input.name, transport }, iso(d.clock.now()));
  if ((await d.store.sessions.create(s, plan.sessions)) === "limit") {
    throw planLimitError("plan.session_limit", "WhatsApp sessions", plan.sessions ?? 0, tenant.session_count ?? 0);
  }
  await sync(d, tenantId, s.id);
  return s;
};

/** What `PATCH /sessions/{id}` takes: a name, and pacing fields over the current policy (null: the default). */
export interface SessionPatch {
  name?: string;
  pacing?: Partial<PacingPolicy> | null;
}

/** Renames a session and/or changes its pacing policy; the sender picks a new policy up within seconds. */
export const update = async (d: D, tenantId: string, id: string, patch: SessionPatch) => {
  const s = await get(d, tenantId, id, true);
  const pacing = patch.pacing === undefined ? undefined : patch.pacing === null ? null : { ...policyOf(s), ...patch.pacing };
  if (!(await d.store.sessions.update(tenantId, id, { name: patch.name, pacing }, iso(d.clock.now())))) throw notFound("session", id);
  return view(await get(d, tenantId, id, true));
};

export const remove = async (d: D, tenantId: string, id: string) => {
  await get(d, tenantId, id);
  await d.store.sessions.setDesired(tenantId, id, "stopped", iso(d.clock.now()));
  if (!(await d.store.sessions.delete(tenantId, id))) throw notFound("session", id);
  await sync(d, tenantId, id);
  // What it left (history, WhatsApp groups with third parties' numbers, contact links) goes too.
  // Once now and once after the host has logged the device out (a late credentials write is caught too).
  const purge = { type: "purge" as const, kind: "session" as const, tenant_id: tenantId, id };
  await d.queue.send("events", [{ body: purge }, { body: purge, delaySeconds: 120 }]);
};

export const qr = async (d: Pick<D, "store">, tenantId: string, id: string) => {
  const s = await get(d, tenantId, id, true);
  if (s.transport === "sandbox") throw conflict("session.no_qr", "Sandbox sessions are connected already; they have no QR code.");
  if (s.status !== "qr" || !s.qr) throw conflict("session.no_qr", `The session is ${s.status}; a QR code exists only while its status is qr.`);
  return { qr: s.qr, png_data_url: s.qr_png_data_url };
};

/**
 * Asks the session host for a pairing code and waits for it (the API never calls the worker
 * directly: the request and the answer travel through the store and the events queue).
 */
export const pairingCode = async (d: D, tenantId: string, id: string, phone: string, timeoutMs = 20_000) => {
  const s = await get(d, tenantId, id, true);
  if (s.transport === "sandbox") throw conflict("session.no_pairing", "Sandbox sessions are connected already; they need no pairing code.");
  if (s.status === "working") throw conflict("session.already_paired", "The session is connected already.");
  // Only a session showing a QR is waiting to be paired; asking Baileys on any other would overwrite a paired account's identity.
  if (s.status !== "qr") {
    throw conflict("session.not_pairable", `The session is ${s.status}; a pairing code can be requested only while its status is qr (a QR code is shown).`);
  }
  const r = await normalizeAsync(phone);
  if (!r.ok) throw new DomainError("invalid", "phone.invalid", `The phone number is not valid (${r.reason}).`);
  await d.store.sessions.setStatus(tenantId, id, { status: s.status, reason: s.status_reason, pairing_code: null }, iso(d.clock.now()));
  await d.queue.send("events", [{ body: { type: "session.pair", tenant_id: tenantId, session_id: id, phone: r.e164 } }]);
  const deadline = d.clock.now() + timeoutMs;
  while (d.clock.now() < deadline) {
    const cur = await d.store.sessions.get(tenantId, id, true);
    if (cur?.pairing_code) return { code: cur.pairing_code };
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new DomainError("unavailable", "session.pairing_timeout", "The session host did not produce a pairing code in time; try again.", { retry_after: 5 });
};

/**
 * MoltFlow's `session.connected` (a session starts working) and `session.disconnected` (a working
 * session stops: logged out, lost, failed), from a status change and the status it replaced.
 */
export const statusEvents = (
  sessionId: string,
  before: SessionStatus | null | undefined,
  e: { status: SessionStatus; reason?: string | null; phone?: string },
  atMs: number,
): DomainEvent[] => {
  if (before === undefined) return [];
  const connected = e.status === "working" && before !== "working";
  const disconnected = before === "working" && e.status !== "working";
  if (!connected && !disconnected) return [];
  const type = connected ? "session.connected" : "session.disconnected";
  const at = iso(atMs);
  return [{ type, key: `${sessionId}|${type}|${at}`, at, data: { session_id: sessionId, status: e.status, reason: e.reason ?? null, phone: e.phone ?? null } }];
};

export { parseWaVersion } from "./wa-version";

/** What a deleted session left behind (its lease, auth state and contacts), chunk by chunk: how many items went (0 when nothing is left). */
export const purgeLeftovers = async (d: { store: Pick<Store, "sessions"> }, tenantId: string, id: string, max: number): Promise<number> =>
  d.store.sessions.purge(tenantId, id, max);
