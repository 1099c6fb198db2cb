import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const log = resolve(import.meta.dirname, "../../packages/log/src/index.ts");

/** Node ends a process on an unhandled rejection by default; every entry point installs the handler that keeps it serving. */
describe("unhandled rejections", () => {
  const script = (install: boolean) =>
    [
      `import { createLogger, keepServingOnUnhandledRejection } from ${JSON.stringify(log)};`,
      install ? `keepServingOnUnhandledRejection(createLogger({ name: "t" }));` : "",
      `Promise.reject(new Error("a listener's store write failed"));`,
      `setTimeout(() => console.log("still serving"), 200);`,
    ].join("\n");

  it("are logged with an alarm-able event and the process keeps serving", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script(true)]);
    const lines = stdout.trim().split("\n");
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 50,
      event: "process.unhandled_rejection",
      err: { message: "a listener's store write failed" },
    });
    expect(lines.at(-1)).toBe("still serving");
  });

  it("(without the handler, Node ends the process: what the handler prevents)", async () => {
    const r = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script(false)]).then(
      () => ({ code: 0, stdout: "" }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toContain("still serving");
  });
});
