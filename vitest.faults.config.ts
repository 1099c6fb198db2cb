import { defineConfig } from "vitest/config";

const shared = {
  globalSetup: ["test/setup/global.ts"],
  testTimeout: 900_000,
  hookTimeout: 120_000,
  pool: "forks" as const,
  env: { AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: "1", OUTREACH_CRASH_ROUNDS: "10" },
};

/**
 * `npm run test:faults`: the slow fault-injection suites (crash rounds, store outage, queue loss, slow
 * media, webhooks, handover, workers added to a fleet), two at a time; then a fleet worker killed (3
 * workers, 60 sessions) alone; then the load test alone, so its latencies measure the API and not a
 * neighbouring suite's JVM restarts on the same two cores.
 */
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...shared,
          name: "faults",
          include: ["test/faults/**/*.test.ts", "test/e2e/crash.test.ts"],
          exclude: ["test/faults/load.test.ts", "test/faults/fleet.test.ts"],
          sequence: { groupOrder: 0 },
        },
      },
      // The killed worker's takeover times are behaviour under test: its 4 processes get the machine to themselves.
      { test: { ...shared, name: "fleet", include: ["test/faults/fleet.test.ts"], sequence: { groupOrder: 1 } } },
      { test: { ...shared, name: "load", include: ["test/faults/load.test.ts"], sequence: { groupOrder: 2 } } },
    ],
  },
});
