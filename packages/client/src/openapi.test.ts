import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generate, SCHEMA_FILE } from "./generate";

describe("@outreach/client's generated types", () => {
  it("match the API's OpenAPI document as it is now (else: npm run generate -w @outreach/client)", async () => {
    const current = readFileSync(SCHEMA_FILE, "utf8");
    const fresh = await generate();
    expect(current === fresh, "packages/client/src/openapi.ts is stale: run npm run generate -w @outreach/client and commit it").toBe(true);
    expect(fresh).toContain('"/bulk-send/preview"');
  });
});
