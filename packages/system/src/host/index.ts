import * as Conversation from "@outreach/core/conversation";
import type { Deps } from "@outreach/core/deps";
import { providePhoneTables } from "@outreach/core/e164";
import * as Jobs from "@outreach/core/job";
import * as Monitor from "@outreach/core/monitor";
import { iso, type Transport, type TransportEvents } from "@outreach/core/port";
import { type Session, statusEvents } from "@outreach/core/session";
import type { Logger } from "@outreach/log";
import { groupSubscribers as groupSubscribersOf, inboundSubscribers } from "./inbound";

export const LEASE_TTL_MS = 30_000;
const RENEW_MS = 10_000;

/**
 * The session host: runs every session whose desired state is running, owning each only while it
 * holds the session's lease item (renewed; taken over only after expiry), and maps transport events
 * into the store.
 */
export const createSessionHost = (
  d: Deps & {
    logger: Logger;
    owner: string;
    /** Whether this host may run the session: its shard is one this worker holds (absent: every session). */
    inScope?: (sessionId: string) => boolean;
    /** The sender's record of a message under way, which the message's receipts wait for (see `createReceiptRecorder`). */
    recording?: (messageId: string) => Promise<void> | undefined;
  },
) => {
  // Inbound senders, mentions and group members are phone numbers: their tables load at the first one.
  providePhoneTables(() => import("@outreach/core/phone").then((m) => m.normalize));
  const inScope = d.inScope ?? (() => true);
  const tenants = new Map<string, string>();
  /** Sessions whose lease another host still held when this one wanted it: synced again when it runs out. */
  const retries = new Map<string, NodeJS.Timeout>();
  const owned = new Set<string>();
  let shuttingDown = false;
  let transport: Transport | undefined;
  let renewTimer: NodeJS.Timeout | undefined;
  /** When the last renew-and-sync round finished (liveness: a host whose rounds stop is stalled). */
  let lastRoundAt = d.clock.now();
  const now = () => iso(d.clock.now());
  const receipts = Jobs.createReceiptRecorder(d, { recording: d.recording });
  const inbound = Conversation.createInboundRecorder({ ...d, onRecorded: inboundSubscribers(d) });
  const groupSubscribers = groupSubscribersOf(d);

  const events: TransportEvents = {
    async status(e) {
      const tenantId = tenants.get(e.sessionId);
      // A host shutting down or handing a session over closes its socket; that is not a status change
      // of the session. Only a session this host runs reports (a stop it was asked for is reported
      // before the session leaves `owned`).
      if (!tenantId || shuttingDown || !owned.has(e.sessionId)) return;
      const changed = await d.store.sessions.setStatus(
        tenantId,
        e.sessionId,
        {
          status: e.status,
          reason: e.reason ?? null,
          phone: e.phone,
          qr: e.qr,
          pairing_code: e.pairingCode,
          qr_png_data_url: e.qrPngDataUrl,
        },
        now(),
      );
      if (e.status === "stopped" || e.status === "failed") await Jobs.pauseSessionJobs(d, tenantId, e.sessionId);
      await d.events?.emit(tenantId, statusEvents(e.sessionId, changed?.before, e, d.clock.now()));
    },
    async receipt(e) {
      if (e.state !== "failed") return receipts.record(e.messageId, e.state);
      // A refusal is rare and final: recorded on its own, never retried (see Jobs.recordRejection).
      const done = await Jobs.recordRejection(d, { messageId: e.messageId, code: e.code, reason: e.reason, at: e.at });
      if (!done) d.logger.warn({ session_id: e.sessionId, message_id: e.messageId, code: e.code }, "a refused message was not found among sent recipients");
    },
    async restricted(e) {
      const tenantId = tenants.get(e.sessionId);
      if (!tenantId || !owned.has(e.sessionId)) return;
      const until = e.until === null ? "" : ` WhatsApp says it ends at ${iso(e.until)}.`;
      const detail = `${e.reason}${until} Resume the jobs once it has ended; sending into a restriction makes it longer.`;
      d.logger.error(
        { tenant_id: tenantId, session_id: e.sessionId, event: "session.restricted", code: e.code },
        "WhatsApp restricted the session; its jobs are paused",
      );
      await Jobs.pauseSessionJobs(d, tenantId, e.sessionId, { reason: "restricted", detail, until: e.until });
    },
    sentContent: (e) => Jobs.sentContent(d, e.messageId),
    async inbound(e) {
      const tenantId = tenants.get(e.sessionId);
      if (!tenantId) return;
      if (e.waGroupId) {
        // Only monitored groups' messages are stored; a keyword match makes the member a lead.
        const g = await Monitor.onGroupMessage({ ...d, onRecorded: groupSubscribers }, tenantId, e);
        if (!g.stored) d.logger.debug({ tenant_id: tenantId, session_id: e.sessionId, reason: g.reason }, "group message not stored");
        return;
      }
      // Stored once per WhatsApp message id; a reply to a bulk send is counted on it; STOP opts out.
      const r = await inbound.record(tenantId, e);
      if (r.raw_opt_out)
        d.logger.warn(
          { tenant_id: tenantId, session_id: e.sessionId, raw_sender: r.raw_opt_out, reason: r.reason },
          "opt-out from a sender that is not a phone number, kept for its raw id",
        );
      else if (r.opted_out) d.logger.info({ tenant_id: tenantId, session_id: e.sessionId }, "opt-out received");
      else if (!r.stored) d.logger.debug({ tenant_id: tenantId, session_id: e.sessionId, reason: r.reason ?? "duplicate" }, "inbound not stored");
    },
    async groups(e) {
      const tenantId = tenants.get(e.sessionId);
      if (!tenantId) return;
      for (const g of e.groups) {
        await d.store.waGroups.put(tenantId, {
          wa_group_id: g.waGroupId,
          session_id: e.sessionId,
          name: g.name,
          participant_count: g.participants.length,
          participants: g.participants,
          updated_at: now(),
        });
      }
    },
    async contacts(e) {
      const tenantId = tenants.get(e.sessionId);
      if (tenantId) await d.store.contacts.upsertFromSession(tenantId, e.sessionId, e.contacts);
    },
  };

  const release = async (sessionId: string, logout: boolean) => {
    if (transport?.isRunning(sessionId)) await transport.stop(sessionId, { logout });
    if (owned.delete(sessionId)) await d.store.sessions.releaseLease(sessionId, d.owner);
  };

  /** Brings one session to its desired state (a session outside this host's shards is left to their owner). */
  const sync = async (tenantId: string, sessionId: string) => {
    // A host handing over takes nothing new (the next host syncs the session itself).
    if (!transport || shuttingDown || !inScope(sessionId)) return;
    tenants.set(sessionId, tenantId);
    const s: Session | undefined = await d.store.sessions.get(tenantId, sessionId, true);
    if (!s || s.desired === "stopped") {
      await release(sessionId, !s);
      if (!s) await Jobs.pauseSessionJobs(d, tenantId, sessionId);
      return;
    }
    if (s.transport !== transport.name) return;
    if (owned.has(sessionId) && transport.isRunning(sessionId)) return;
    if (!(await d.store.sessions.acquireLease(sessionId, d.owner, d.clock.now(), LEASE_TTL_MS))) {
      d.logger.info({ session_id: sessionId }, "session is owned by another host");
      await retryWhenFree(tenantId, sessionId);
      return;
    }
    if (!owned.has(sessionId)) {
      // Fenced by the lease: whoever claimed sends on this session before us can no longer record them.
      const settled = await Jobs.recoverSession(d, tenantId, sessionId);
      if (settled) d.logger.warn({ session_id: sessionId, unknown: settled }, "sends interrupted under the previous owner are unknown (never resent)");
      d.logger.info({ session_id: sessionId }, "session lease taken");
    }
    owned.add(sessionId);
    await transport.start({ tenantId, sessionId });
  };

  /**
   * The previous holder (a worker that crashed or lost the shard) still has the lease: try again the
   * moment it runs out, so the session resumes within the lease time, not a sync round later.
   */
  const retryWhenFree = async (tenantId: string, sessionId: string) => {
    if (retries.has(sessionId)) return;
    const lease = await d.store.sessions.leaseOf(sessionId);
    const wait = lease ? lease.expires_at - d.clock.now() + 50 : 0;
    if (wait > LEASE_TTL_MS + 1000) return;
    const timer = setTimeout(
      () => {
        retries.delete(sessionId);
        void sync(tenantId, sessionId).catch((e) => d.logger.warn({ err: e, session_id: sessionId }, "session sync failed"));
      },
      Math.max(0, wait),
    );
    timer.unref();
    retries.set(sessionId, timer);
  };

  const renew = async () => {
    for (const id of owned) {
      if (!(await d.store.sessions.acquireLease(id, d.owner, d.clock.now(), LEASE_TTL_MS).catch(() => true))) {
        d.logger.warn({ session_id: id }, "lost the session lease; stopping it here");
        owned.delete(id);
        if (transport?.isRunning(id)) await transport.stop(id, { logout: false });
      }
    }
  };

  const syncAll = async () => {
    for (const s of await d.store.sessions.all()) {
      if (!inScope(s.id)) continue;
      // Sessions this host already runs need no consistent re-read every round: a change of their
      // desired state arrives as a session.sync message, which syncs with a consistent read.
      if (owned.has(s.id) && transport?.isRunning(s.id) && s.desired === "running") continue;
      await sync(s.tenant_id, s.id).catch((e) => d.logger.error({ err: e, session_id: s.id }, "session sync failed"));
    }
    if (!renewTimer && !shuttingDown) {
      // Renew what we own; pick up sessions whose lease expired (a crashed owner) or that were missed.
      renewTimer = setInterval(() => {
        // A round that ends, even failed (the store unreachable), shows the loop turns: liveness must
        // not replace every task of the fleet at once for a DynamoDB blip (the store has its own alarm).
        void renew()
          .then(syncAll)
          .catch((e) => d.logger.warn({ err: e }, "session sync round failed"))
          .finally(() => {
            lastRoundAt = d.clock.now();
          });
      }, RENEW_MS);
      renewTimer.unref();
    }
  };

  const clearRetries = () => {
    for (const t of retries.values()) clearTimeout(t);
    retries.clear();
  };

  return {
    events,
    attach(t: Transport) {
      transport = t;
    },
    sync,
    syncAll,
    async pair(tenantId: string, sessionId: string, phone: string) {
      if (!transport || !owned.has(sessionId)) return;
      const code = await transport.requestPairingCode(sessionId, phone).catch((err) => {
        // Not pairable here (already registered, no QR shown): the API's wait ends with its timeout.
        d.logger.warn({ err, session_id: sessionId }, "pairing code refused");
        return undefined;
      });
      if (!code) return;
      await d.store.sessions.setStatus(tenantId, sessionId, { status: "qr", pairing_code: code }, now());
    },
    owns: (sessionId: string) => owned.has(sessionId) && !shuttingDown,
    /** Where a session is hosted, for the sender: here, soon (in our shards, lease not yet ours), elsewhere. */
    hosts: (sessionId: string): "here" | "soon" | "elsewhere" =>
      owned.has(sessionId) && !shuttingDown ? "here" : inScope(sessionId) && !shuttingDown ? "soon" : "elsewhere",
    /** Sessions running here. */
    count: () => owned.size,
    /** A shard came to this worker: its sessions start here (each as its lease comes free). */
    async syncWhere(which: (sessionId: string) => boolean) {
      const mine = (await d.store.sessions.all()).filter((s) => which(s.id));
      // Eight at a time: a shard taken over from a dead worker resumes all its sessions together.
      for (let i = 0; i < mine.length; i += 8) {
        await Promise.all(
          mine.slice(i, i + 8).map((s) => sync(s.tenant_id, s.id).catch((e) => d.logger.error({ err: e, session_id: s.id }, "session sync failed"))),
        );
      }
    },
    /** A shard leaves this worker: its sessions stop here (still meant to run: no status change) and their leases are released. */
    async releaseWhere(which: (sessionId: string) => boolean) {
      for (const [id, timer] of retries) {
        if (!which(id)) continue;
        clearTimeout(timer);
        retries.delete(id);
      }
      for (const id of [...owned]) {
        if (!which(id)) continue;
        owned.delete(id);
        if (transport?.isRunning(id)) await transport.stop(id, { logout: false }).catch(() => {});
        await d.store.sessions.releaseLease(id, d.owner).catch(() => {});
      }
    },
    /** Shutting down: releases the leases of the sessions `idle` says have no send under way. */
    async releaseIdle(idle: (sessionId: string) => boolean) {
      shuttingDown = true;
      clearRetries();
      if (renewTimer) clearInterval(renewTimer);
      for (const id of [...owned]) if (idle(id)) await release(id, false).catch(() => {});
    },
    /** Epoch ms of the last renew-and-sync round that ended, done or failed (every 10 s while the loop turns). */
    lastRoundAt: () => lastRoundAt,
    async stop() {
      shuttingDown = true;
      clearRetries();
      if (renewTimer) clearInterval(renewTimer);
      for (const id of [...owned]) await release(id, false).catch(() => {});
      // Receipts that came in before the sockets closed are written, not dropped.
      await receipts.drain().catch((e) => d.logger.warn({ err: e }, "receipts not recorded at shutdown"));
      await inbound.drain().catch((e) => d.logger.warn({ err: e }, "inbound messages not recorded at shutdown"));
    },
  };
};

export type SessionHost = ReturnType<typeof createSessionHost>;
