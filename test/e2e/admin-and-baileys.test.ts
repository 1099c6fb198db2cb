import { execFile, execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../packages/aws/src/store";
import { client, waitFor } from "../helpers/api";
import { type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

const ROOT = resolve(import.meta.dirname, "../..");
const admin = (...args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, ["--import", "tsx", "packages/local/src/admin.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, OUTREACH_DATA_DIR: inject("runtimeDataDir"), AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: "1" },
      encoding: "utf8",
    }),
  );

describe("admin CLI against the running local runtime", () => {
  it("creates a tenant and keys, lists and revokes them", async () => {
    const created = admin("create-tenant", "--name", "CLI Co", "--plan", "starter");
    expect(created).toMatchObject({ tenant_id: expect.stringMatching(/^ten_/), plan: "starter", api_key: expect.stringMatching(/^ok_/) });
    const api = client(inject("runtimeUrl"), created.api_key);
    expect((await api.get("/usage/current")).body.plan).toBe("starter");
    const readOnly = admin("create-key", "--tenant", created.tenant_id, "--scopes", "custom-groups:read");
    expect(readOnly.scopes).toEqual(["custom-groups:read"]);
    const keys = admin("list-keys", "--tenant", created.tenant_id) as { id: string; prefix: string }[];
    expect(keys).toHaveLength(2);
    expect(JSON.stringify(keys)).not.toContain(created.api_key);
    admin("revoke-key", "--tenant", created.tenant_id, "--key-id", readOnly.key_id);
    expect((await client(inject("runtimeUrl"), readOnly.api_key).get("/custom-groups")).status).toBe(401);
    admin("set-plan", "--tenant", created.tenant_id, "--plan", "pro");
    expect((await api.get("/usage/current")).body.plan).toBe("pro");

    // agent_max_recipients: set at creation (default 500) and changed later; MCP sends obey it.
    const agent = admin("create-key", "--tenant", created.tenant_id, "--agent-max-recipients", "20");
    expect(agent.agent_max_recipients).toBe(20);
    expect(admin("set-agent-max", "--tenant", created.tenant_id, "--key-id", agent.key_id, "--recipients", "5")).toEqual({
      key_id: agent.key_id,
      agent_max_recipients: 5,
    });
    const listed = admin("list-keys", "--tenant", created.tenant_id) as { id: string; agent_max_recipients?: number }[];
    expect(listed.find((k) => k.id === agent.key_id)?.agent_max_recipients).toBe(5);
    expect(admin("create-key", "--tenant", created.tenant_id).agent_max_recipients).toBe(500);
  });
});

describe("admin CLI errors a person can act on (issue 29)", () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "packages/local/src/admin.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, OUTREACH_DATA_DIR: inject("runtimeDataDir") },
      encoding: "utf8",
    });
  const runAsync = (...args: string[]) =>
    new Promise<{ status: number | null; stderr: string }>((done) => {
      const child = execFile(
        process.execPath,
        ["--import", "tsx", "packages/local/src/admin.ts", ...args],
        { cwd: ROOT, env: { ...process.env, OUTREACH_DATA_DIR: inject("runtimeDataDir") }, encoding: "utf8" },
        (_err, _stdout, stderr) => done({ status: child.exitCode, stderr }),
      );
    });
  const tenantsNamed = async (name: string) => {
    const rt = JSON.parse(readFileSync(join(inject("runtimeDataDir"), "runtime.json"), "utf8")) as { dynamodb_endpoint: string; table: string };
    const db = createDb({ table: rt.table, endpoint: rt.dynamodb_endpoint });
    const res = await db.doc.send(
      new ScanCommand({
        TableName: db.table,
        FilterExpression: "#n = :n",
        ExpressionAttributeNames: { "#n": "name" },
        ExpressionAttributeValues: { ":n": name },
      }),
    );
    return res.Items?.length ?? 0;
  };

  it("--help prints the usage and exits 0", () => {
    const r = run("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run admin -- <command>/);
    expect(r.stdout).toContain("create-tenant");
    expect(r.stderr).toBe("");
  });

  it("refuses bad input in one line, before anything is written", async () => {
    const name = `never created ${Date.now()}`;
    const cases = [
      [["create-tenant", "--name", name, "--key", "short"], /--key: An API key must be at least 16 characters long/],
      [["create-tenant", "--name", name, "--plan", "gold"], /unknown plan "gold"/],
      [["create-tenant", "--name", name, "--bogus"], /Unknown option '--bogus'/],
      [["frobnicate"], /unknown command "frobnicate"/],
      [["create-key", "--tenant", "ten_missing"], /tenant ten_missing not found/],
      [["list-keys", "--tenant", "ten_x", "--table", "nope", "--endpoint", "http://127.0.0.1:9"], /unreachable/],
    ] as const;
    // The six invocations are independent: they run side by side.
    const results = await Promise.all(cases.map(([args]) => runAsync(...args)));
    for (const [i, [args, says]] of cases.entries()) {
      const r = results[i] as { status: number | null; stderr: string };
      expect(r.status, args.join(" ")).not.toBe(0);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr, args.join(" ")).toMatch(says);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await tenantsNamed(name)).toBe(0);
  });
});

describe("OUTREACH_TRANSPORT=baileys with no route to WhatsApp", () => {
  let rt: RuntimeProcess | undefined;
  afterAll(async () => {
    await rt?.stop();
    if (rt) removeDir(rt.dataDir);
  });

  it("shows a new session starting, retrying with backoff and saying why, while the API stays responsive", async () => {
    rt = await startRuntimeProcess({ env: { OUTREACH_TRANSPORT: "baileys" } });
    const api = client(rt.url, rt.key);
    const s = await api.post("/sessions", { name: "real phone" });
    expect(s.body).toMatchObject({ status: "starting", transport: "baileys" });
    const retrying = await waitFor(
      async () => {
        const cur = (await api.get(`/sessions/${s.body.id}`)).body;
        return /reconnecting in \d+ s \(attempt [2-9]/.test(cur.status_reason ?? "") ? cur : undefined;
      },
      { timeoutMs: 30_000, what: "a second reconnect attempt" },
    );
    expect(retrying.status).toBe("starting");
    expect(retrying.status_reason).toMatch(/connection lost/);
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      expect((await api.get("/custom-groups")).status).toBe(200);
      expect(performance.now() - t).toBeLessThan(1000);
    }
    expect((await api.get(`/sessions/${s.body.id}/qr`)).status).toBe(409);
    expect((await client(rt.url).get("/sandbox/api/messages")).status).toBe(404);
    expect(rt.output()).toMatch(/connection lost; reconnecting with backoff/);
  });
});
