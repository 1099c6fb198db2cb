import { z } from "zod";

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
});
export type SessionView = z.infer<typeof SessionView>;
