import { defineConfig } from "vitest/config";

/**
 * `npm run test:stage`: the deployed shape, run here (test/stage/stage.ts). The global setup builds the
 * bundles exactly as `scripts/bundle.mjs` does for a deploy; the suite then runs them on Node 22.
 */
export default defineConfig({
  test: {
    include: ["test/stage/**/*.test.ts"],
    globalSetup: ["test/stage/setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    env: { AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: "1" },
  },
});
