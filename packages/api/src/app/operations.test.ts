import { describe, expect, it } from "vitest";
import { openApiDocument } from ".";
import { derivedOperationId, OPERATION_IDS } from "./operations";

const operations = () =>
  Object.entries(openApiDocument().paths ?? {}).flatMap(([path, ops]) =>
    Object.entries(ops as Record<string, { operationId?: string; "x-scopes"?: string[] }>).map(([method, op]) => ({
      key: `${method.toUpperCase()} ${path}`,
      op,
    })),
  );

describe("operationIds", () => {
  it("every operation of the document has its own entry in OPERATION_IDS (add one for a new route)", () => {
    const missing = operations()
      .filter(({ key }) => !(key in OPERATION_IDS))
      .map(({ key }) => key);
    expect(missing).toEqual([]);
    expect(Object.keys(OPERATION_IDS).filter((k) => !operations().some((o) => o.key === k))).toEqual([]);
  });

  it("are unique, camelCase, and the ones the document carries", () => {
    const ids = operations().map(({ key, op }) => {
      expect(op.operationId).toBe(OPERATION_IDS[key]);
      return op.operationId as string;
    });
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+[A-Za-z]*$/);
  });

  it("derives a readable id for a route not in the table yet", () => {
    expect(derivedOperationId("get", "/api-keys/{id}/usage")).toBe("getApiKeysUsage");
  });

  it("carries the scopes each route's requireScope checks", () => {
    const scopes = Object.fromEntries(operations().map(({ key, op }) => [key, op["x-scopes"]]));
    expect(scopes["GET /sessions"]).toEqual(["sessions:read"]);
    expect(scopes["POST /bulk-send/preview"]).toEqual(["bulk-send:manage", "custom-groups:read"]);
    expect(scopes["GET /usage/current"]).toBeUndefined();
  });
});
