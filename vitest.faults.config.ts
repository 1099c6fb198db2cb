import { defineConfig } from "vitest/config";

/** `npm run test:faults`: the slow fault-injection suites (crash rounds, store outage, queue loss, load). */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts", "test/e2e/crash.test.ts"],
    globalSetup: ["test/setup/global.ts"],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    env: { AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: "1", OUTREACH_CRASH_ROUNDS: "10" },
  },
});
