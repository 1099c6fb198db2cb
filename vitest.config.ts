import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/e2e/**/*.test.ts", "test/integration/**/*.test.ts", "test/infra/**/*.test.ts"],
    // The crash rounds (SIGKILL mid-job, 75 s a round) run in `npm run test:faults`, ten of them; CI runs both.
    exclude: ["**/node_modules/**", "test/e2e/crash.test.ts"],
    globalSetup: ["test/setup/global.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    isolate: false,
    env: { AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: "1" },
  },
});
