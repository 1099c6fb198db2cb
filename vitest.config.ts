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
    // Three files at a time on two cores: the suite waits on pacing, timers and other processes more
    // than it computes (≈ 1.3 cores busy on average with two). Modules are shared within a worker
    // (isolate: false): no test file mutates a module's state, and importing the app once per file
    // cost more than a minute of the suite's CPU.
    maxWorkers: 3,
    isolate: false,
    env: { AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: "1" },
  },
});
