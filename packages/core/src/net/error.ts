/** Why a guarded fetch failed; the sender maps it to a retry or a recorded failure. */
export type FetchErrorKind = "forbidden" | "too_large" | "timeout" | "http_status" | "network";

/** A guarded fetch that did not deliver a body. `message` is a human-readable reason naming the rule. */
export class FetchError extends Error {
  override readonly name = "FetchError";
  constructor(
    readonly kind: FetchErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export const isFetchError = (e: unknown): e is FetchError => e instanceof FetchError;

/** What a guarded fetch returns: the whole body, its declared type and the URL after redirects. */
export interface Fetched {
  buffer: Buffer;
  contentType: string | null;
  finalUrl: string;
}

/** The size cap: a number, or one decided from the response's headers (e.g. per media kind). */
export type MaxBytes = number | ((head: { contentType: string | null; url: string }) => number);

/**
 * The one outbound fetch made on a tenant's behalf (media, webhooks): GET `url` through the guard
 * (no loopback/link-local/private targets, re-checked per redirect, size and time caps). Implemented
 * by `@outreach/fetch`; throws `FetchError`.
 */
export type GuardedFetch = (url: string, opts: { maxBytes: MaxBytes }) => Promise<Fetched>;

/** What a guarded POST got back: any status (the caller decides what it means) and how long it took. */
export interface Posted {
  status: number;
  durationMs: number;
}

/**
 * A POST made on a tenant's behalf (webhook deliveries) through the same guard as `GuardedFetch`,
 * re-checked at every call; redirects are never followed (a 3xx is returned as it is). Throws
 * `FetchError` (`forbidden`, `timeout`, `network`) when no answer came.
 */
export type GuardedPost = (url: string, opts: { body: string; headers: Record<string, string>; timeoutMs: number }) => Promise<Posted>;
