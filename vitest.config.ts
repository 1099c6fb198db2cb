import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/e2e/**/*.test.ts", "test/integration/**/*.test.ts", "test/infra/**/*.test.ts"],
    globalSetup: ["test/setup/global.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    // One crash round here keeps `npm test` short; `npm run test:faults` runs ten.
    env: { AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: "1", OUTREACH_CRASH_ROUNDS: "1" },
  },
});
