import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { allows, GRANTS, type Role, type Target } from "../../infra/grants";
import nodejsSettings from "../../infra/nodejs.json";
import { API, EVENTS, LAMBDAS, REPAIR, STREAM_MAX_SECONDS, WORKER } from "../../infra/roles";
import { STREAM_MAX_SECONDS as API_STREAM_MAX_SECONDS } from "../../packages/api/src/app/env";
import { LAMBDAS as BUNDLED } from "../../scripts/bundle.mjs";
import { cleanUpAfterEach, configUrl, deploy, seconds } from "./deploy";
import { createRecorder, isRef, PATH } from "./recorder";

/** What `sst.config.ts` declares (deploy.ts): network, worker task, queues, grants, bundling, environments, protection. */
cleanUpAfterEach();

type Statement = { actions: string[]; resources: string[] };

/** Every IAM statement the deployment grants, by role: `permissions` of functions, the worker, inline policies. */
const grantsByRole = (r: Awaited<ReturnType<typeof deploy>>) => {
  const roles = new Map<string, Statement[]>();
  const add = (role: string, s: Statement) => roles.set(role, [...(roles.get(role) ?? []), s]);
  const fromArgs = (role: string, args: any) => {
    for (const p of args.permissions ?? []) add(role, { actions: p.actions, resources: p.resources.map(String) });
  };
  for (const c of r.created) {
    if (c.type === "sst.aws.Function") fromArgs(c.name, c.args);
    if (c.type === "sst.aws.Cron") fromArgs(c.name, c.args.function);
    if (c.type === "sst.aws.Service") fromArgs(c.name, c.args);
    if (c.type === "aws.iam.Role")
      for (const p of c.args.inlinePolicies ?? [])
        for (const s of JSON.parse(p.policy).Statement) add(c.name, { actions: [s.Action].flat(), resources: [s.Resource].flat() });
  }
  for (const c of r.called.filter((c) => c.fn.endsWith(".subscribe"))) fromArgs(c.fn, c.args[0]);
  // The worker's execution role as its transform leaves it.
  const roleArgs: any = {};
  r.one("sst.aws.Service", "Worker").args.transform.executionRole(roleArgs);
  for (const s of JSON.parse(roleArgs.inlinePolicies[0].policy).Statement)
    add("WorkerExecutionRole", { actions: [s.Action].flat(), resources: [s.Resource].flat() });
  return roles;
};

describe("infra shape", () => {
  it("runs the worker in public subnets without any NAT", async () => {
    const r = await deploy("dev");
    const vpc = r.one("sst.aws.Vpc", "Vpc");
    expect(vpc.args.nat).toBeUndefined();
    expect(r.created.filter((c) => /NatGateway|ec2\.Instance|ec2\.Eip/.test(c.type))).toEqual([]);
  });

  it("runs the worker on arm64, sized from the benchmark by default and by config when set", async () => {
    let w = (await deploy("dev")).one("sst.aws.Service", "Worker");
    expect(w.args.architecture).toBe("arm64");
    expect([w.args.cpu, w.args.memory]).toEqual(["0.5 vCPU", "1 GB"]);
    w = (await deploy("dev", { OUTREACH_WORKER_CPU: "1 vCPU", OUTREACH_WORKER_MEMORY: "2 GB" })).one("sst.aws.Service", "Worker");
    expect([w.args.cpu, w.args.memory]).toEqual(["1 vCPU", "2 GB"]);
    await expect(deploy("dev", { OUTREACH_WORKER_CPU: "3 vCPU" })).rejects.toThrow(/OUTREACH_WORKER_CPU/);
  });

  it("gives every worker container a 120 s stop timeout and a liveness health check", async () => {
    const w = (await deploy("dev")).one("sst.aws.Service", "Worker");
    const task = { containerDefinitions: JSON.stringify([{ name: "Worker", image: "x" }]) };
    w.args.transform.taskDefinition(task);
    const defs = JSON.parse((task.containerDefinitions as any).value);
    expect(defs).toEqual([{ name: "Worker", image: "x", stopTimeout: 120 }]);

    const cmd: string[] = w.args.health.command;
    expect(cmd.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    expect(cmd[3]).toContain('"http://127.0.0.1:"+(process.env.OUTREACH_HEALTH_PORT||8080)+"/live"');
    expect(w.args.environment.OUTREACH_HEALTH_PORT).toBe("8080");
    expect(seconds(w.args.health.startPeriod)).toBeGreaterThanOrEqual(60);
    expect(w.args.health.retries).toBeGreaterThanOrEqual(2);
    expect(w.args.transform.service).toMatchObject({ deploymentMinimumHealthyPercent: 100, deploymentMaximumPercent: 200 });
  });

  it("declares K shard sends queues with a dead-letter queue, and every process that uses them gets all K and K itself", async () => {
    for (const [env, k] of [[{}, 8] as const, [{ OUTREACH_SHARDS: "3" }, 3] as const]) {
      const r = await deploy("dev", env);
      const queues = r.created.filter((c) => c.type === "sst.aws.Queue" && /^Sends\d+$/.test(c.name));
      expect(queues.map((q) => q.name)).toEqual(Array.from({ length: k }, (_, i) => `Sends${i}`));
      for (const q of queues) {
        expect(String(q.args.dlq.queue), q.name).toBe("<SendsDlq.arn>");
        expect(q.args.dlq.retry, q.name).toBe(10);
        expect(seconds(q.args.visibilityTimeout), q.name).toBeGreaterThanOrEqual(120);
      }
      expect(r.created.some((c) => c.type === "sst.aws.Queue" && c.name === "Sends")).toBe(false);
      const users = [
        ["Api", r.one("sst.aws.Function", "Api").args],
        ["Events", r.called.find((c) => c.fn === "Events.subscribe")?.args[0]],
        ["Repair", r.one("sst.aws.Cron", "Repair").args.function],
        ["Worker", r.one("sst.aws.Service", "Worker").args],
      ] as const;
      for (const [name, args] of users) {
        const linked = (args.link as unknown[]).map(String).filter((l) => /^<Sends\d+>$/.test(l));
        expect(linked, name).toEqual(queues.map((q) => `<${q.name}>`));
        expect(args.environment.OUTREACH_SHARDS, name).toBe(String(k));
      }
    }
    await expect(deploy("dev", { OUTREACH_SHARDS: "0" })).rejects.toThrow(/OUTREACH_SHARDS/);
  });

  it("injects the auth-state key by reference from an SSM SecureString, never as a value", async () => {
    const r = await deploy("prod");
    const param = r.one("aws.ssm.Parameter", "AuthStateKeyParameter");
    expect(param.args.type).toBe("SecureString");
    expect(String(param.args.value)).toBe("<AuthStateKey.value>");

    const w = r.one("sst.aws.Service", "Worker");
    expect(Object.keys(w.args.ssm)).toEqual(["OUTREACH_AUTH_STATE_KEY"]);
    expect(String(w.args.ssm.OUTREACH_AUTH_STATE_KEY)).toBe("<AuthStateKeyParameter.arn>");
    // Nothing that SST copies into a task definition or a function's environment holds the secret.
    for (const c of r.created.filter((c) => c.type.startsWith("sst.aws."))) {
      const args = c.type === "sst.aws.Cron" ? c.args.function : c.args;
      expect(
        (args.link ?? []).map((l: any) => l[PATH]),
        c.name,
      ).not.toContain("AuthStateKey");
      expect(JSON.stringify(args.environment ?? {}), c.name).not.toContain("AuthStateKey");
    }
    // The execution role may read that one parameter only.
    expect(grantsByRole(r).get("WorkerExecutionRole")).toEqual([{ actions: ["ssm:GetParameters"], resources: ["<AuthStateKeyParameter.arn>"] }]);
  });

  it("grants no wildcard action, and links carry properties only", async () => {
    const r = await deploy("dev");
    const roles = grantsByRole(r);
    expect([...roles.keys()].sort()).toEqual(["Api", "Events.subscribe", "Repair", "SchedulerRole", "Worker", "WorkerExecutionRole"]);
    for (const [role, statements] of roles)
      for (const s of statements) {
        for (const a of s.actions) expect(a, role).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
        expect(s.resources.length, role).toBeGreaterThan(0);
        for (const res of s.resources) expect(res, role).not.toBe("*");
      }
    // Linking a table or a queue grants nothing (SST's default is dynamodb:* / sqs:*).
    const wraps = r.called.filter((c) => c.fn === "sst.Linkable.wrap");
    expect(wraps.map((w) => w.args[0][PATH]).sort()).toEqual(["sst.aws.Dynamo", "sst.aws.Queue"]);
    for (const w of wraps) expect(w.args[1]({ name: "n", url: "u" }).include).toBeUndefined();
    for (const l of r.created.filter((c) => c.type === "sst.Linkable")) expect(l.args.include, l.name).toBeUndefined();
  });

  it("builds every role's IAM statements from the grants table, and nothing else", async () => {
    const roles = grantsByRole(await deploy("dev"));
    const arnOf: Record<Target, string[]> = {
      table: ["<Table.arn>", "<Table.arn>/index/*"],
      events: ["<Events.arn>"],
      sends: Array.from({ length: 8 }, (_, i) => `<Sends${i}.arn>`),
      schedules: ["arn:aws:scheduler:<aws.getRegionOutput().name>:<aws.getCallerIdentityOutput().accountId>:schedule/<ScheduleGroup.name>/*"],
      schedulerRole: ["<SchedulerRole.arn>"],
      authStateKey: ["<AuthStateKeyParameter.arn>"],
    };
    const expected = (role: Role) => GRANTS[role].filter((g) => g.by !== "sst").map((g) => ({ actions: [...g.actions], resources: arnOf[g.target] }));
    const byName: Record<string, Role> = {
      Api: "api",
      "Events.subscribe": "events",
      Repair: "repair",
      Worker: "worker",
      WorkerExecutionRole: "workerExecution",
      SchedulerRole: "scheduler",
    };
    for (const [name, role] of Object.entries(byName)) expect(roles.get(name), name).toEqual(expected(role));
    // What the code needs, read from the table: the API queues single messages on the shard queues;
    // only the worker consumes them; timers are armed by the functions, never by the worker.
    expect(allows(GRANTS, "api", "sqs:SendMessage", "sends")).toBe(true);
    expect(allows(GRANTS, "api", "sqs:ReceiveMessage", "sends")).toBe(false);
    expect(allows(GRANTS, "worker", "sqs:ReceiveMessage", "sends")).toBe(true);
    expect(allows(GRANTS, "worker", "scheduler:CreateSchedule", "schedules")).toBe(false);
    for (const role of ["api", "events", "repair"] as const) expect(allows(GRANTS, role, "scheduler:CreateSchedule", "schedules"), role).toBe(true);
    for (const role of ["api", "events", "repair", "worker"] as const) {
      const dynamo = GRANTS[role].filter((g) => g.target === "table").flatMap((g) => g.actions);
      expect([...dynamo].sort(), role).toEqual(
        ["BatchGetItem", "BatchWriteItem", "ConditionCheckItem", "DeleteItem", "GetItem", "PutItem", "Query", "UpdateItem"].map((a) => `dynamodb:${a}`),
      );
    }
  });

  it("bundles every Lambda the same way, without esbuild plugins, with the settings scripts/bundle.mjs uses", async () => {
    const r = await deploy("dev");
    const fns = [
      r.one("sst.aws.Function", "Api").args,
      r.called.find((c) => c.fn === "Events.subscribe")?.args[0],
      r.one("sst.aws.Cron", "Repair").args.function,
    ];
    for (const f of fns) {
      expect(f.nodejs).toEqual({ ...nodejsSettings, format: "esm" });
      expect(f.nodejs.plugins).toBeUndefined();
      expect(f.runtime).toBe("nodejs22.x");
    }
    // No file of infra/ or sst.config.ts names SST's plugin option.
    const root = new URL("../../", import.meta.url);
    for (const f of ["sst.config.ts", ...readdirSync(new URL("infra/", root)).map((n) => `infra/${n}`)])
      expect(readFileSync(new URL(f, root), "utf8"), f).not.toMatch(/plugins\s*:/);
    expect(fns.map((f) => f.handler)).toEqual(Object.values(LAMBDAS).map((l) => l.handler));
    // The stage test runs what scripts/bundle.mjs builds: the same entries SST bundles.
    expect(Object.entries(BUNDLED).map(([name, entry]) => [name, entry.replace(/\.ts$/, ".handler")])).toEqual(
      Object.entries(LAMBDAS).map(([name, l]) => [name, l.handler]),
    );
  });

  it("gives each function and the task exactly its role's environment (infra/roles.ts), which the stage test runs", async () => {
    const r = await deploy("dev", { OUTREACH_SHARDS: "3" });
    expect(r.one("sst.aws.Function", "Api").args.environment).toEqual(API.environment({ shards: 3 }));
    expect(r.called.find((c) => c.fn === "Events.subscribe")?.args[0].environment).toEqual(EVENTS.environment({ shards: 3 }));
    expect(r.one("sst.aws.Cron", "Repair").args.function.environment).toEqual(REPAIR.environment({ shards: 3 }));
    expect(r.one("sst.aws.Service", "Worker").args.environment).toEqual(WORKER.environment({ shards: 3, stage: "dev" }));
    // Nothing deployed runs the sandbox: it is the stage test's stand-in for WhatsApp only.
    for (const env of [
      API.environment({ shards: 3 }),
      EVENTS.environment({ shards: 3 }),
      REPAIR.environment({ shards: 3 }),
      WORKER.environment({ shards: 3, stage: "x" }),
    ])
      expect((env as Record<string, string>).OUTREACH_TRANSPORT ?? "baileys").toBe("baileys");
  });

  it("lets a full progress stream end by itself before the API's timeout", async () => {
    const api = (await deploy("dev")).one("sst.aws.Function", "Api").args;
    expect(STREAM_MAX_SECONDS).toBe(API_STREAM_MAX_SECONDS);
    expect(seconds(api.timeout)).toBeGreaterThanOrEqual(STREAM_MAX_SECONDS + 30);
    expect(api.streaming).toBe(true);
  });

  it("keeps dead letters 14 days and events invisible for at least 6× the consumer's timeout", async () => {
    const r = await deploy("dev");
    for (const name of ["EventsDlq", "SendsDlq"]) expect(r.one("sst.aws.Queue", name).args.transform.queue.messageRetentionSeconds).toBe(14 * 24 * 3600);
    const [consumer, options] = r.called.find((c) => c.fn === "Events.subscribe")!.args;
    const visibility = seconds(r.one("sst.aws.Queue", "Events").args.visibilityTimeout);
    expect(visibility).toBeGreaterThanOrEqual(6 * seconds(consumer.timeout) + seconds(options.batch.window));
    expect(options.batch.partialResponses).toBe(true);
  });

  it("reserves API concurrency only when configured (new accounts have 10 in all), and runs the cron with `function`", async () => {
    let r = await deploy("dev");
    expect(r.one("sst.aws.Function", "Api").args.concurrency).toBeUndefined();
    r = await deploy("dev", { OUTREACH_API_CONCURRENCY: "20" });
    expect(r.one("sst.aws.Function", "Api").args.concurrency.reserved).toBe(20);
    const cron = r.one("sst.aws.Cron", "Repair");
    expect(cron.args.job).toBeUndefined();
    expect(cron.args.function.handler).toBe("packages/functions/src/repair/index.handler");
  });

  it("protects every production stage: deletion protection, retained table, a deploy that waits, and `sst remove` refuses unless unprotected", async () => {
    for (const [stage, env] of [
      ["prod", {}],
      ["production", {}],
      ["live", { OUTREACH_PRODUCTION_STAGES: "staging, live" }],
    ] as const) {
      const prod = await deploy(stage, env);
      expect(prod.one("sst.aws.Dynamo", "Table").args.transform.table, stage).toMatchObject({
        deletionProtectionEnabled: true,
        pointInTimeRecovery: { enabled: true },
      });
      expect(prod.app, stage).toMatchObject({ removal: "retain", protect: true });
      expect(prod.one("sst.aws.Service", "Worker").args.wait, stage).toBe(true);
    }
    expect((await deploy("dev")).one("sst.aws.Service", "Worker").args.wait).toBe(false);
    const dev = await deploy("dev");
    expect(dev.one("sst.aws.Dynamo", "Table").args.transform.table.deletionProtectionEnabled).toBe(false);
    expect(dev.app.protect).toBe(false);
    expect((await deploy("prod", { OUTREACH_UNPROTECT: "1" })).app.protect).toBe(false);
  });

  it("decides production stages in one function: prod, production, and those listed", async () => {
    const rec = createRecorder({ stage: "x" });
    rec.install();
    vi.resetModules();
    const { isProductionStage } = await import(/* @vite-ignore */ configUrl);
    expect(["prod", "production"].map((s) => isProductionStage(s, {}))).toEqual([true, true]);
    expect(["dev", "staging", "Prod", "prod2", undefined].map((s) => isProductionStage(s, {}))).toEqual([false, false, false, false, false]);
    expect(isProductionStage("staging", { OUTREACH_PRODUCTION_STAGES: "qa, staging" })).toBe(true);
    expect(isProductionStage("dev", { OUTREACH_PRODUCTION_STAGES: "qa, staging" })).toBe(false);
  });

  it("outputs references only", async () => {
    const r = await deploy("dev");
    // References, or strings built only from references (the dashboard's URL): never a literal value.
    for (const [k, v] of Object.entries(r.outputs))
      for (const x of [v].flat()) expect(isRef(x) || /^https:\/\/[^<]*(<[^>]+>[^<]*)+$/.test(String(x)), k).toBe(true);
    expect(r.outputs.sendsQueues).toHaveLength(8);
  });
});
