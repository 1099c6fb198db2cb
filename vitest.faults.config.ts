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
 * media, webhooks, handover), two at a time; then a fleet worker killed (3 workers, 60 sessions) alone;
 * then workers added to a fleet alone; then the load test alone, so its latencies measure the API and
 * not a neighbouring suite's JVM restarts on the same two cores.
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
          exclude: ["test/faults/load.test.ts", "test/faults/fleet.test.ts", "test/faults/fleet-rebalance.test.ts"],
          sequence: { groupOrder: 0 },
        },
      },
      // The fleet suites' takeover times and gaps are behaviour under test: each gets the machine to itself.
      { test: { ...shared, name: "fleet", include: ["test/faults/fleet.test.ts"], sequence: { groupOrder: 1 } } },
      { test: { ...shared, name: "fleet-rebalance", include: ["test/faults/fleet-rebalance.test.ts"], sequence: { groupOrder: 2 } } },
      { test: { ...shared, name: "load", include: ["test/faults/load.test.ts"], sequence: { groupOrder: 3 } } },
    ],
  },
});
