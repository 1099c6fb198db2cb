import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { client } from "../helpers/api";
import { dynamoPid, removeDir, startRuntimeProcess } from "../helpers/runtime";

const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const javaProcesses = (dataDir: string) => {
  try {
    return execFileSync("pgrep", ["-f", `dbPath ${dataDir}`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean);
  } catch {
    return [];
  }
};

describe("the local runtime (npm start)", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));

  it("starts on fresh data, keeps data across a restart, and leaves no java behind on Ctrl-C", async () => {
    const started = Date.now();
    const first = await startRuntimeProcess();
    dirs.push(first.dataDir);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(first.output()).toContain("Development API key (plan business)");
    const api = client(first.url, first.key);
    expect((await api.get("/health")).status).toBe(200);
    expect((await api.get("/usage/current")).body.plan).toBe("business");
    const g = await api.post("/custom-groups", { name: "survives restarts" });
    const java = dynamoPid(first.dataDir);
    expect(alive(java)).toBe(true);
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    expect(alive(java)).toBe(false);
    expect(javaProcesses(first.dataDir)).toEqual([]);

    const second = await startRuntimeProcess({ dataDir: first.dataDir });
    expect(second.key).toBe(first.key);
    const again = client(second.url, second.key);
    expect((await again.get(`/custom-groups/${g.body.id}`)).body.name).toBe("survives restarts");
    expect(await second.stop()).toBe(0);
    expect(javaProcesses(first.dataDir)).toEqual([]);
  });

  it("after a SIGKILL, the next start stops the leftover DynamoDB Local and starts cleanly on the same data", async () => {
    const first = await startRuntimeProcess({ env: { OUTREACH_DEV_API_KEY: "ok_chosen_by_the_developer_123" } });
    dirs.push(first.dataDir);
    expect(first.key).toBe("ok_chosen_by_the_developer_123");
    const g = await client(first.url, first.key).post("/custom-groups", { name: "before the crash" });
    const java = dynamoPid(first.dataDir);
    await first.kill();
    expect(alive(java)).toBe(true);
    const second = await startRuntimeProcess({ dataDir: first.dataDir, env: { OUTREACH_DEV_API_KEY: "ok_chosen_by_the_developer_123" } });
    expect(alive(java)).toBe(false);
    expect((await client(second.url, second.key).get(`/custom-groups/${g.body.id}`)).body.name).toBe("before the crash");
    await second.stop();
    expect(javaProcesses(first.dataDir)).toEqual([]);
  });

  it("fails fast with one clear sentence when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, r));
    const port = (blocker.address() as { port: number }).port;
    await expect(startRuntimeProcess({ port })).rejects.toThrow(/Port \d+ is already in use/);
    blocker.close();
  });

  it("fails fast with one clear sentence when Java is missing", async () => {
    // A PATH with node on it and nothing else.
    const bin = mkdtempSync(join(tmpdir(), "outreach-nojava-"));
    symlinkSync(process.execPath, join(bin, "node"));
    dirs.push(bin);
    await expect(startRuntimeProcess({ env: { PATH: bin } })).rejects.toThrow(/Java was not found: DynamoDB Local needs Java 17/);
  });
});
