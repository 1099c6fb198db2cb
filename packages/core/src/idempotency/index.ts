/** `Idempotency-Key` records: the first request with a key runs, later ones get its stored answer. */
export type IdempotencyRecord = { state: "in_progress"; request_hash: string } | { state: "done"; request_hash: string; status: number; body: string };

export interface IdempotencyRepo {
  claim(tenantId: string, key: string, requestHash: string, now: number): Promise<IdempotencyRecord | null>;
  complete(tenantId: string, key: string, status: number, body: string): Promise<void>;
  release(tenantId: string, key: string): Promise<void>;
}
