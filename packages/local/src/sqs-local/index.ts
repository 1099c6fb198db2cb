import type { Server } from "node:http";
import { createSqsServer } from "local-aws-sqs";
import { freePort } from "../net";

export interface SqsLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** The in-process SQS-compatible server (npm `local-aws-sqs`); it keeps nothing across restarts. */
export const startSqsLocal = async (opts: { port?: number } = {}): Promise<SqsLocal> => {
  const port = opts.port ?? (await freePort());
  const server: Server = await createSqsServer({ port, hostname: "127.0.0.1", emulateQueueCreationLifecycle: false, validateDlqDestination: false });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
};
