import { describe, expect, it } from "vitest";
import { WATCH_GRACE_MS } from "./planner";
import type { Job } from "./port";
import { isStalled } from "./reconcile";

const now = 10_000_000;
const job = (over: Partial<Job>) => ({ status: "running", pending_count: 10, watch_at: now - 1, ...over }) as Job;

describe("stall watchdog", () => {
  it("presumes a running job's queued sends lost once it is past watch_at with no send within the grace", () => {
    expect(isStalled(job({}), now)).toBe(true);
    expect(isStalled(job({ progress_at: now - WATCH_GRACE_MS - 1 }), now)).toBe(true);
  });

  it("leaves a job alone that is still working through a backlog (a send recorded within the grace)", () => {
    expect(isStalled(job({ progress_at: now - 5_000 }), now)).toBe(false);
  });

  it("leaves alone jobs before watch_at, with nothing pending, or not running", () => {
    expect(isStalled(job({ watch_at: now + 1 }), now)).toBe(false);
    expect(isStalled(job({ pending_count: 0 }), now)).toBe(false);
    expect(isStalled(job({ status: "paused" }), now)).toBe(false);
  });
});
