import { bareHost, checkUrl, FetchError, type Fetched, type GuardedFetch, type GuardedPost, type MaxBytes, type NetPolicy } from "@outreach/core/net";
import { readCapped } from "./body";
import { request } from "./request";
import { type Resolver, resolveChecked, systemResolver } from "./resolve";

export interface GuardOptions extends NetPolicy {
  /** Redirects followed, each checked like the first URL (default 3; 0 refuses any redirect, for webhooks). */
  maxRedirects?: number;
  /** Time to open the TCP connection of each hop (default 5 s). */
  connectTimeoutMs?: number;
  /** Time for the whole fetch: lookups, redirects and body (default 60 s). */
  totalTimeoutMs?: number;
  /** Host name → addresses (default `dns.lookup`, all addresses). */
  resolve?: Resolver;
  userAgent?: string;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Waits for `p` unless the deadline passes first (a DNS lookup cannot itself be cancelled). */
const beforeDeadline = <T>(p: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });

/**
 * The outbound-fetch guard: every fetch the product makes on a tenant's behalf goes through it. Each
 * URL (the first and every redirect target) must be http(s) and not name `localhost` or a forbidden IP
 * literal; its host is resolved, every answer must be a public address, and the connection goes to the
 * address that was checked. Bodies are capped (refused as soon as they exceed the cap) and so is time.
 * Fails with a `FetchError` whose kind is `forbidden`, `too_large`, `timeout`, `http_status` or `network`.
 */
export const createGuardedFetch = (o: GuardOptions = {}): GuardedFetch => {
  const policy: NetPolicy = { allowLoopback: o.allowLoopback === true };
  const maxRedirects = o.maxRedirects ?? 3;
  const connectTimeoutMs = o.connectTimeoutMs ?? 5_000;
  const totalTimeoutMs = o.totalTimeoutMs ?? 60_000;
  const resolve = o.resolve ?? systemResolver;
  const userAgent = o.userAgent ?? "Outreach/1.0";

  const run = async (raw: string, maxBytes: MaxBytes, signal: AbortSignal): Promise<Fetched> => {
    let current = raw;
    for (let hop = 0; ; hop++) {
      const what = hop === 0 ? "the URL" : `redirect ${hop}`;
      const checked = checkUrl(current, policy);
      if (!checked.ok) throw new FetchError("forbidden", `${what} was refused: ${checked.reason}`);
      const url = checked.url;
      const addr = await beforeDeadline(resolveChecked(url, policy, resolve), signal).catch((e: FetchError) => {
        throw e.kind === "forbidden" ? new FetchError("forbidden", `${what} was refused: ${e.message}`) : e;
      });
      const res = await request(url, addr, { connectTimeoutMs, userAgent, signal });
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.destroy();
        if (hop >= maxRedirects) {
          throw new FetchError(
            "http_status",
            maxRedirects === 0 ? `redirects are not followed (the server answered ${status})` : `more than ${maxRedirects} redirects`,
            status,
          );
        }
        try {
          current = new URL(location, url).href;
        } catch {
          throw new FetchError("http_status", `the server redirected to an invalid URL (${status})`, status);
        }
        continue;
      }
      if (status < 200 || status >= 300) {
        res.destroy();
        throw new FetchError("http_status", `the server answered ${status}`, status);
      }
      const contentType = res.headers["content-type"] ?? null;
      const cap = typeof maxBytes === "function" ? maxBytes({ contentType, url: url.href }) : maxBytes;
      const buffer = await readCapped(res, cap, bareHost(url), signal);
      return { buffer, contentType, finalUrl: url.href };
    }
  };

  return async (url, { maxBytes }) => {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new FetchError("timeout", `the download did not finish within ${seconds(totalTimeoutMs)}`)), totalTimeoutMs);
    try {
      return await run(url, maxBytes, deadline.signal);
    } finally {
      clearTimeout(timer);
    }
  };
};

/** How much of a POST's answer is read (then the connection is dropped): receivers' bodies are not used. */
const ANSWER_BYTES = 64 * 1024;

/**
 * The guard for POSTs (webhook deliveries): the URL is checked and resolved like a fetch's, the
 * connection goes to the checked address, no redirect is followed, and the whole exchange (lookup,
 * connection, answer) must end within `timeoutMs`. Any HTTP status is returned; only a missing
 * answer throws.
 */
export const createGuardedPost = (o: Omit<GuardOptions, "maxRedirects" | "totalTimeoutMs"> = {}): GuardedPost => {
  const policy: NetPolicy = { allowLoopback: o.allowLoopback === true };
  const connectTimeoutMs = o.connectTimeoutMs ?? 5_000;
  const resolve = o.resolve ?? systemResolver;
  const userAgent = o.userAgent ?? "Outreach-Webhooks/1.0";
  return async (raw, { body, headers, timeoutMs }) => {
    const started = Date.now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new FetchError("timeout", `no answer within ${seconds(timeoutMs)}`)), timeoutMs);
    try {
      const checked = checkUrl(raw, policy);
      if (!checked.ok) throw new FetchError("forbidden", `the URL was refused: ${checked.reason}`);
      const url = checked.url;
      const addr = await beforeDeadline(resolveChecked(url, policy, resolve), deadline.signal).catch((e: FetchError) => {
        throw e.kind === "forbidden" ? new FetchError("forbidden", `the URL was refused: ${e.message}`) : e;
      });
      const res = await request(url, addr, { connectTimeoutMs, userAgent, signal: deadline.signal, post: { body, headers } });
      const status = res.statusCode ?? 0;
      await readCapped(res, ANSWER_BYTES, bareHost(url), deadline.signal).catch((e: unknown) => {
        // An answer longer than we read is still an answer; only a deadline or a broken connection counts.
        if (!(e instanceof FetchError && e.kind === "too_large")) throw e;
      });
      return { status, durationMs: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
  };
};
