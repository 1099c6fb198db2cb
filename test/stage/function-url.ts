import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Lambda } from "./lambda";

const PRELUDE_TYPE = "application/vnd.awslambda.http-integration-response";
/** Function URL request payloads are capped at 6 MB. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

/** Bodies a Function URL passes as text; anything else arrives base64-encoded (`isBase64Encoded`). */
const isText = (contentType: string | undefined) =>
  !contentType || /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript|.*\+json|.*\+xml))/i.test(contentType);

/**
 * The Lambda Function URL event (payload format 2.0) for one HTTP request, as AWS documents it
 * ("Invoking Lambda function URLs", request payload): lower-cased headers joined by commas, cookies
 * apart, the raw path and query, `requestContext.http`, the body as text or base64.
 */
export const functionUrlEvent = (req: IncomingMessage, body: Buffer, host: string) => {
  const url = new URL(req.url ?? "/", `http://${host}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && k !== "cookie") headers[k] = Array.isArray(v) ? v.join(",") : v;
  const cookies = req.headers.cookie?.split(/;\s*/).filter(Boolean);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const text = isText(req.headers["content-type"]);
  const now = Date.now();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: "anonymous",
      apiId: "stage",
      domainName: host,
      domainPrefix: "stage",
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: "HTTP/1.1",
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: req.headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body.length ? { body: text ? body.toString("utf8") : body.toString("base64"), isBase64Encoded: !text } : { isBase64Encoded: false }),
  };
};

/**
 * A Function URL in `RESPONSE_STREAM` invoke mode in front of a streaming Lambda: each request becomes
 * a payload-2.0 event; the handler's stream is read as Lambda's HTTP integration reads it — a JSON
 * prelude (statusCode, headers, cookies), 8 NUL bytes, then the body, passed on chunk by chunk as it
 * is written (so Server-Sent Events arrive live). An invocation error answers 502 as AWS does.
 */
export const startFunctionUrl = async (fn: Lambda): Promise<{ url: string; close(): Promise<void> }> => {
  const server: Server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_REQUEST_BYTES) {
        res
          .writeHead(413, { "content-type": "application/json" })
          .end(JSON.stringify({ Message: "Request must be smaller than 6291456 bytes for the InvokeFunction operation" }));
        return;
      }
      parts.push(c as Buffer);
    }
    const event = functionUrlEvent(req, Buffer.concat(parts), req.headers.host ?? "localhost");
    try {
      const { contentType, chunks } = await fn.invokeStream(event);
      if (contentType !== PRELUDE_TYPE) {
        res.writeHead(200, { "content-type": contentType });
        for await (const c of chunks) res.write(c);
        res.end();
        return;
      }
      let head = Buffer.alloc(0);
      let started = false;
      for await (const c of chunks) {
        if (started) {
          res.write(c);
          continue;
        }
        head = Buffer.concat([head, c]);
        const at = head.indexOf(Buffer.alloc(8));
        if (at < 0) continue;
        const prelude = JSON.parse(head.subarray(0, at).toString("utf8")) as { statusCode?: number; headers?: Record<string, string>; cookies?: string[] };
        const headers: Record<string, string | string[]> = { ...(prelude.headers ?? {}) };
        if (prelude.cookies?.length) headers["set-cookie"] = prelude.cookies;
        res.writeHead(prelude.statusCode ?? 200, headers);
        res.flushHeaders();
        started = true;
        const rest = head.subarray(at + 8);
        if (rest.length) res.write(rest);
      }
      res.end();
    } catch (e) {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ Message: (e as Error).message }));
      else res.destroy(e as Error);
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};
