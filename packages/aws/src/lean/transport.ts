// The modules, not their named exports: a request is made by `http.request` as it is at that moment
// (bench/profile/count-hook.mjs counts requests by wrapping it).
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { type Credentials, createSigner } from "./sigv4";

/** What the lean clients take from the SDK client they stand beside (its resolved configuration). */
export interface SdkConfig {
  credentials: Credentials | (() => Promise<Credentials>);
  region: string | (() => Promise<string>);
  endpoint?: () => Promise<{ protocol: string; hostname: string; port?: number; path?: string }>;
}

export interface TransportOptions {
  config: SdkConfig;
  /** The signing name and the endpoint's first label: `dynamodb`, `sqs`. */
  service: string;
  /** `DynamoDB_20120810`, `AmazonSQS`: the `x-amz-target` prefix. */
  targetPrefix: string;
  /** The environment variable of the service's configured endpoint (`AWS_ENDPOINT_URL_DYNAMODB`), as the SDK reads it. */
  endpointEnv: string;
  extraHeaders?: Record<string, string>;
  /** The request body from the input (`JSON.stringify` unless given) and the answer from the body's text (`JSON.parse` unless given). */
  encode?: (input: unknown) => string;
  decode?: (text: string) => unknown;
  maxAttempts?: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** A socket silent this long during a request fails it (`TimeoutError`); 300 s, the SDK's default. */
  socketTimeoutMs?: number;
}

/** An AWS error as the SDK shapes it: `name` is the error type, the body's other fields ride along. */
export interface AwsError extends Error {
  $fault: "client" | "server";
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number };
  [field: string]: unknown;
}

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestThrottledException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "TransactionInProgressException",
  "RequestLimitExceeded",
  "BandwidthLimitExceeded",
  "LimitExceededException",
  "RequestThrottled",
  "SlowDown",
  "PriorRequestNotComplete",
  "EC2ThrottledException",
]);
const TRANSIENT = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);
const NETWORK = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

const isThrottling = (e: AwsError) => THROTTLING.has(e.name) || e.$metadata?.httpStatusCode === 429;
/** The SDK's standard retry mode: throttling, transient and network errors, and 500/502/503/504. */
export const isRetryable = (e: AwsError) =>
  isThrottling(e) || TRANSIENT.has(e.name) || NETWORK.has(String(e.code)) || [500, 502, 503, 504].includes(e.$metadata?.httpStatusCode ?? 0);

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → `ConditionalCheckFailedException` (smithy's rule for JSON protocols). */
const errorType = (raw: string) => {
  let t = raw;
  if (t.includes(":")) t = t.slice(0, t.indexOf(":"));
  if (t.includes("#")) t = t.slice(t.indexOf("#") + 1);
  return t;
};

export const awsError = (status: number, headers: IncomingMessage["headers"], body: Record<string, unknown>): AwsError => {
  const raw = (headers["x-amzn-errortype"] as string | undefined) ?? (body.code as string | undefined) ?? (body.__type as string | undefined) ?? "UnknownError";
  const name = errorType(raw) || "UnknownError";
  const message = String(body.message ?? body.Message ?? name);
  const e = Object.assign(new Error(message), body) as AwsError;
  e.name = name;
  e.message = message;
  e.$fault = status >= 500 ? "server" : "client";
  e.$metadata = { httpStatusCode: status, requestId: headers["x-amzn-requestid"] as string | undefined };
  return e;
};

/** A JSON object, or undefined for a body that is not one (an HTML error page of a proxy, a cut answer). */
const parse = (text: string, decode: (text: string) => unknown = JSON.parse): Record<string, unknown> | undefined => {
  if (!text) return {};
  try {
    const v = decode(text) as Record<string, unknown>;
    return v && typeof v === "object" ? v : undefined;
  } catch {
    return undefined;
  }
};

/** The SDK's default socket timeout for DynamoDB and SQS (`defaultSocketTimeout`, 300 s of a silent socket). */
const SOCKET_TIMEOUT_MS = 300_000;

const timeoutError = (message: string) => Object.assign(new Error(message), { name: "TimeoutError" });

/**
 * A keep-alive agent whose timeouts are set once per socket, not once per request: the connection
 * timeout is armed when the socket is created, and the inactivity timeout is the agent's own
 * (`timeout`), which Node gives the socket at its creation and leaves in place from one request to the
 * next. A per-request `req.setTimeout` (the SDK handler's way) started a timer at each request and
 * cleared it at each answer. Node's agent shortens a free socket's timeout to a server's `Keep-Alive:
 * timeout=` hint (a Node server sends 5 s); a socket taken again gets its full timeout back.
 */
const createAgent = (protocol: string, connectTimeoutMs: number, socketTimeoutMs: number): http.Agent => {
  const Base: typeof http.Agent = protocol === "https:" ? (https.Agent as unknown as typeof http.Agent) : http.Agent;
  class Agent extends Base {
    override createConnection(...args: Parameters<http.Agent["createConnection"]>) {
      const socket = super.createConnection(...args) as Socket;
      const timer = setTimeout(
        () => socket.destroy(timeoutError(`Socket timed out without establishing a connection within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      );
      socket.once("connect", () => clearTimeout(timer));
      socket.once("close", () => clearTimeout(timer));
      return socket;
    }
    override reuseSocket(socket: Socket, req: http.ClientRequest) {
      super.reuseSocket(socket, req);
      if (socket.timeout !== socketTimeoutMs) socket.setTimeout(socketTimeoutMs);
    }
  }
  return new Agent({ keepAlive: true, maxSockets: 50, timeout: socketTimeoutMs });
};

/**
 * Signed POSTs of AWS's JSON protocols over keep-alive sockets, with the SDK's standard retries
 * (`maxAttempts`, 3 by default: throttling, 5xx, network errors and timeouts, after a jittered
 * exponential backoff of base 100 ms, 500 ms for throttling, capped at 20 s, within a retry quota of
 * 500 tokens: 5 a retry, 10 after a timeout, one given back by each success) and the SDK handler's
 * timeouts as this code configures them today: a connection not made within `connectTimeoutMs` is a
 * `TimeoutError`; a request answered after more than `requestTimeoutMs` is logged as a warning, not
 * abandoned (the SDK's handler does the same unless `throwOnRequestTimeout` is set, which this
 * code never set); a socket silent for 300 s (the SDK's default socket timeout) is a `TimeoutError`.
 */
export const createTransport = (opts: TransportOptions) => {
  const maxAttempts = opts.maxAttempts ?? 3;
  const socketTimeoutMs = opts.socketTimeoutMs ?? SOCKET_TIMEOUT_MS;
  let quota = 500;
  const credentials = async () => (typeof opts.config.credentials === "function" ? await opts.config.credentials() : opts.config.credentials);
  let resolved: { url: URL; region: string; sign: ReturnType<typeof createSigner>; agent: http.Agent } | undefined;
  const resolve = async () => {
    if (resolved) return resolved;
    const region = typeof opts.config.region === "function" ? await opts.config.region() : opts.config.region;
    const configured = await opts.config.endpoint?.();
    const env = process.env[opts.endpointEnv] ?? process.env.AWS_ENDPOINT_URL;
    const url = configured
      ? new URL(`${configured.protocol}//${configured.hostname}${configured.port ? `:${configured.port}` : ""}${configured.path ?? "/"}`)
      : new URL(env ?? `https://${opts.service}.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}/`);
    const agent = createAgent(url.protocol, opts.connectTimeoutMs, socketTimeoutMs);
    resolved = { url, region, sign: createSigner(opts.service, region, credentials), agent };
    return resolved;
  };

  const once = async (operation: string, body: string): Promise<{ status: number; headers: IncomingMessage["headers"]; text: string }> => {
    const { url, sign, agent } = await resolve();
    const headers = await sign(
      {
        host: url.host,
        "content-type": "application/x-amz-json-1.0",
        "content-length": String(Buffer.byteLength(body)),
        "x-amz-target": `${opts.targetPrefix}.${operation}`,
        ...opts.extraHeaders,
      },
      body,
    );
    return new Promise((ok, fail) => {
      const req = (url.protocol === "https:" ? https.request : http.request)(
        { protocol: url.protocol, hostname: url.hostname, port: url.port || undefined, path: url.pathname, method: "POST", headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => ok({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", fail);
          res.on("close", () => {
            if (!res.complete) fail(Object.assign(new Error("the connection closed before the whole answer came"), { code: "ECONNRESET" }));
          });
        },
      );
      // The agent's socket timeout (see `createAgent`) is announced on the request that holds the socket.
      req.on("timeout", () => req.destroy(timeoutError(`the request socket timed out after ${socketTimeoutMs} ms of inactivity`)));
      req.on("error", fail);
      req.end(body);
    });
  };

  /** One operation: its parsed JSON answer, or the AWS error it ended with after the retries. */
  const call = async (operation: string, input: unknown, callOpts: { requestTimeoutMs?: number } = {}) => {
    const body = (opts.encode ?? JSON.stringify)(input);
    let totalRetryDelay = 0;
    for (let attempt = 1; ; attempt++) {
      let error: AwsError;
      try {
        const requestTimeoutMs = callOpts.requestTimeoutMs ?? opts.requestTimeoutMs;
        const started = Date.now();
        const res = await once(operation, body);
        // As the SDK's handler (without `throwOnRequestTimeout`): a request past its timeout is reported,
        // not abandoned; reported when its answer comes, which spares a timer per request.
        const took = Date.now() - started;
        if (took > requestTimeoutMs)
          console.warn(`outreach/lean - [WARN] a ${operation} request took ${took} ms, more than its ${requestTimeoutMs} ms requestTimeout.`);
        const parsed = parse(res.text, opts.decode);
        if (res.status < 300 && parsed) {
          quota = Math.min(500, quota + 1);
          return {
            output: parsed,
            $metadata: { httpStatusCode: res.status, requestId: res.headers["x-amzn-requestid"] as string | undefined, attempts: attempt, totalRetryDelay },
          };
        }
        error = awsError(res.status, res.headers, parsed ?? {});
      } catch (e) {
        error = e as AwsError;
        error.$metadata ??= {};
      }
      const cost = TRANSIENT.has(error.name) ? 10 : 5;
      if (attempt >= maxAttempts || !isRetryable(error) || quota < cost) {
        error.$metadata = { ...error.$metadata, attempts: attempt, totalRetryDelay };
        throw error;
      }
      quota -= cost;
      const delay = Math.floor(Math.min(20_000, Math.random() * 2 ** (attempt - 1) * (isThrottling(error) ? 500 : 100)));
      totalRetryDelay += delay;
      await new Promise((r) => setTimeout(r, delay));
    }
  };
  return { call, resolve };
};

export type Transport = ReturnType<typeof createTransport>;
