import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { bareHost, FetchError } from "@outreach/core/net";
import { type Address, unreachable } from "./resolve";

/** The error a failed request ends with: the deadline's reason when it passed, else a typed network error. */
export const failure = (e: unknown, signal: AbortSignal, host: string): FetchError => {
  if (signal.aborted) return signal.reason as FetchError;
  if (e instanceof FetchError) return e;
  // Refused, reset, unreachable, TLS: one message, so a URL cannot map which hosts and ports answer.
  return unreachable(host);
};

/**
 * One request (GET unless `post` is given) to `addr` (the address that was checked), with the URL's
 * host in the `Host` header and as the TLS server name, so the certificate is verified for the name
 * while the socket goes to the checked IP. Fails with `timeout` when no TCP connection is made within
 * `connectTimeoutMs`.
 */
export const request = (
  url: URL,
  addr: Address,
  o: { connectTimeoutMs: number; userAgent: string; signal: AbortSignal; post?: { body: string; headers: Record<string, string> } },
): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => {
    const host = bareHost(url);
    const tls = url.protocol === "https:";
    const req = (tls ? https : http).request({
      host: addr.address,
      family: addr.family,
      port: url.port || (tls ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: o.post ? "POST" : "GET",
      headers: {
        ...(o.post ? { ...o.post.headers, "content-length": String(Buffer.byteLength(o.post.body)) } : {}),
        host: url.host,
        "user-agent": o.userAgent,
        accept: "*/*",
      },
      // SNI carries names only; for an IP-literal URL the certificate is checked against the IP.
      ...(tls && !isIP(host) ? { servername: host } : {}),
      agent: false,
      signal: o.signal,
    });
    const connectTimer = setTimeout(() => req.destroy(new FetchError("timeout", unreachable(host).message)), o.connectTimeoutMs);
    req.on("socket", (s) => {
      if (!s.connecting) clearTimeout(connectTimer);
      else s.once("connect", () => clearTimeout(connectTimer));
    });
    req.on("response", (res) => {
      clearTimeout(connectTimer);
      resolve(res);
    });
    req.on("error", (e) => {
      clearTimeout(connectTimer);
      reject(failure(e, o.signal, host));
    });
    req.end(o.post?.body);
  });
