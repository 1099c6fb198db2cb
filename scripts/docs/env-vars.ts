/**
 * Every environment variable Outreach reads, in one typed list: `npm run docs` writes the tables of
 * docs/getting-started.md and docs/deploying-to-aws.md from it, and test/integration/docs.test.ts
 * fails when code reads an `OUTREACH_…` variable (or `PORT`, `HOST`) that is not here, or when one
 * listed here is read nowhere.
 */
export interface EnvVar {
  name: string;
  default: string;
  /** `runtime`: read by a running process (local runtime, worker, Lambda); `deploy`: read by `sst deploy` from your shell; `both`. */
  when: "runtime" | "deploy" | "both";
  meaning: string;
}

export const ENV_VARS: EnvVar[] = [
  { name: "PORT", default: "`3000`", when: "runtime", meaning: "API port of the local runtime" },
  {
    name: "HOST",
    default: "`127.0.0.1`",
    when: "runtime",
    meaning:
      "address the local API listens on (`0.0.0.0` shares it — and the unauthenticated `/sandbox` — with your network; DynamoDB Local and the SQS server stay on 127.0.0.1)",
  },
  { name: "OUTREACH_DATA_DIR", default: "`.data`", when: "runtime", meaning: "where the local runtime keeps DynamoDB data, the dev key and its pid files" },
  { name: "OUTREACH_TRANSPORT", default: "`sandbox`", when: "runtime", meaning: "`sandbox` (simulated WhatsApp) or `baileys` (real WhatsApp Web)" },
  {
    name: "OUTREACH_DEV_API_KEY",
    default: "generated",
    when: "runtime",
    meaning: "use this key for the development tenant instead of a generated one (≥ 16 characters)",
  },
  {
    name: "OUTREACH_DEV_PLAN",
    default: "`business`",
    when: "runtime",
    meaning: "plan of the development tenant: `free`, `starter`, `pro`, `business`, `unlimited`",
  },
  { name: "OUTREACH_RATE_LIMIT", default: "`100`", when: "runtime", meaning: "requests per second per API key (`0` disables the limit)" },
  {
    name: "OUTREACH_UNAUTH_RATE_LIMIT",
    default: "`600`",
    when: "runtime",
    meaning: "requests without a valid key per source address and minute (`0` disables)",
  },
  { name: "OUTREACH_LOG_LEVEL", default: "`info`", when: "runtime", meaning: "pino log level (`debug`, `info`, `warn`, `error`, `silent`)" },
  {
    name: "OUTREACH_ALLOW_PRIVATE_URLS",
    default: "off",
    when: "runtime",
    meaning:
      "`1`: tenants' media and webhook URLs may name loopback (127.0.0.0/8, ::1, `localhost`) for local tests; private and link-local addresses stay refused. Never read on AWS",
  },
  {
    name: "OUTREACH_FETCH_TIMEOUT_SECONDS",
    default: "`60`",
    when: "runtime",
    meaning: "whole-download cap of a media fetch (tests of slow servers shorten it)",
  },
  {
    name: "OUTREACH_WEBHOOK_RETRY_SECONDS",
    default: "see webhooks.md",
    when: "runtime",
    meaning: "local only: comma-separated seconds before each webhook retry (tests shorten the day-long schedule), e.g. `1,1,1`",
  },
  {
    name: "OUTREACH_WORKERS",
    default: "`0`",
    when: "runtime",
    meaning:
      "`0`: sessions are hosted and sent in the runtime's process; `N` (1–16, sandbox only): N worker processes share the shards, like worker tasks on AWS (listed in `.data/runtime.json`)",
  },
  {
    name: "OUTREACH_WORKER_NODE_ARGS",
    default: "none",
    when: "runtime",
    meaning:
      "local only: Node flags for the worker processes alone, space-separated (e.g. a CPU profiler: Node refuses `--cpu-prof` in `NODE_OPTIONS`); the fleet bench uses it",
  },
  { name: "OUTREACH_WORKER_ID", default: "set by the runtime", when: "runtime", meaning: "local only: the id the runtime gives each worker process it starts" },
  {
    name: "OUTREACH_SHARDS",
    default: "`8`",
    when: "both",
    meaning:
      "shards (1–64): each has its own sends queue, and a session belongs to shard `hash(session id) mod K`; on AWS set at deploy (see deploying-to-aws.md)",
  },
  {
    name: "OUTREACH_WA_VERSION",
    default: "Baileys'",
    when: "both",
    meaning: 'the WhatsApp Web version the Baileys transport announces, e.g. `2.3000.1027934701` (after a `405` "update required"; on AWS set at deploy)',
  },
  {
    name: "OUTREACH_TABLE",
    default: "–",
    when: "runtime",
    meaning: "admin CLI only: the DynamoDB table of a deployed stage (uses your AWS credentials and `AWS_REGION`)",
  },
  {
    name: "OUTREACH_API_URL",
    default: "`http://localhost:3000`",
    when: "runtime",
    meaning: "CLI (`npx outreach`) and agent skill: the server's base URL, without `/api/v2`",
  },
  { name: "OUTREACH_API_KEY", default: "`.data/dev-api-key`", when: "runtime", meaning: "CLI (`npx outreach`) and agent skill: the API key to use" },
  {
    name: "OUTREACH_AUTH_STATE_KEY",
    default: "–",
    when: "runtime",
    meaning: "AWS worker: the key WhatsApp credentials are encrypted with (injected by ECS from SSM; the worker refuses to start without it)",
  },
  { name: "OUTREACH_STAGE", default: "set by infra", when: "runtime", meaning: "AWS worker: the stage name, a dimension of its metrics" },
  {
    name: "OUTREACH_METRICS_NAMESPACE",
    default: "set by infra",
    when: "runtime",
    meaning: "AWS worker: the CloudWatch namespace of its embedded metrics (`Outreach`)",
  },
  { name: "OUTREACH_HEALTH_PORT", default: "set by infra", when: "runtime", meaning: "AWS worker: the port of its container health check" },
  { name: "OUTREACH_WORKER_CPU", default: "`0.5 vCPU`", when: "deploy", meaning: "worker task CPU (`0.25 vCPU` … `4 vCPU`); sized from the scale benchmark" },
  {
    name: "OUTREACH_WORKER_MEMORY",
    default: "`1 GB`",
    when: "deploy",
    meaning: "worker task memory (0.25 vCPU takes 0.5–2 GB, 0.5 vCPU 1–4 GB, 1 vCPU 2–8 GB)",
  },
  {
    name: "OUTREACH_WORKER_CAPACITY",
    default: "`fargate`",
    when: "deploy",
    meaning: "`spot`: every task on Fargate Spot (≈ 70 % less); `mixed`: the first task on regular Fargate, the rest on Spot",
  },
  {
    name: "OUTREACH_API_CONCURRENCY",
    default: "`0` (none)",
    when: "deploy",
    meaning: "reserved concurrency of the API (needs this + 10 unreserved in the account; new accounts have 10 in all)",
  },
  { name: "OUTREACH_WORKER_MIN", default: "`2` production, `1` other", when: "deploy", meaning: "fewest worker tasks (one task is a single point of failure)" },
  { name: "OUTREACH_WORKER_MAX", default: "`4`", when: "deploy", meaning: "most worker tasks (at most the shard count: a task beyond it would hold no shard)" },
  { name: "OUTREACH_SESSIONS_PER_TASK", default: "`40`", when: "deploy", meaning: "scaling target: WhatsApp sessions per task" },
  {
    name: "OUTREACH_PRODUCTION_STAGES",
    default: "none",
    when: "deploy",
    meaning: "more stage names treated as production, comma-separated (`prod` and `production` always are)",
  },
  { name: "OUTREACH_ALARM_EMAIL", default: "none", when: "deploy", meaning: "an address subscribed to the alarm topic (confirm AWS's mail)" },
  { name: "OUTREACH_UNPROTECT", default: "off", when: "deploy", meaning: "`1`: lets `sst remove` remove a production stage (all but its table)" },
];
