import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
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
