import * as z from "zod";
import { PacingPolicy } from "../pacing";

/** A session as the API shows it (an allow-list: no QR, pairing code, pacing timeline or lease). */
export const SessionView = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(["starting", "qr", "working", "failed", "stopped"]),
  status_reason: z.string().nullable(),
  phone: z.string().nullable(),
  transport: z.enum(["sandbox", "baileys"]),
  created_at: z.string(),
  updated_at: z.string(),
  /** *(ours)* The pacing policy every job on the session sends under (PATCH /sessions/{id} to change it). */
  pacing: PacingPolicy,
  /** *(ours)* What the policy risks on a real number, when a safeguard is off. */
  pacing_warnings: z.array(z.string()),
});
export type SessionView = z.infer<typeof SessionView>;
