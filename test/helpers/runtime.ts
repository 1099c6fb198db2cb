import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../../packages/local/src/net";

const ROOT = resolve(import.meta.dirname, "../..");

export interface RuntimeProcess {
  url: string;
  key: string;
  dataDir: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  output: () => string;
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

/** Starts the local runtime exactly as `npm start` does (same entry file), as a separate process. */
export const startRuntimeProcess = async (opts: { dataDir?: string; port?: number; env?: Record<string, string> } = {}): Promise<RuntimeProcess> => {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "outreach-e2e-"));
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "packages/local/src/main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      OUTREACH_DATA_DIR: dataDir,
      OUTREACH_LOG_LEVEL: "warn",
      AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: "1",
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
    // OUTREACH_TEST_RUNTIME_LOGS=1: the runtime's log on this stderr (debugging a test).
    if (process.env.OUTREACH_TEST_RUNTIME_LOGS) process.stderr.write(d);
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const deadline = Date.now() + 60_000;
  while (!out.includes("Development API key")) {
    if (child.exitCode !== null) throw new Error(`runtime exited (${child.exitCode}):\n${out}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`runtime did not start in 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const key = readFileSync(join(dataDir, "dev-api-key"), "utf8").trim();
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    dataDir,
    port,
    child,
    exited,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
};

export const dynamoPid = (dataDir: string) => {
  const f = join(dataDir, "dynamodb", "dynamodb.pid");
  return existsSync(f) ? Number(readFileSync(f, "utf8")) : undefined;
};

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** Whether a process with this pid is still running. */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
