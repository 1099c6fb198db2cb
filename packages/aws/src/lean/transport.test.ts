import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createTransport } from "./transport";

/**
 * The transport's socket timeout, set once per socket (the agent's), against a stand-in server: a
 * request on a socket that stays silent fails as the SDK's does, and a socket that a server's
 * `Keep-Alive: timeout=` hint shortened while it was free gets its full timeout back when reused.
 */
const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((ok) => s.close(ok));
  }
});

const serve = async (handle: (req: IncomingMessage, res: ServerResponse) => void, keepAliveTimeoutMs = 5000) => {
  let connections = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handle(req, res));
  });
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.on("connection", () => connections++);
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  return { port, connections: () => connections };
};

const transportTo = (port: number, socketTimeoutMs: number) =>
  createTransport({
    config: {
      credentials: { accessKeyId: "AKIATEST", secretAccessKey: "secret" },
      region: "us-east-1",
      endpoint: async () => ({ protocol: "http:", hostname: "127.0.0.1", port, path: "/" }),
    },
    service: "dynamodb",
    targetPrefix: "DynamoDB_20120810",
    endpointEnv: "AWS_ENDPOINT_URL_DYNAMODB",
    maxAttempts: 1,
    connectTimeoutMs: 1000,
    requestTimeoutMs: 60_000,
    socketTimeoutMs,
  });

const answer = (res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
  res.end("{}");
};

describe("the transport's socket timeout", () => {
  it("fails a request whose socket stays silent for the socket timeout with a TimeoutError", async () => {
    const { port } = await serve(() => {});
    const started = Date.now();
    await expect(transportTo(port, 300).call("GetItem", {})).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("gives a reused socket its whole timeout back after a server's keep-alive hint shortened it", async () => {
    let n = 0;
    // Node's server announces `Keep-Alive: timeout=2`; its agent then keeps the free socket 1 s.
    const { port, connections } = await serve((_req, res) => (n++ === 0 ? answer(res) : setTimeout(() => answer(res), 1500)), 2000);
    const transport = transportTo(port, 10_000);
    await transport.call("GetItem", {});
    await expect(transport.call("GetItem", {})).resolves.toMatchObject({ output: {} });
    expect(connections()).toBe(1);
  });
});
