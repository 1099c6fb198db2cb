import { hc } from "hono/client";
import { describe, expect, inject, it } from "vitest";
import type { AppType } from "../../packages/api/src/app";
import { newTenant, phones } from "../helpers/api";

/** The app's type carries every route: `hc<AppType>` is a typed client of a running runtime. */
describe("typed client (hc<AppType>)", () => {
  it("creates a group, adds members, reads it back, and gets the 404 of an unknown job, through typed calls", async () => {
    const { key } = await newTenant("pro");
    const client = hc<AppType>(`${inject("runtimeUrl")}/api/v2`, { headers: { "X-API-Key": key } });
    const [a, b] = phones(2) as [string, string];

    const created = await client["custom-groups"].$post({ json: { name: "typed", members: [{ phone: a, name: "Ana" }] } });
    expect(created.status).toBe(201);
    if (created.status !== 201) return;
    const group = await created.json();
    expect(group.member_count).toBe(1);

    const added = await client["custom-groups"][":id"].members.add.$post({ param: { id: group.id }, json: { contacts: [{ phone: b }] } });
    expect(added.status).toBe(200);

    const detail = await client["custom-groups"][":id"].$get({ param: { id: group.id }, query: {} });
    if (detail.status !== 200) throw new Error(`group read failed: ${detail.status}`);
    const body = await detail.json();
    expect(body.member_count).toBe(2);
    expect(body.members.map((m) => m.phone).sort()).toEqual([a, b].sort());

    // Errors are typed too: an unknown job answers 404 with the error envelope.
    const missing = await client["bulk-send"][":id"].pause.$post({ param: { id: "job_missing" } });
    expect(missing.status).toBe(404);

    // A route that does not exist is a type error, not a runtime surprise.
    // @ts-expect-error no such route
    expect(client["custom-groups"].nope).toBeDefined();
  });
});
