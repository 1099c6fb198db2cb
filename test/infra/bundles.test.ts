import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { writeConsole } from "../../packages/console/build.mjs";
import { lambdaSizes } from "../../scripts/bundle.mjs";

/**
 * What each Lambda's cold start loads (its entry and the chunks the entry imports statically; a
 * dynamic `import()` is a chunk loaded when it runs), built as a deploy builds it (scripts/bundle.mjs,
 * infra/nodejs.json). The budgets are issue 31's goals: 1,000 KiB for the API, 500 KiB for events and
 * repair (945, 483 and 489 KiB on 2026-12-07; BENCHMARKS.md, "Bundles").
 */
const KIB = 1024;
const BUDGET = { api: 1_000 * KIB, events: 500 * KIB, repair: 500 * KIB };

describe("the Lambda bundles", () => {
  it("load only what their role runs, within their budgets", { timeout: 120_000 }, async () => {
    if (!existsSync(new URL("../../packages/console/dist/assets.mjs", import.meta.url))) await writeConsole();
    const sizes = await lambdaSizes();
    for (const name of ["api", "events", "repair"] as const) {
      const s = sizes[name];
      expect(s.loadedBytes, `${name} loads ${Math.round(s.loadedBytes / KIB)} KiB at a cold start`).toBeLessThanOrEqual(BUDGET[name]);
      // nlp.js (sentiment: tables and lexicons) only in a chunk that runs when a message is scored.
      expect(
        s.loadedInputs.filter((f) => f.includes("node_modules/@nlpjs/")),
        name,
      ).toEqual([]);
      // No Lambda hosts a WhatsApp session.
      expect(
        s.allInputs.filter((f) => /node_modules\/(baileys|@whiskeysockets|libsignal)\//.test(f)),
        name,
      ).toEqual([]);
    }
    // The MCP server too is loaded at the first /mcp request, not at a cold start; so is the console.
    expect(sizes.api.loadedInputs.some((f) => f.includes("@modelcontextprotocol/sdk"))).toBe(false);
    expect(sizes.api.loadedInputs.some((f) => f.includes("packages/console/dist/assets.mjs"))).toBe(false);
    // The phone tables (libphonenumber-js/max) are a chunk of their own, loaded by the first request that reads a number.
    expect(sizes.api.loadedInputs.filter((f) => f.includes("node_modules/libphonenumber-js/"))).toEqual([]);
    expect(sizes.api.allInputs.some((f) => f.includes("node_modules/libphonenumber-js/metadata.max.json"))).toBe(true);
    // zod's messages in English only (its default); none of its other locales, which the API never selects
    // (zod's namespace is never a value: packages/api/src/openapi/).
    expect(sizes.api.loadedInputs.some((f) => f.endsWith("node_modules/zod/v4/locales/en.js"))).toBe(true);
    expect(sizes.api.loadedInputs.filter((f) => /node_modules\/zod\/v4\/locales\/(?!en\.js$)/.test(f))).toEqual([]);
    // The Lambdas that only parse queue messages do so with zod's mini build, without the classic one
    // (the API's schemas) nor the session host (not in their graph: @outreach/system/serverless).
    for (const name of ["events", "repair"] as const) {
      expect(
        sizes[name].loadedInputs.filter((f) => f.includes("node_modules/zod/v4/classic/")),
        name,
      ).toEqual([]);
      expect(
        sizes[name].loadedInputs.some((f) => f.includes("packages/system/src/hosting/")),
        name,
      ).toBe(false);
      // Nor the time zone and recurrence libraries: planning, firing and reports load them at first use.
      expect(
        sizes[name].loadedInputs.filter((f) => /node_modules\/(luxon|croner)\//.test(f)),
        name,
      ).toEqual([]);
      // Nor the inbound path's phone-number tables: the Lambdas' createSystem has no session host in its graph.
      expect(
        sizes[name].allInputs.filter((f) => /node_modules\/(libphonenumber-js)\//.test(f)),
        name,
      ).toEqual([]);
    }
  });
});
