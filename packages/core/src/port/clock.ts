/** Time source, injected everywhere so pacing, schedules and leases are testable with fixed time. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export const iso = (ms: number) => new Date(ms).toISOString();
