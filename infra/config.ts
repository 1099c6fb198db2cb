/**
 * Deploy-time settings, read from the environment of the shell that runs `sst deploy` (they are not
 * secrets; nothing here reaches a task definition except as the value it configures):
 *
 * - `OUTREACH_WORKER_CPU` (default `0.5 vCPU`) and `OUTREACH_WORKER_MEMORY` (default `1 GB`): the
 *   worker task's size. BENCHMARKS.md "Scale of one process": 50 paced sessions used 19.4 % of one
 *   core and 212 MB peak RSS with the API and planner in the same process, so 0.5 vCPU / 1 GB keeps
 *   ~2.5× CPU and ~4.5× memory headroom for real Baileys sockets at 50 sessions; 0.25 vCPU would run
 *   at ~80 % there. Fargate pairs 0.5 vCPU with 1–4 GB, 1 vCPU with 2–8 GB.
 * - `OUTREACH_API_CONCURRENCY` (default 0: none reserved): reserved concurrency of the API function,
 *   capping how many executions open `/progress` streams (up to 5 minutes each) can hold so the events
 *   consumer keeps the rest of the account's pool. Reserving needs the account's limit to exceed it by
 *   10 (new accounts start at 10 in total: ask for a raise first), so it is off unless set.
 * - `OUTREACH_SHARDS` (default 8, 1–64): shards, each with its own sends queue; a session belongs to
 *   shard `hash(session id) mod K`. Changing it on a running stage is a migration (docs/deploying-to-aws.md "Scaling").
 * - `OUTREACH_WORKER_MIN` / `OUTREACH_WORKER_MAX` (default min 2 on a production stage, 1 elsewhere;
 *   max 4): the worker service's task count range for auto scaling (sessions per task, CPU, memory and
 *   the sends backlog). `max` may not exceed the shards: a task beyond K would hold none. One task is a
 *   single point of failure: production stages keep two.
 * - `OUTREACH_SESSIONS_PER_TASK` (default 40): the scaling target of WhatsApp sessions per task (docs/deploying-to-aws.md
 *   "Scaling": ≈ 50 fit the default 0.5 vCPU / 1 GB task, memory binding first).
 * - `OUTREACH_WORKER_CAPACITY` (default `fargate`): `spot` runs every task on Fargate Spot (≈ 70 % less;
 *   small or non-critical stages); `mixed` the first task on regular Fargate and the rest on Spot.
 * - `OUTREACH_WA_VERSION` (optional, e.g. `2.3000.1027934701`): the WhatsApp Web version the worker's
 *   Baileys sockets announce, for when WhatsApp answers 405 "update required" before Baileys is updated.
 * - `OUTREACH_ALARM_EMAIL` (optional): an address subscribed to the alarm topic (confirm the mail AWS
 *   sends). Without it the alarms still exist and show in the console.
 */
const env = (name: string): string | undefined => {
  const v = process.env[name]?.trim();
  return v ? v : undefined;
};

const CPUS = ["0.25 vCPU", "0.5 vCPU", "1 vCPU", "2 vCPU", "4 vCPU"] as const;
type Cpu = (typeof CPUS)[number];

const cpu = (v = "0.5 vCPU"): Cpu => {
  if (!(CPUS as readonly string[]).includes(v)) throw new Error(`OUTREACH_WORKER_CPU must be one of ${CPUS.join(", ")}; got "${v}"`);
  return v as Cpu;
};

const memory = (v = "1 GB"): `${number} GB` => {
  if (!/^\d+(\.\d+)? GB$/.test(v)) throw new Error(`OUTREACH_WORKER_MEMORY must look like "2 GB"; got "${v}"`);
  return v as `${number} GB`;
};

const count = (v = "0"): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`OUTREACH_API_CONCURRENCY must be a whole number ≥ 0; got "${v}"`);
  return n;
};

const whole = (name: string, v: string, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}; got "${v}"`);
  return n;
};

const waVersion = (v: string | undefined) => {
  if (v !== undefined && !/^\d+\.\d+\.\d+$/.test(v)) throw new Error(`OUTREACH_WA_VERSION must look like 2.3000.1027934701; got "${v}"`);
  return v;
};

const capacity = (v = "fargate"): "fargate" | "spot" | "mixed" => {
  if (v !== "fargate" && v !== "spot" && v !== "mixed") throw new Error(`OUTREACH_WORKER_CAPACITY must be "fargate", "spot" or "mixed"; got "${v}"`);
  return v;
};

const shards = whole("OUTREACH_SHARDS", env("OUTREACH_SHARDS") ?? "8", 1, 64);
/** A production stage (sst.config.ts decides: `removal: "retain"` only there). */
export const production = $app.removal === "retain";
const workerMin = whole("OUTREACH_WORKER_MIN", env("OUTREACH_WORKER_MIN") ?? String(Math.min(production ? 2 : 1, shards)), 1, shards);
const workerMax = whole("OUTREACH_WORKER_MAX", env("OUTREACH_WORKER_MAX") ?? String(Math.min(4, shards)), workerMin, shards);

export const config = {
  shards,
  workerMin,
  workerMax,
  workerCpu: cpu(env("OUTREACH_WORKER_CPU")),
  waVersion: waVersion(env("OUTREACH_WA_VERSION")),
  workerMemory: memory(env("OUTREACH_WORKER_MEMORY")),
  apiReservedConcurrency: count(env("OUTREACH_API_CONCURRENCY")),
  sessionsPerTask: whole("OUTREACH_SESSIONS_PER_TASK", env("OUTREACH_SESSIONS_PER_TASK") ?? "40", 1, 1000),
  workerCapacity: capacity(env("OUTREACH_WORKER_CAPACITY")),
  alarmEmail: env("OUTREACH_ALARM_EMAIL"),
};
