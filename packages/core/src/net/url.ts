import { unprocessable } from "../error";
import { describeRange, forbiddenRange, ipBytes, type NetPolicy } from "./ip";

/** Which rule refused a URL: `scheme` (not http/https), `localhost`, `ip_range` (an IP literal in a forbidden range), `invalid_url`. */
export type UrlRule = "invalid_url" | "scheme" | "localhost" | "ip_range" | "port";

/** Ports a URL may name: the web's two, and the unprivileged range (no SSH, SMTP, Redis, … on someone's behalf). */
export const allowedPort = (port: number) => port === 80 || port === 443 || (port >= 1024 && port <= 65535);

export type UrlCheck = { ok: true; url: URL } | { ok: false; rule: UrlRule; reason: string };

/** The host without IPv6 brackets or a trailing dot, lower case (WHATWG URL already lowers and normalizes IPv4 forms). */
export const bareHost = (url: URL) => {
  const h = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return h.endsWith(".") ? h.slice(0, -1) : h;
};

const isLocalhost = (host: string) => host === "localhost" || host.endsWith(".localhost");

/**
 * The static part of the outbound-fetch rules, for creation time (no DNS): the scheme is http(s), the
 * host is not `localhost` (or `*.localhost`) and not an IP literal in a forbidden range. A name that
 * resolves to a forbidden address passes here and is refused by the guarded fetch when it resolves.
 * `allowLoopback` lets `localhost` and loopback literals through (local development only).
 */
export const checkUrl = (raw: string, policy: NetPolicy = {}): UrlCheck => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, rule: "invalid_url", reason: "it is not a valid absolute URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, rule: "scheme", reason: `only http and https URLs are fetched (this one is ${url.protocol.slice(0, 20)})` };
  }
  const host = bareHost(url);
  if (!host) return { ok: false, rule: "invalid_url", reason: "it has no host" };
  // WHATWG URL drops a scheme's default port, so "" is 80 or 443.
  if (url.port !== "" && !allowedPort(Number(url.port)))
    return { ok: false, rule: "port", reason: `port ${url.port} is not allowed (only 80, 443 and 1024–65535)` };
  if (isLocalhost(host)) {
    return policy.allowLoopback ? { ok: true, url } : { ok: false, rule: "localhost", reason: `its host ${host} is this machine (loopback is never fetched)` };
  }
  if (ipBytes(host)) {
    const r = forbiddenRange(host, policy);
    if (r) return { ok: false, rule: "ip_range", reason: `its host ${describeRange(host, r)}, which is never fetched` };
  }
  return { ok: true, url };
};

/** The checks of `checkUrl` for a URL a tenant gives us (media, webhooks): 422 `request.forbidden_url` naming the field and the rule. */
export const refuseForbiddenUrl = (field: string, url: string, net: NetPolicy = {}) => {
  const r = checkUrl(url, net);
  if (!r.ok) throw unprocessable("request.forbidden_url", `${field} is refused: ${r.reason}. Use a public http(s) URL.`, { field, rule: r.rule });
  return r.url;
};
