/** A message the sandbox transport sent (local only): its outbox row. */
export interface SandboxMessage {
  id: string;
  session_id: string;
  to: string;
  type: "text" | "media";
  text: string | null;
  media_url: string | null;
  sent_at: string;
  status: "sent" | "delivered" | "read";
}
