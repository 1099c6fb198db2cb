import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createIds } from "../../packages/core/src/id";
import { createSender, recoverSession } from "../../packages/core/src/job";
import { type Outbound, type Store, systemClock, type Transport } from "../../packages/core/src/port";
import { createLanes } from "../../packages/system/src/lane";
import { store, useTable } from "../helpers/baileys-fixture";
import { jobRecord, sendMessage } from "../helpers/records";

useTable();

/**
 * Crash safety at every point of the send path, deterministically (issue 35): a process whose store
 * dies at its k-th call of the jobs and recipients repositories (every call after it fails too, as a
 * killed process makes none), for every k of a clean run; then what a new owner does — the lease-fenced
 * start-up recovery, and the queue's redelivery of every message the dead process never deleted.
 * Whatever k: nobody gets the message twice, and the job's counters equal its recipients' states.
 * (The random SIGKILL rounds of whole runtimes stay in `npm run test:faults`.)
 */
class Crash extends Error {}

const dyingAt = (k: number, calls: { n: number }): Store => {
  const wrap = <T extends object>(repo: T): T =>
    new Proxy(repo, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => {
          calls.n++;
          if (calls.n >= k) throw new Crash(`crashed at store call ${calls.n}`);
          return v.apply(target, args);
        };
      },
    });
  return { ...store, jobs: wrap(store.jobs), recipients: wrap(store.recipients) };
};

const PHONES = 3;

const scenario = async (k: number) => {
  const tenantId = `ten_${randomBytes(5).toString("hex")}`;
  const job = jobRecord({
    id: `bulk_${randomBytes(5).toString("hex")}`,
    tenant_id: tenantId,
    session_id: "ses_crash",
    status: "running",
    total_recipients: PHONES,
    quota_held: PHONES,
    quota_month: "2026-12",
  });
  await store.jobs.create(job, PHONES, null);
  const ref = { tenant_id: tenantId, id: job.id, quota_month: job.quota_month };
  const phones = Array.from({ length: PHONES }, (_, i) => `+5511977700${String(i).padStart(3, "0")}`);
  const rows = phones.map((phone) => ({ phone, name: null, status: "pending" as const, attempts: 0, sent_at: null, error: null, message_id: null }));
  expect(await store.recipients.writeSnapshotChunk(ref, rows, null, phones.at(-1) as string, true)).toBe(true);

  // What WhatsApp received, whichever process sent it.
  const delivered: Outbound[] = [];
  const send = async (_s: string, m: Outbound) => {
    delivered.push(m);
    return { messageId: m.messageId };
  };
  const transport = { name: "sandbox", send } as unknown as Transport;
  const deps = (s: Store, claimant: string) => ({
    store: s,
    queue: { send: async () => {} } as never,
    clock: systemClock,
    ids: createIds(),
    timers: { arm: async () => {}, disarm: async () => {} },
    claimant,
  });
  const now = Date.now();
  const msgs = phones.map((phone, i) => sendMessage(job, phone, { slot_at: now + i }));

  const calls = { n: 0 };
  const dead = createSender(deps(dyingAt(k, calls), `dead-${k}`), transport, createLanes(systemClock));
  let crashed = false;
  for (const m of msgs) {
    try {
      await dead.handle(m);
    } catch (e) {
      if (!(e instanceof Crash)) throw e;
      crashed = true;
      break;
    }
  }
  // The next owner: recovery when it takes the session's lease, then every message again (none was deleted).
  const next = deps(store, `next-${k}`);
  await recoverSession(next, tenantId, job.session_id);
  const sender = createSender(next, transport, createLanes(systemClock));
  for (const m of msgs) await sender.handle(m);

  const final = await store.jobs.get(tenantId, job.id, true);
  const states = (await store.recipients.list(job.id, undefined, { limit: 50 })).items;
  return { crashed, calls: calls.n, delivered, final, states, phones };
};

describe("crash points of the send path (DynamoDB Local)", () => {
  it("at every store call of a run, nothing is sent twice and the counters equal the recipients' states", async () => {
    let k = 1;
    for (;;) {
      const r = await scenario(k);
      const to = r.delivered.map((m) => m.to.replace(/\D/g, ""));
      expect(new Set(to).size, `crash at call ${k}: a recipient got the message twice`).toBe(to.length);
      const count = (s: string) => r.states.filter((x) => x.status === s).length;
      // Sent means WhatsApp has it; a claim cut off between sending and recording is `unknown`, never resent.
      for (const x of r.states.filter((x) => x.status === "sent")) expect(to, `crash at call ${k}`).toContain(x.phone.replace(/\D/g, ""));
      expect(count("pending") + count("sending"), `crash at call ${k}: left unsettled`).toBe(0);
      expect(r.final, `crash at call ${k}`).toMatchObject({ sent_count: count("sent"), pending_count: 0 });
      expect(count("sent") + count("unknown") + count("failed"), `crash at call ${k}`).toBe(r.phones.length);
      if (!r.crashed) break; // k went past the last call of a clean run: every point was tried
      k++;
    }
    // A clean run makes several calls per recipient: the loop tried each of them as a crash point.
    expect(k).toBeGreaterThan(PHONES * 2);
  });
});
