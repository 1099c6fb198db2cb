import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createDb, createStore } from "@outreach/aws/store";
import { DEFAULT_AGENT_MAX_RECIPIENTS } from "@outreach/core/confirmation";
import { REPLY_WINDOW_HOURS_RANGE, RETENTION_DAYS_RANGE, settingsOf } from "@outreach/core/conversation";
import { createIds } from "@outreach/core/id";
import { isPlanId } from "@outreach/core/plan";
import { systemClock } from "@outreach/core/port";
import { createKey, createTenant, SCOPES, type Scope } from "@outreach/core/tenant";

/**
 * `npm run admin -- <command>`: tenants and keys, against the local runtime's store (default) or a
 * deployed table (`--table <name>` or OUTREACH_TABLE, with the usual AWS credentials and AWS_REGION).
 */
const usage = `usage: npm run admin -- <command> [options]
  create-tenant --name <name> [--plan free|starter|pro|business|unlimited] [--key <plain key>]
  create-key    --tenant <ten_…> [--name <label>] [--scopes a,b,…] [--agent-max-recipients N]
  set-agent-max --tenant <ten_…> --key-id <key_…> --recipients N   (largest send through MCP; default 500)
  revoke-key    --tenant <ten_…> --key-id <key_…>
  list-keys     --tenant <ten_…>
  set-plan      --tenant <ten_…> --plan <plan>
  set-settings  --tenant <ten_…> [--retention-days <1–3650>] [--reply-window-hours <1–720>]
scopes: ${SCOPES.join(", ")}
options: --table <name> (AWS; default: the local runtime in $OUTREACH_DATA_DIR or .data), --endpoint <url>`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: "string" },
    plan: { type: "string" },
    key: { type: "string" },
    tenant: { type: "string" },
    "key-id": { type: "string" },
    scopes: { type: "string" },
    "agent-max-recipients": { type: "string" },
    recipients: { type: "string" },
    table: { type: "string" },
    endpoint: { type: "string" },
    "retention-days": { type: "string" },
    "reply-window-hours": { type: "string" },
  },
});
const die = (msg: string): never => {
  console.error(msg);
  process.exit(2);
};
const cmd = positionals[0] ?? die(usage);

const target = () => {
  const table = values.table ?? process.env.OUTREACH_TABLE;
  if (table) return createDb({ table, endpoint: values.endpoint });
  const file = resolve(process.env.OUTREACH_DATA_DIR ?? ".data", "runtime.json");
  if (!existsSync(file)) die(`No local runtime found (${file} is missing): run npm start first, or pass --table for AWS.`);
  const rt = JSON.parse(readFileSync(file, "utf8")) as { dynamodb_endpoint: string; table: string };
  return createDb({ table: rt.table, endpoint: values.endpoint ?? rt.dynamodb_endpoint });
};

const store = createStore(target());
const deps = { store, ids: createIds(), clock: systemClock };
const need = (v: string | undefined, flag: string) => v ?? die(`${cmd} needs --${flag}\n${usage}`);
const count = (v: string, flag: string) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 10_000_000 ? n : die(`--${flag} must be a whole number from 0 to 10000000 (got "${v}")`);
};

switch (cmd) {
  case "create-tenant": {
    const plan = values.plan ?? "free";
    if (!isPlanId(plan)) die(`unknown plan ${plan}`);
    const tenant = await createTenant(deps, { name: need(values.name, "name"), plan: plan as "free" });
    const { key } = await createKey(deps, { tenantId: tenant.id, name: "default", plain: values.key });
    console.log(JSON.stringify({ tenant_id: tenant.id, plan, api_key: key }, null, 2));
    break;
  }
  case "create-key": {
    const tenantId = need(values.tenant, "tenant");
    if (!(await store.tenants.get(tenantId))) die(`tenant ${tenantId} not found`);
    const scopes = values.scopes?.split(",").map((s) => s.trim()) as Scope[] | undefined;
    const bad = scopes?.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (bad?.length) die(`unknown scopes: ${bad.join(", ")} (known: ${SCOPES.join(", ")})`);
    const max = values["agent-max-recipients"];
    const agentMaxRecipients = max === undefined ? undefined : count(max, "agent-max-recipients");
    const { key, record } = await createKey(deps, { tenantId, name: values.name ?? "key", scopes, plain: values.key, agentMaxRecipients });
    console.log(
      JSON.stringify(
        { key_id: record.id, scopes: record.scopes, agent_max_recipients: agentMaxRecipients ?? DEFAULT_AGENT_MAX_RECIPIENTS, api_key: key },
        null,
        2,
      ),
    );
    break;
  }
  case "list-keys": {
    const keys = await store.tenants.listKeys(need(values.tenant, "tenant"));
    console.log(
      JSON.stringify(
        keys.map(({ hash: _h, ...k }) => k),
        null,
        2,
      ),
    );
    break;
  }
  case "revoke-key": {
    const keys = await store.tenants.listKeys(need(values.tenant, "tenant"));
    const k = keys.find((x) => x.id === values["key-id"]) ?? die(`key ${values["key-id"]} not found for this tenant`);
    await store.tenants.revokeKey(k.hash, new Date().toISOString());
    console.log(JSON.stringify({ revoked: k.id }));
    break;
  }
  case "set-agent-max": {
    const keys = await store.tenants.listKeys(need(values.tenant, "tenant"));
    const k = keys.find((x) => x.id === values["key-id"]) ?? die(`key ${values["key-id"]} not found for this tenant`);
    const n = count(need(values.recipients, "recipients"), "recipients");
    await store.tenants.setAgentMaxRecipients(k.hash, n);
    console.log(JSON.stringify({ key_id: k.id, agent_max_recipients: n }));
    break;
  }
  case "set-plan": {
    const plan = need(values.plan, "plan");
    if (!isPlanId(plan)) die(`unknown plan ${plan}`);
    await store.tenants.setPlan(need(values.tenant, "tenant"), plan as "free");
    console.log(JSON.stringify({ tenant_id: values.tenant, plan }));
    break;
  }
  case "set-settings": {
    const tenantId = need(values.tenant, "tenant");
    if (!(await store.tenants.get(tenantId))) die(`tenant ${tenantId} not found`);
    const int = (v: string | undefined, flag: string, [min, max]: readonly [number, number]) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) die(`--${flag} must be a whole number from ${min} to ${max}`);
      return n;
    };
    const settings = {
      retention_days: int(values["retention-days"], "retention-days", RETENTION_DAYS_RANGE),
      reply_window_hours: int(values["reply-window-hours"], "reply-window-hours", REPLY_WINDOW_HOURS_RANGE),
    };
    if (settings.retention_days === undefined && settings.reply_window_hours === undefined) die(`set-settings needs a setting\n${usage}`);
    await store.tenants.setSettings(tenantId, settings);
    console.log(JSON.stringify({ tenant_id: tenantId, ...settingsOf(await store.tenants.get(tenantId, true)) }));
    break;
  }
  default:
    die(usage);
}
