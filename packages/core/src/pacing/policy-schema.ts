import * as z from "zod";

// Its own module: the API validates and documents it; a role that only paces (the events Lambda)
// imports the rules below without zod's classic build (core is side-effect free: "sideEffects": false).

/**
 * A session's pacing policy *(ours)*: the ceiling every job on the session sends under. A job's own
 * delays apply inside it — the effective gap is the stricter of the two.
 */
export const PacingPolicy = z.object({
  /** At most `max` messages in any `window_seconds` (sliding window); null: no burst limit. */
  burst: z.object({ max: z.number().int().min(1).max(1000), window_seconds: z.number().int().min(1).max(86_400) }).nullable(),
  /** Never two messages closer than this on the session, whatever a job asks for. */
  min_gap_seconds: z.number().int().min(0).max(3600),
  /** At most this many messages per UTC day on the session; null: no cap. */
  daily_cap: z.number().int().min(1).max(1_000_000).nullable(),
  /** The warm-up curve for a newly paired number (see WARMUP_CAPS); applies for its first 14 days. */
  warmup: z.boolean(),
});
export type PacingPolicy = z.infer<typeof PacingPolicy>;
