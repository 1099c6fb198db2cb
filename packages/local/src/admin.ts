import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_AGENT_DAILY_NEW_CONTACTS, DEFAULT_AGENT_MAX_RECIPIENTS } from "@outreach/core/confirmation";
import { isDomainError } from "@outreach/core/error";
import { createIds } from "@outreach/core/id";
import { isPlanId, PLAN_IDS, type PlanId } from "@outreach/core/plan";
import { systemClock } from "@outreach/core/port";
import { checkPlainKey, createKey, createTenant, REPLY_WINDOW_HOURS_RANGE, RETENTION_DAYS_RANGE, SCOPES, type Scope, settingsOf } from "@outreach/core/tenant";

/**
 * `npm run admin -- <command>`: tenants and keys, against the local runtime's store (default) or a
 * deployed table (`--table <name>` or OUTREACH_TABLE, with the usual AWS credentials and AWS_REGION).
 * Every input is checked before anything is written; every error is one line saying what to do.
 */
const usage = `usage: npm run admin -- <command> [options]
  create-tenant --name <name> [--plan ${PLAN_IDS.join("|")}] [--key <plain key, 16-200 characters>]
  create-key    --tenant <ten_…> [--name <label>] [--scopes a,b,…] [--agent-max-recipients N] [--agent-daily-new-contacts N]
  set-agent-max --tenant <ten_…> --key-id <key_…> --recipients N   (largest send through MCP; default ${DEFAULT_AGENT_MAX_RECIPIENTS})
  revoke-key    --tenant <ten_…> --key-id <key_…>
  list-keys     --tenant <ten_…>
  set-plan      --tenant <ten_…> --plan <plan>
  set-settings  --tenant <ten_…> [--retention-days <1–3650>] [--reply-window-hours <1–720>]
scopes: ${SCOPES.join(", ")}
options: --table <name> (AWS; default: the local runtime in $OUTREACH_DATA_DIR or .data), --endpoint <url>, --help`;

/** A refusal a person can act on: one line on stderr, exit 2 (usage) or 1 (the store). */
class Refusal extends Error {
  constructor(
    message: string,
    readonly code = 2,
  ) {
    super(message);
  }
}
const die = (msg: string, code = 2): never => {
  throw new Refusal(msg, code);
};

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  name: { type: "string" },
  plan: { type: "string" },
  key: { type: "string" },
  tenant: { type: "string" },
  "key-id": { type: "string" },
  scopes: { type: "string" },
  "agent-max-recipients": { type: "string" },
  "agent-daily-new-contacts": { type: "string" },
  recipients: { type: "string" },
  table: { type: "string" },
  endpoint: { type: "string" },
  "retention-days": { type: "string" },
  "reply-window-hours": { type: "string" },
} as const;

// The SDK's notice about future Node versions is not this command's business (it is one line or none).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const main = async (argv: string[]) => {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    return die(`${(e as Error).message.split(/\.\s|\n/)[0]} (npm run admin -- --help lists the commands and options)`);
  }
  const { values, positionals } = parsed;
  const cmd = positionals[0];
  if (values.help || cmd === "help") {
    console.log(usage);
    return;
  }
  if (!cmd) return die("no command given (npm run admin -- --help lists them)");
  const need = (v: string | undefined, flag: string) => v ?? die(`${cmd} needs --${flag} (npm run admin -- --help)`);
  const count = (v: string, flag: string) => {
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 && n <= 10_000_000 ? n : die(`--${flag} must be a whole number from 0 to 10000000 (got "${v}")`);
  };
  const plan = (v: string) => (isPlanId(v) ? (v as PlanId) : die(`unknown plan "${v}" (plans: ${PLAN_IDS.join(", ")})`));
  const plainKey = (v: string | undefined) => {
    if (v === undefined) return undefined;
    try {
      checkPlainKey(v);
    } catch (e) {
      die(`--key: ${(e as Error).message}`);
    }
    return v;
  };
  const known = ["create-tenant", "create-key", "set-agent-max", "revoke-key", "list-keys", "set-plan", "set-settings"];
  if (!known.includes(cmd)) return die(`unknown command "${cmd}" (commands: ${known.join(", ")})`);

  // Checked before the store is touched: nothing is written for a refused command.
  const input = {
    name: cmd === "create-tenant" ? need(values.name, "name") : values.name,
    plan: values.plan === undefined ? undefined : plan(values.plan),
    key: plainKey(values.key),
    scopes: values.scopes?.split(",").map((s) => s.trim()) as Scope[] | undefined,
    agentMax: values["agent-max-recipients"] === undefined ? undefined : count(values["agent-max-recipients"], "agent-max-recipients"),
    agentDaily: values["agent-daily-new-contacts"] === undefined ? undefined : count(values["agent-daily-new-contacts"], "agent-daily-new-contacts"),
  };
  const bad = input.scopes?.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad?.length) die(`unknown scopes: ${bad.join(", ")} (known: ${SCOPES.join(", ")})`);
  if (input.name !== undefined && (input.name.trim() === "" || input.name.length > 200)) die("--name must be 1 to 200 characters");

  // Imported here, after the environment is set: the AWS SDK prints its notice when it loads.
  const { createDb, createStore } = await import("@outreach/aws/store");
  const store = createStore(target(values, createDb));
  const deps = { store, ids: createIds(), clock: systemClock };
  const tenantOf = async () => {
    const id = need(values.tenant, "tenant");
    if (!(await store.tenants.get(id))) die(`tenant ${id} not found (create-tenant prints the id)`);
    return id;
  };
  const keyOf = async () => {
    const keys = await store.tenants.listKeys(await tenantOf());
    const id = need(values["key-id"], "key-id");
    return keys.find((x) => x.id === id) ?? die(`key ${id} not found for this tenant (list-keys shows its keys)`);
  };
  const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));

  switch (cmd) {
    case "create-tenant": {
      const tenant = await createTenant(deps, { name: input.name as string, plan: input.plan ?? "free" });
      const { key } = await createKey(deps, { tenantId: tenant.id, name: "default", plain: input.key });
      return print({ tenant_id: tenant.id, plan: tenant.plan, api_key: key });
    }
    case "create-key": {
      const tenantId = await tenantOf();
      const { key, record } = await createKey(deps, {
        tenantId,
        name: input.name ?? "key",
        scopes: input.scopes,
        plain: input.key,
        agentMaxRecipients: input.agentMax,
        agentDailyNewContacts: input.agentDaily,
      });
      return print({
        key_id: record.id,
        scopes: record.scopes,
        agent_max_recipients: input.agentMax ?? DEFAULT_AGENT_MAX_RECIPIENTS,
        agent_daily_new_contacts: input.agentDaily ?? DEFAULT_AGENT_DAILY_NEW_CONTACTS,
        api_key: key,
      });
    }
    case "list-keys":
      return print((await store.tenants.listKeys(await tenantOf())).map(({ hash: _h, ...k }) => k));
    case "revoke-key": {
      const k = await keyOf();
      await store.tenants.revokeKey(k.hash, new Date().toISOString());
      return console.log(JSON.stringify({ revoked: k.id }));
    }
    case "set-agent-max": {
      const n = count(need(values.recipients, "recipients"), "recipients");
      const k = await keyOf();
      await store.tenants.setAgentMaxRecipients(k.hash, n);
      return console.log(JSON.stringify({ key_id: k.id, agent_max_recipients: n }));
    }
    case "set-plan": {
      const p = plan(need(values.plan, "plan"));
      const tenantId = await tenantOf();
      await store.tenants.setPlan(tenantId, p);
      return console.log(JSON.stringify({ tenant_id: tenantId, plan: p }));
    }
    case "set-settings": {
      const int = (v: string | undefined, flag: string, [min, max]: readonly [number, number]) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        return Number.isInteger(n) && n >= min && n <= max ? n : die(`--${flag} must be a whole number from ${min} to ${max} (got "${v}")`);
      };
      const settings = {
        retention_days: int(values["retention-days"], "retention-days", RETENTION_DAYS_RANGE),
        reply_window_hours: int(values["reply-window-hours"], "reply-window-hours", REPLY_WINDOW_HOURS_RANGE),
      };
      if (settings.retention_days === undefined && settings.reply_window_hours === undefined)
        die("set-settings needs --retention-days or --reply-window-hours");
      const tenantId = await tenantOf();
      await store.tenants.setSettings(tenantId, settings);
      return console.log(JSON.stringify({ tenant_id: tenantId, ...settingsOf(await store.tenants.get(tenantId, true)) }));
    }
  }
};

const target = (values: { table?: string; endpoint?: string }, createDb: typeof import("@outreach/aws/store").createDb) => {
  const table = values.table ?? process.env.OUTREACH_TABLE;
  if (table) return createDb({ table, endpoint: values.endpoint });
  const file = resolve(process.env.OUTREACH_DATA_DIR ?? ".data", "runtime.json");
  if (!existsSync(file)) die(`no local runtime found (${file} is missing): run npm start first, or pass --table for AWS`, 1);
  const rt = JSON.parse(readFileSync(file, "utf8")) as { dynamodb_endpoint: string; table: string };
  return createDb({ table: rt.table, endpoint: values.endpoint ?? rt.dynamodb_endpoint });
};

/** An error of the store or the SDK as one line: what failed and what to check. */
const storeError = (e: unknown) => {
  const err = e as { name?: string; message?: string; code?: string };
  const what = `${err.name ?? "Error"}: ${(err.message ?? String(e)).split("\n")[0]}`;
  if (err.name === "ResourceNotFoundException") return `the table was not found (${what}); check --table and AWS_REGION`;
  if (/credential/i.test(what)) return `no AWS credentials (${what}); set AWS_PROFILE or the AWS_* variables`;
  if (err.name === "ServiceUnavailable" || /ECONNREFUSED|unreachable|timed? ?out/i.test(what))
    return `the store did not answer (${what}); is the local runtime running (npm start), or is --endpoint right?`;
  return `the command failed (${what})`;
};

try {
  await main(process.argv.slice(2));
  process.exit(0);
} catch (e) {
  if (e instanceof Refusal) {
    console.error(`admin: ${e.message}`);
    process.exit(e.code);
  }
  const hint = isDomainError(e) && e.kind === "unavailable" ? " (is the local runtime running — npm start — or are --table and --endpoint right?)" : "";
  console.error(`admin: ${isDomainError(e) ? `${e.message}${hint}` : storeError(e)}`);
  process.exit(1);
}
