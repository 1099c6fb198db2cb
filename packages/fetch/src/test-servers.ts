import http from "node:http";
import net, { type AddressInfo } from "node:net";

/** Test servers on 127.0.0.1 that count the connections they accept. */
export interface TestServer {
  url: string;
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}

const listen = async (server: net.Server): Promise<TestServer> => {
  let n = 0;
  const sockets = new Set<net.Socket>();
  server.on("connection", (s: net.Socket) => {
    n++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => n,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
};

/** An HTTP server answering with `handler`. */
export const httpServer = (handler: http.RequestListener) => listen(http.createServer(handler));

/** Accepts TCP connections and never says a word. */
export const silentServer = () => listen(net.createServer(() => {}));
