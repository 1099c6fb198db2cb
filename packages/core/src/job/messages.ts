import * as z from "zod/mini";

// zod's mini build: a consumer that only parses queue messages (the events and repair Lambdas) does
// not carry zod's classic build, which the API's schemas need (BENCHMARKS.md, "Bundles").

/** Queue messages of bulk sends (the events queue plans and snapshots; the sends queue carries one message each). */
export const JobSnapshot = z.object({ type: z.literal("job.snapshot"), tenant_id: z.string(), job_id: z.string() });
export const JobPlan = z.object({ type: z.literal("job.plan"), tenant_id: z.string(), job_id: z.string(), epoch: z.int() });
export const JobFinalize = z.object({ type: z.literal("job.finalize"), tenant_id: z.string(), job_id: z.string() });

/** One recipient's message, queued with a delay so that it arrives ~2 s before its slot. */
export const Send = z.object({
  type: z.literal("send"),
  tenant_id: z.string(),
  job_id: z.string(),
  session_id: z.string(),
  phone: z.string(),
  slot_at: z.number(),
  epoch: z.int(),
  attempt: z.int(),
  min_gap_ms: z.number(),
  name: z.nullable(z.string()),
  /** The member's custom fields for the template (ours; absent when none). */
  fields: z.optional(z.record(z.string(), z.string())),
});
export type SendMessage = z.infer<typeof Send>;

/** Plan the job's next window (only at this planning epoch: a re-plan makes older plan messages stale). */
export const planMessage = (j: { tenant_id: string; id: string; plan_epoch: number }) => ({
  type: "job.plan" as const,
  tenant_id: j.tenant_id,
  job_id: j.id,
  epoch: j.plan_epoch,
});

export const snapshotMessage = (tenantId: string, jobId: string) => ({ type: "job.snapshot" as const, tenant_id: tenantId, job_id: jobId });
