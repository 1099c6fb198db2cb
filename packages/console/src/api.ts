import { createOutreachClient, type OutreachClient, type Schema, sseData } from "@outreach/client";

export type { Schema };

/**
 * The API key lives in this tab's sessionStorage only: never in a URL, a cookie or localStorage, so
 * closing the tab or signing out forgets it. Every call goes through the public API with it.
 */
const KEY = "outreach.api_key";

let client: OutreachClient | undefined;
const listeners = new Set<() => void>();

export const currentKey = () => sessionStorage.getItem(KEY);

export const signIn = (key: string) => {
  sessionStorage.setItem(KEY, key);
  client = undefined;
  for (const l of listeners) l();
};

export const signOut = () => {
  sessionStorage.removeItem(KEY);
  client = undefined;
  for (const l of listeners) l();
};

export const onAuthChange = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** The typed client (`@outreach/client`, generated from the OpenAPI document) with the signed-in key. */
export const api = () => {
  const key = currentKey();
  if (!key) throw new ApiError(401, "auth.missing_key", "Signed out.");
  client ??= createOutreachClient({ url: location.origin, key });
  return client;
};

/** An answer other than 2xx: the API's `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const failure = (status: number, body: unknown) => {
  const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  // A key that stopped working (revoked while the tab was open) signs out; the page then asks again.
  if (status === 401) signOut();
  return new ApiError(status, e?.code ?? `http.${status}`, e?.message ?? `The server answered ${status}.`, e?.details);
};

/** The data of a typed call, or an `ApiError`. */
export const ok = async <T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> => {
  const { data, error, response } = await call;
  if (!response.ok) throw failure(response.status, error);
  return data as T;
};

/** A plain request under `/api/v2` with the key (downloads, HTML, streams): the response, or an `ApiError`. */
export const raw = async (path: string, init: RequestInit = {}) => {
  const key = currentKey();
  if (!key) throw new ApiError(401, "auth.missing_key", "Signed out.");
  const res = await fetch(`/api/v2${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), "X-API-Key": key } });
  if (!res.ok) throw failure(res.status, await res.json().catch(() => undefined));
  return res;
};

/** Saves a response as a file: fetched with the key, handed to the browser as a blob (no key in any URL). */
export const download = async (path: string, filename: string) => {
  const blob = await (await raw(path)).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

export type Progress = Schema<"BulkSendProgress">;

/**
 * Follows `GET /bulk-send/{id}/progress` as Server-Sent Events read from `fetch` (an `EventSource`
 * cannot send the key header). The server closes a stream after the final event, or after 5 minutes:
 * then this reconnects, until the job is final or `signal` aborts.
 */
export const followProgress = async (id: string, onEvent: (p: Progress) => void, signal: AbortSignal) => {
  const final = new Set(["completed", "cancelled", "failed"]);
  for (let attempt = 0; !signal.aborted; attempt++) {
    let last: Progress | undefined;
    try {
      const res = await raw(`/bulk-send/${encodeURIComponent(id)}/progress`, { headers: { Accept: "text/event-stream" }, signal });
      for await (const p of sseData<Progress>(res.body!)) {
        last = p;
        onEvent(p);
      }
    } catch (e) {
      if (signal.aborted) return;
      if (e instanceof ApiError && e.status !== 429 && e.status < 500) throw e;
    }
    if (last && final.has(last.status)) return;
    await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** Math.min(attempt, 4))));
  }
};
