import { randomBytes } from "node:crypto";
import { createIds } from "@outreach/core/id";
import type { MonitoredGroup } from "@outreach/core/monitor";
import * as Review from "@outreach/core/review";
import type { Webhook } from "@outreach/core/webhook";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { sessionRecord } from "../../../../test/helpers/records";
import { createDb, createStore, ensureTable } from ".";

/** Issue 29: every plan cap holds under 40 parallel creates (DynamoDB Local, one table for this file). */
const db = createDb({ table: `caps-${randomBytes(4).toString("hex")}`, endpoint: inject("dynamoEndpoint") });
const store = createStore(db);
beforeAll(() => ensureTable(db));

const tenant = async (plan: "pro" | "business" = "pro") => {
  const id = `ten_${randomBytes(6).toString("hex")}`;
  await store.tenants.create({ id, name: "t", plan, created_at: new Date().toISOString() });
  return id;
};
const at = new Date().toISOString();
const race = <T>(make: (i: number) => Promise<T>) => Promise.all(Array.from({ length: 40 }, (_, i) => make(i)));

describe("plan caps are counted atomically (40 parallel creates, cap 5)", () => {
  it("sessions", async () => {
    const t = await tenant();
    const res = await race((i) => store.sessions.create(sessionRecord({ id: `ses_${i}${randomBytes(3).toString("hex")}`, tenant_id: t }), 5));
    expect(res.filter((r) => r === "ok")).toHaveLength(5);
    expect(await store.sessions.list(t)).toHaveLength(5);
  });

  it("monitored groups", async () => {
    const t = await tenant();
    const res = await race((i) =>
      store.monitors.create(
        {
          id: `mgr_${i}${randomBytes(3).toString("hex")}`,
          tenant_id: t,
          session_id: "ses_1",
          wa_group_id: `${i}@g.us`,
          name: "g",
          monitor_mode: "all",
          monitor_keywords: [],
          is_active: true,
          created_at: at,
          updated_at: at,
        } as unknown as MonitoredGroup,
        5,
      ),
    );
    expect(res.filter((r) => r === "ok")).toHaveLength(5);
    expect(await store.monitors.list(t)).toHaveLength(5);
  });

  it("webhooks", async () => {
    const t = await tenant();
    const res = await race((i) =>
      store.webhooks.create(
        {
          id: `wh_${i}${randomBytes(3).toString("hex")}`,
          tenant_id: t,
          name: "w",
          url: "https://example.com/h",
          events: [],
          secret: "s",
          is_active: true,
          created_at: at,
          updated_at: at,
        } as unknown as Webhook,
        5,
      ),
    );
    expect(res.filter((r) => r === "ok")).toHaveLength(5);
    expect(await store.webhooks.list(t)).toHaveLength(5);
  });

  it("review collectors, through the domain's create (pro: 5), and a deleted one gives its place back", async () => {
    const t = await tenant("pro");
    await store.sessions.create(sessionRecord({ id: "ses_rc", tenant_id: t }), null);
    const d = { store, ids: createIds(), clock: { now: () => Date.now() }, queue: { send: async () => {} } } as never;
    const res = await race((i) =>
      Review.createCollector(d, t, { name: `c${i}`, session_id: "ses_rc" }).then(
        (c) => ({ ok: true as const, id: c.id }),
        (e: { code?: string }) => ({ ok: false as const, code: e.code }),
      ),
    );
    expect(res.filter((r) => r.ok)).toHaveLength(5);
    expect(res.filter((r) => !r.ok).every((r) => !r.ok && r.code === "plan.collector_limit")).toBe(true);
    expect(await store.reviews.listCollectors(t)).toHaveLength(5);
    const first = res.find((r) => r.ok);
    await Review.removeCollector(d, t, first?.ok ? first.id : "");
    await expect(Review.createCollector(d, t, { name: "again", session_id: "ses_rc" })).resolves.toMatchObject({ name: "again" });
    await expect(Review.createCollector(d, t, { name: "one more", session_id: "ses_rc" })).rejects.toMatchObject({ code: "plan.collector_limit" });
  });
});
