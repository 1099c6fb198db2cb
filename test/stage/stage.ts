import { type ChildProcess, spawn } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createDb, createStore, ensureTable } from "@outreach/aws/store";
import { createIds } from "@outreach/core/id";
import { systemClock } from "@outreach/core/port";
import { createKey, createTenant } from "@outreach/core/tenant";
import { startDynamoLocal } from "@outreach/local/dynamo-local";
import { freePort } from "@outreach/local/net";
import { startSqsLocal } from "@outreach/local/sqs-local";
import { allows, GRANTS, type Grant, type Role } from "../../infra/grants";
import { API, EVENTS, eventsVisibilitySeconds, REPAIR, SENDS_VISIBILITY_SECONDS, WORKER } from "../../infra/roles";
import { node22 } from "../../scripts/node22.mjs";
import { startEventSource } from "./event-source";
import { startFunctionUrl } from "./function-url";
import { accessKeyOf, roleOf, startIam } from "./iam";
import { createLambda } from "./lambda";
import { startScheduler } from "./scheduler";

const ROOT = resolve(import.meta.dirname, "../..");
const ACCOUNT = "000000000000";
const REGION = "us-east-1";

/** SST's `resource.enc`: the links as JSON, AES-256-GCM with a zero nonce, tag appended (sst's resource.js reads it so). */
const sealLinks = (links: Record<string, unknown>, key: Buffer) => {
  const cipher = createCipheriv("aes-256-gcm", key, Buffer.alloc(12, 0));
  return Buffer.concat([cipher.update(JSON.stringify(links)), cipher.final(), cipher.getAuthTag()]);
};

/** What EventBridge's rule for a cron delivers: `{ "detail-type": "Scheduled Event", source: "aws.events", … }`. */
export const scheduledEvent = (resources: string[] = []) => ({
  version: "0",
  id: randomBytes(8).toString("hex"),
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: ACCOUNT,
  time: `${new Date().toISOString().slice(0, 19)}Z`,
  region: REGION,
  resources,
  detail: {},
});

export interface StageOptions {
  shards?: number;
  /** The grants in force (default infra/grants.ts); read at every call, so a test can take one away. */
  grants?: () => Record<Role, readonly Grant[]>;
}

/**
 * The deployed shape, run here: the built bundles (dist/functions/*, dist/worker) on Node 22 with
 * exactly the environment infra gives each role (infra/roles.ts), their links as SST delivers them
 * (`resource.enc` for functions, `SST_RESOURCE_*` variables for the task), each role's AWS calls
 * checked against infra/grants.ts, and the AWS parts that cannot run here stood in for at their
 * boundary: a Function URL in streaming mode, the SQS event source mapping, EventBridge Scheduler,
 * the repair rule, ECS injecting the key. DynamoDB Local and the local SQS server are the data plane.
 * One deliberate difference: `OUTREACH_TRANSPORT=sandbox` for the API and the worker (WhatsApp
 * cannot be reached from here).
 */
export const startStage = async (opts: StageOptions = {}) => {
  const shards = opts.shards ?? 2;
  const grants = opts.grants ?? (() => GRANTS);
  const logs: string[] = [];
  const log = (line: string) => {
    logs.push(line);
    if (process.env.STAGE_LOG) console.log(line);
  };
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => {});
  };
  try {
    const node = node22();
    const [dynamo, sqsServer] = await Promise.all([startDynamoLocal({}), startSqsLocal()]);
    stops.push(
      () => dynamo.stop(),
      () => sqsServer.stop(),
    );
    const stage = `stage${randomBytes(3).toString("hex")}`;
    const names = {
      table: `outreach-${stage}-Table`,
      events: `outreach-${stage}-Events`,
      sends: Array.from({ length: shards }, (_, i) => `outreach-${stage}-Sends${i}`),
    };
    const arnOf = (queue: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue}`;

    // What `sst deploy` creates, as an operator would (admin credentials, straight to the data plane).
    const adminDb = createDb({ table: names.table, endpoint: dynamo.endpoint });
    await ensureTable(adminDb);
    const adminSqs = new SQSClient({ region: REGION, endpoint: sqsServer.endpoint, credentials: { accessKeyId: "admin", secretAccessKey: "admin" } });
    const queue = async (name: string, visibility: number) => {
      await adminSqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
      const r = await adminSqs.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: {
            VisibilityTimeout: String(visibility),
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf(`${name}-dlq`), maxReceiveCount: 10 }),
          },
        }),
      );
      return r.QueueUrl as string;
    };
    await queue(names.events, eventsVisibilitySeconds());
    for (const s of names.sends) await queue(s, SENDS_VISIBILITY_SECONDS);

    const iam = await startIam({ dynamo: dynamo.endpoint, sqs: sqsServer.endpoint, names, grants, log });
    stops.push(() => iam.close());
    // Queue URLs as SQS gives them; the SDK sends to the URL's host, which is the stage's IAM.
    const urlOf = (queueName: string) => `${iam.endpoint}/${ACCOUNT}/${queueName}`;
    const sqsAs = (role: Role) =>
      new SQSClient({ region: REGION, endpoint: iam.endpoint, credentials: { accessKeyId: accessKeyOf(role), secretAccessKey: "stage" } });

    const schedulerRoleArn = `arn:aws:iam::${ACCOUNT}:role/outreach-${stage}-SchedulerRole`;
    const scheduler = await startScheduler({
      roleOf,
      grants,
      schedulerRoleArn,
      queueUrlOf: (arn) => (arn === arnOf(names.events) ? urlOf(names.events) : undefined),
      deliver: sqsAs("scheduler"),
      log,
    });
    stops.push(() => scheduler.close());

    const links: Record<string, unknown> = {
      Table: { name: names.table },
      Events: { url: urlOf(names.events) },
      ...Object.fromEntries(names.sends.map((s, i) => [`Sends${i}`, { url: urlOf(s) }])),
      Scheduler: { groupName: `outreach-${stage}`, roleArn: schedulerRoleArn, queueArn: arnOf(names.events) },
    };
    const app = JSON.stringify({ name: "outreach", stage });
    /** What AWS gives every process of a role: its credentials, region, and (here) the endpoints of the stand-ins. */
    const awsEnv = (role: Role) => ({
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: accessKeyOf(role),
      AWS_SECRET_ACCESS_KEY: "stage",
      AWS_SESSION_TOKEN: "stage",
      AWS_ENDPOINT_URL_DYNAMODB: iam.endpoint,
      AWS_ENDPOINT_URL_SQS: iam.endpoint,
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.endpoint,
      TZ: ":UTC",
    });

    const work = mkdtempSync(join(tmpdir(), "outreach-stage-"));
    stops.push(async () => rmSync(work, { recursive: true, force: true }));
    /** A function as SST deploys it: the bundle, `resource.enc` beside it, SST's variables, the role's environment. */
    const lambda = (
      name: "api" | "events" | "repair",
      role: Role,
      def: typeof API | typeof EVENTS | typeof REPAIR,
      extra: Record<string, string> = {},
      ownLinks: Record<string, unknown> = {},
    ) => {
      const dir = mkdtempSync(join(work, `${name}-`));
      cpSync(join(ROOT, "dist/functions", name), dir, { recursive: true });
      const key = randomBytes(32);
      writeFileSync(join(dir, "resource.enc"), sealLinks({ ...links, ...ownLinks }, key));
      const fn = createLambda({
        name,
        dir,
        node: node.path,
        timeoutSeconds: def.timeoutSeconds,
        concurrency: name === "api" ? 4 : 2,
        log,
        env: {
          ...def.environment({ shards }),
          ...extra,
          ...awsEnv(role),
          AWS_LAMBDA_FUNCTION_NAME: `outreach-${stage}-${name}`,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(def.memoryMb),
          AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
          LAMBDA_TASK_ROOT: dir,
          SST_RESOURCE_App: app,
          SST_KEY: key.toString("base64"),
          SST_KEY_FILE: "resource.enc",
        },
      });
      stops.push(() => fn.stop());
      return fn;
    };

    // The API alone links the cursor key (infra/api.ts): an SST secret's link is `{ value }`.
    const cursorKey = { CursorKey: { value: randomBytes(32).toString("hex") } };
    /** A new function of that name, as deployed (bench/cold-start.ts: each one's first invocation is a cold start). */
    const fresh = (name: "api" | "events" | "repair") =>
      name === "api"
        ? lambda("api", "api", API, { OUTREACH_TRANSPORT: "sandbox" }, cursorKey)
        : name === "events"
          ? lambda("events", "events", EVENTS)
          : lambda("repair", "repair", REPAIR);
    const api = fresh("api");
    const events = fresh("events");
    const repair = fresh("repair");
    const url = await startFunctionUrl(api);
    stops.push(() => url.close());
    const eventSource = startEventSource({
      sqs: sqsAs("events"),
      queueUrl: urlOf(names.events),
      queueArn: arnOf(names.events),
      fn: events,
      batch: EVENTS.batch,
      log,
    });
    stops.push(() => eventSource.stop());
    const runRepair = () => repair.invoke(scheduledEvent([`arn:aws:events:${REGION}:${ACCOUNT}:rule/outreach-${stage}-Repair`]));
    const repairTimer = setInterval(() => void runRepair().catch((e) => log(`[repair] ${(e as Error).message}`)), REPAIR.everyMinutes * 60_000);
    repairTimer.unref();
    stops.push(async () => clearInterval(repairTimer));

    // The worker task: ECS injects the key from SSM only if the execution role may read the parameter.
    if (!allows(grants(), "workerExecution", "ssm:GetParameters", "authStateKey"))
      throw new Error("ResourceInitializationError: unable to pull secrets or registry auth: the execution role may not ssm:GetParameters the auth-state key");
    const healthPort = await freePort();
    let worker: ChildProcess | undefined;
    const startWorker = () => {
      const child = spawn(node.path, ["--enable-source-maps", "index.mjs"], {
        cwd: join(ROOT, "dist/worker"),
        env: {
          PATH: process.env.PATH ?? "",
          ...WORKER.environment({ shards, stage }),
          // The one port this machine chooses (8080 may be taken here); nothing else differs from the task.
          OUTREACH_HEALTH_PORT: String(healthPort),
          OUTREACH_TRANSPORT: "sandbox",
          [WORKER.authStateKeyEnv]: randomBytes(32).toString("hex"),
          ...awsEnv("worker"),
          ...Object.fromEntries(Object.entries(links).map(([k, v]) => [`SST_RESOURCE_${k}`, JSON.stringify(v)])),
          SST_RESOURCE_App: app,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const lines = (tag: string) => (d: Buffer) => {
        for (const l of d.toString().split("\n")) if (l.trim()) log(`[${tag}] ${l}`);
      };
      child.stdout?.on("data", lines("worker"));
      child.stderr?.on("data", lines("worker:stderr"));
      return child;
    };
    worker = startWorker();
    stops.push(
      () =>
        new Promise<void>((r) => {
          if (!worker || worker.exitCode !== null) return r();
          worker.once("exit", () => r());
          worker.kill("SIGTERM");
          setTimeout(() => worker?.kill("SIGKILL"), 15_000).unref();
        }),
    );

    // A tenant and its key, as the admin CLI makes them on a deployed stage.
    const store = createStore(adminDb, {});
    const deps = { store, ids: createIds(), clock: systemClock };
    const tenant = await createTenant(deps, { name: "Stage test", plan: "business" });
    const { key } = await createKey(deps, { tenantId: tenant.id, name: "default" });

    return {
      url: url.url,
      key,
      tenant,
      node,
      names,
      store,
      logs,
      denials: iam.denials,
      scheduler,
      eventSource,
      functions: { api, events, repair },
      fresh,
      runRepair,
      healthUrl: `http://127.0.0.1:${healthPort}/live`,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
};

export type Stage = Awaited<ReturnType<typeof startStage>>;
