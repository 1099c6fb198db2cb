import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { newTenant, runtime, sandbox } from "../helpers/api";

describe("foundation over HTTP", () => {
  it("answers /health without a key and shows the business plan for the development key", async () => {
    expect((await sandbox().get("/health")).status).toBe(200);
    const usage = await runtime().get("/usage/current");
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({ plan: "business", total_messages: 0, limit_messages: 3000, usage_percentage: 0 });
  });

  it("refuses a missing or unknown key with 401 in the error format", async () => {
    const none = await sandbox().get("/api/v2/custom-groups");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("auth.missing_key");
    const bad = await runtime().raw("GET", "/custom-groups", undefined, { "X-API-Key": "ok_not_a_real_key_at_all" });
    expect(bad.status).toBe(401);
    expect(bad.body.error.message).toMatch(/unknown or was revoked/);
  });

  it("accepts Authorization: Bearer", async () => {
    const { key } = await newTenant("starter");
    const res = await sandbox().raw("GET", "/api/v2/custom-groups", undefined, { Authorization: `Bearer ${key}` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ groups: [], next_cursor: null });
  });

  it("refuses a key without the needed scope with 403, and manage implies read", async () => {
    const readOnly = await newTenant("business", ["custom-groups:read"]);
    expect((await readOnly.api.get("/custom-groups")).status).toBe(200);
    const write = await readOnly.api.post("/custom-groups", { name: "x" });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe("auth.scope_missing");
    const manage = await newTenant("business", ["custom-groups:manage"]);
    expect((await manage.api.get("/custom-groups")).status).toBe(200);
    expect((await manage.api.get("/bulk-send")).status).toBe(403);
  });

  it("answers a body that is not JSON with 400 and an unknown route with 404, both in the error format", async () => {
    const bad = await runtime().raw("POST", "/custom-groups", "{not json", { "content-type": "application/json" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("request.malformed");
    const missing = await runtime().get("/no-such-thing");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "route.not_found" });
  });

  it("echoes a request id on every response", async () => {
    const res = await runtime().get("/usage/current", { "X-Request-Id": "abc-123" });
    expect(res.headers.get("x-request-id")).toBe("abc-123");
    const gen = await runtime().get("/usage/current");
    expect(gen.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("serves an OpenAPI 3.1 document that passes a validator, and a docs page", async () => {
    const doc = await sandbox().get("/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    await expect(SwaggerParser.validate(structuredClone(doc.body))).resolves.toBeTruthy();
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(["/custom-groups", "/bulk-send", "/sessions", "/usage/current"]));
    const docs = await sandbox().get("/docs");
    expect(docs.status).toBe(200);
    expect(docs.text).toContain("/api/v2/custom-groups/{id}/members/add");
  });
});
