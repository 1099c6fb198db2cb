/** A confirmation token as stored: only its hash, the request it was issued for, and its use. */
export interface Confirmation {
  tenant_id: string;
  token_hash: string;
  /** The API key it was issued to; another key cannot use it. */
  key_id: string;
  /** SHA-256 of the canonical request it confirms. */
  request_hash: string;
  issued_at: number;
  expires_at: number;
  /** Set once, when the token is used; with the id of the job it created. */
  used_at?: number;
  job_id?: string;
}

/** Confirmation tokens of agents' sends (MCP), one item each, expiring by TTL. */
export interface ConfirmationRepo {
  put(c: Confirmation): Promise<void>;
  /**
   * Marks the token used for `jobId` when it exists, is unused and unexpired at `now`, and was issued
   * to `keyId` for `requestHash`, in one conditional write. Otherwise returns the stored record (if
   * any), so the caller can say why it was refused, or replay the job of a repeated request.
   */
  use(
    tenantId: string,
    tokenHash: string,
    check: { keyId: string; requestHash: string; now: number; jobId: string },
  ): Promise<{ used: true } | { used: false; existing: Confirmation | undefined }>;
}
