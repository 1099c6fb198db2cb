import fc from "fast-check";
import { describe, expect, inject, it } from "vitest";
import { groupWith, newTenant, sandbox, workingSession } from "../helpers/api";

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; anyOf?: Schema[]; required?: string[] };
type Op = { method: string; path: string; body?: Schema };

/** Values a careless or hostile client sends: wrong types, huge strings, odd Unicode, nesting. */
const junk = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\ud83d",
    "‮RTL",
    "𝕏".repeat(100),
    "9".repeat(5000),
    "x".repeat(70_000),
    "=cmd|'/c calc'!A1",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "null",
    "NaN",
  ),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e308),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 4 }),
  fc.array(fc.record({ phone: fc.oneof(fc.string(), fc.integer()), name: fc.oneof(fc.string(), fc.constant(null)) }), { maxLength: 3 }),
);

/** A plausible value for a schema, so some requests get past validation and reach the domain. */
const plausible = (s: Schema | undefined): fc.Arbitrary<unknown> => {
  if (!s) return junk;
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.anyOf?.length) return fc.oneof(...s.anyOf.map(plausible));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "string":
      return fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom("+5511999990001", "09:00", "UTC", "Asia/Shanghai", "0 9 * * *", "2030-01-01T00:00:00Z", "https://example.com/a.png"),
      );
    case "integer":
    case "number":
      return fc.integer({ min: -5, max: 5000 });
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(plausible(s.items), { maxLength: 3 });
    case "object":
      return bodyFor(s);
    default:
      return junk;
  }
};

const bodyFor = (s: Schema | undefined): fc.Arbitrary<unknown> => {
  const props = Object.entries(s?.properties ?? {});
  if (props.length === 0) return fc.oneof(junk, fc.constant({}));
  return fc.record(Object.fromEntries(props.map(([k, v]) => [k, fc.oneof(plausible(v), junk)])), { requiredKeys: [] });
};

describe("fuzzing every endpoint from the OpenAPI document", () => {
  it("never answers 5xx, and a refused request never leaves a partial write", async () => {
    const t = await newTenant("business");
    const session = await workingSession(t.api);
    const g = await groupWith(t.api, 2);
    const doc = (await sandbox().get("/openapi.json")).body as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
    };
    const ops: Op[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, body: op.requestBody?.content?.["application/json"]?.schema })),
    );
    expect(ops.length).toBeGreaterThanOrEqual(40);
    const realIds = [g.id, session.id, "grp_00000000000000000000000000", "bulk_00000000000000000000000000"];
    const id = fc.oneof(fc.constantFrom(...realIds), fc.string({ maxLength: 30 }), fc.constantFrom("", "%2F..%2F", "x".repeat(500), "ñ", "%ZZ", "null"));
    const created: Record<string, number> = {};
    const failures: string[] = [];

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops),
        id,
        fc.oneof(bodyFor(undefined), fc.constant(undefined)),
        fc.nat(),
        fc.constantFrom("json", "text", "raw", "none"),
        fc.constantFrom("key", "bearer", "bad", "none", "long"),
        fc.option(fc.constantFrom("k1", "x".repeat(300), "ünï", " spaced key "), { nil: undefined }),
        async (op, idValue, freeBody, seed, encoding, auth, idem) => {
          const path = op.path.replace(/\{[a-z_]+\}/g, () => encodeURIComponent(String(idValue)).slice(0, 600) || "x");
          const body = op.body ? fc.sample(bodyFor(op.body), { seed, numRuns: 1 })[0] : freeBody;
          const headers: Record<string, string> = {};
          if (auth === "key") headers["X-API-Key"] = t.key;
          if (auth === "bearer") headers.Authorization = `Bearer ${t.key}`;
          if (auth === "bad") headers["X-API-Key"] = "ok_wrong_but_long_enough_key";
          if (auth === "long") headers.Authorization = `Bearer ${"a".repeat(4000)}`;
          if (idem) headers["Idempotency-Key"] = encodeURIComponent(idem);
          let payload: string | undefined;
          if (op.method !== "GET" && op.method !== "DELETE") {
            if (encoding === "json") {
              headers["content-type"] = "application/json";
              payload = JSON.stringify(body ?? {});
            } else if (encoding === "text") {
              headers["content-type"] = "text/plain";
              payload = typeof body === "string" ? body : JSON.stringify(body ?? null);
            } else if (encoding === "raw") {
              headers["content-type"] = "application/json";
              payload = `{"name": "${"\\ud800"}", broken`;
            }
          }
          const res = await fetch(`${inject("runtimeUrl")}/api/v2${path}?limit=${seed % 300}&cursor=${seed % 7 === 0 ? "%FF" : ""}`, {
            method: op.method,
            headers,
            body: payload,
          });
          await res.arrayBuffer();
          if (res.status >= 500) failures.push(`${op.method} ${path} → ${res.status} (${encoding}, ${payload?.slice(0, 200)})`);
          if (res.status === 201) created[op.path] = (created[op.path] ?? 0) + 1;
          return res.status < 500;
        },
      ),
      { numRuns: Number(process.env.OUTREACH_FUZZ_RUNS ?? 400), seed: Number(process.env.OUTREACH_FUZZ_SEED ?? 20261125) },
    );
    expect(failures).toEqual([]);

    // Everything that exists was answered 201 (idempotent replays answer 201 too, so ≤).
    const count = async (path: string, field: string) => {
      const r = await t.api.get(`${path}?limit=200`);
      return (r.body[field] as unknown[]).length;
    };
    expect(await count("/custom-groups", "groups")).toBeLessThanOrEqual(1 + (created["/custom-groups"] ?? 0) + (created["/custom-groups/from-wa-groups"] ?? 0));
    expect(await count("/scheduled-messages", "messages")).toBeLessThanOrEqual(created["/scheduled-messages"] ?? 0);
    expect(await count("/reports", "reports")).toBeLessThanOrEqual(created["/reports"] ?? 0);
    expect(await count("/bulk-send", "jobs")).toBeLessThanOrEqual(created["/bulk-send"] ?? 0);
    expect((await t.api.get("/sessions")).body.length).toBeLessThanOrEqual(1 + (created["/sessions"] ?? 0));
    // A group's counter always equals its members.
    for (const grp of (await t.api.get("/custom-groups?limit=200")).body.groups as { id: string; member_count: number }[]) {
      const exported = (await t.api.get(`/custom-groups/${grp.id}/export/json`)).body as unknown[];
      expect(exported.length, grp.id).toBe(grp.member_count);
    }
  });
});
