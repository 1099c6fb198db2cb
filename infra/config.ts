/**
 * Deploy-time settings, read from the environment of the shell that runs `sst deploy` (they are not
 * secrets; nothing here reaches a task definition except as the value it configures):
 *
 * - `OUTREACH_WORKER_CPU` (default `0.5 vCPU`) and `OUTREACH_WORKER_MEMORY` (default `1 GB`): the
 *   worker task's size. BENCHMARKS.md "Scale of one process": 50 paced sessions used 19.4 % of one
 *   core and 212 MB peak RSS with the API and planner in the same process, so 0.5 vCPU / 1 GB keeps
 *   ~2.5× CPU and ~4.5× memory headroom for real Baileys sockets at 50 sessions; 0.25 vCPU would run
 *   at ~80 % there. Fargate pairs 0.5 vCPU with 1–4 GB, 1 vCPU with 2–8 GB.
 * - `OUTREACH_API_CONCURRENCY` (default 50): reserved concurrency of the API function. It caps how many
 *   executions open `/progress` streams (up to 5 minutes each) can hold, so the events consumer keeps
 *   the rest of the account's pool. The account needs at least this + 10 unreserved (new accounts
 *   start at 10 in total: ask for a quota raise, or set 0 to reserve nothing).
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

const count = (v = "50"): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`OUTREACH_API_CONCURRENCY must be a whole number ≥ 0; got "${v}"`);
  return n;
};

export const config = {
  workerCpu: cpu(env("OUTREACH_WORKER_CPU")),
  workerMemory: memory(env("OUTREACH_WORKER_MEMORY")),
  apiReservedConcurrency: count(env("OUTREACH_API_CONCURRENCY")),
  alarmEmail: env("OUTREACH_ALARM_EMAIL"),
};
