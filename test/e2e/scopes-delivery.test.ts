import { describe, expect, inject, it } from "vitest";
import { createIds } from "../../packages/core/src/id";
import { systemClock } from "../../packages/core/src/port";
import { createKey } from "../../packages/core/src/tenant";
import { client, newTenant, workingSession } from "../helpers/api";

/** One rule for every action that can cause WhatsApp delivery: it needs `bulk-send:manage` besides the noun's scope. */
describe("scopes of actions that deliver by WhatsApp", () => {
  it("a WhatsApp report's create, change, run and resume need bulk-send:manage besides reports:manage (issue 29: resume did not)", async () => {
    const t = await newTenant("business");
    const session = await workingSession(t.api);
    const deps = { store: t.store, ids: createIds(), clock: systemClock };
    const reportsOnly = client(inject("runtimeUrl"), (await createKey(deps, { tenantId: t.tenantId, name: "r", scopes: ["reports:manage"] })).key);
    const both = client(
      inject("runtimeUrl"),
      (await createKey(deps, { tenantId: t.tenantId, name: "rb", scopes: ["reports:manage", "bulk-send:manage"] })).key,
    );
    const body = {
      name: "r",
      template_id: "session_health",
      schedule_type: "daily",
      time_of_day: "08:00",
      delivery_method: "whatsapp",
      session_id: session.id,
    };
    const refusedCreate = await reportsOnly.post("/reports", body);
    expect(refusedCreate.status).toBe(403);
    const id = (await both.post("/reports", body)).body.id as string;
    expect((await both.post(`/reports/${id}/pause`)).status).toBe(200);
    for (const [method, path, payload] of [
      ["POST", `/reports/${id}/resume`, {}],
      ["POST", `/reports/${id}/run`, {}],
      ["PATCH", `/reports/${id}`, { name: "x" }],
    ] as const) {
      const res = await reportsOnly.raw(method, path, payload);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toMatchObject({ code: "auth.scope_missing", message: expect.stringMatching(/bulk-send:manage/) });
    }
    expect((await both.post(`/reports/${id}/resume`)).status).toBe(200);
    // A dashboard report needs reports:manage only.
    const dash = (await reportsOnly.post("/reports", { ...body, delivery_method: "dashboard", session_id: undefined })).body.id as string;
    expect((await reportsOnly.post(`/reports/${dash}/pause`)).status).toBe(200);
    expect((await reportsOnly.post(`/reports/${dash}/resume`)).status).toBe(200);
  });
});
