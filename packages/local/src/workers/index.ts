import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ignoredTransportEvents, type TransportEvents } from "@outreach/core/port";

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), "..", "worker-main.ts");

/** Events of a sandbox that hosts no session (the runtime's, when worker processes host them). */
export const idleEvents: TransportEvents = ignoredTransportEvents;

interface Worker {
  id: string;
  child: ChildProcess;
  exited: Promise<void>;
}

/** Ids of the first `count` workers: "1" … "count". */
export const workerIds = (count: number) => Array.from({ length: count }, (_, i) => String(i + 1));

/**
 * Starts local worker processes (`worker-main.ts`) with the given ids on a running runtime's data
 * directory and waits until each is ready (it has joined the fleet). Their output goes to this
 * process's stderr, each line prefixed with the worker. A test adds workers to a running runtime this way.
 */
export const startWorkers = async (opts: { ids: string[]; dataDir: string; logLevel: string; allowPrivateUrls?: boolean }) => {
  const start = (id: string): Promise<Worker> =>
    new Promise((resolve, reject) => {
      // OUTREACH_WORKER_NODE_ARGS: Node flags for the workers alone, e.g. `--cpu-prof --cpu-prof-dir=…`
      // (Node refuses --cpu-prof in NODE_OPTIONS); the fleet bench profiles a worker this way.
      const nodeArgs = (process.env.OUTREACH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
      const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", ENTRY], {
        env: {
          ...process.env,
          OUTREACH_DATA_DIR: opts.dataDir,
          OUTREACH_WORKER_ID: id,
          OUTREACH_LOG_LEVEL: opts.logLevel,
          OUTREACH_ALLOW_PRIVATE_URLS: opts.allowPrivateUrls ? "1" : "",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      let ready = false;
      const forward = (d: Buffer) => {
        for (const line of d.toString().split("\n")) {
          if (!line) continue;
          if (!ready && line.includes("worker ready")) {
            ready = true;
            resolve({ id, child, exited });
            continue;
          }
          process.stderr.write(`[worker ${id}] ${line}\n`);
        }
      };
      child.stdout?.on("data", forward);
      child.stderr?.on("data", forward);
      child.once("exit", (code) => {
        if (!ready) reject(new Error(`worker ${id} exited with code ${code} before it was ready`));
      });
    });
  const workers = await Promise.all(opts.ids.map(start));
  return {
    list: () => workers.map((w) => ({ id: w.id, pid: w.child.pid })),
    /** SIGTERM to every worker (each hands its sessions over and exits), SIGKILL after 30 s. */
    async stop() {
      await Promise.all(
        workers.map(async (w) => {
          if (w.child.exitCode !== null || w.child.signalCode !== null) return;
          w.child.kill("SIGTERM");
          const timer = setTimeout(() => w.child.kill("SIGKILL"), 30_000);
          await w.exited;
          clearTimeout(timer);
        }),
      );
    },
  };
};
