import { type SpawnOptions, spawn } from "node:child_process";

/** Runs a command to its end with its standard input closed; resolves with its exit code and what it wrote. */
export const runChild = (command: string, args: string[], opts: Pick<SpawnOptions, "cwd" | "env"> = {}) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(command, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
