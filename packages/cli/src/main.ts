import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createOutreachClient } from "@outreach/client";
import { commands } from "./commands";
import { ApiError } from "./progress";

const USAGE = `usage: outreach <command> [options]

  groups ls [--json]                          list contact groups
  groups create NAME [--description TEXT]     create an empty group
  groups import-csv FILE (--group ID | --name NAME)
                                              add phone,name rows (header optional, ; or , separated;
                                              with a header, other columns become custom fields)
  groups export ID [--format csv|json]        print a group's members
  send --group ID --session ID --text TEXT [--name NAME] [--preview] [--yes] [--min-delay S] [--max-delay S]
                                              preview a send, confirm, start it (--yes: no question);
                                              TEXT may use {{first_name}} and {{fields.city}}
  progress JOB                                follow a send live until it ends
  schedules ls [--json]                       list scheduled messages
  reports run ID                              run a report now and print its summary
  keys ls [--json]                            list the account's API keys (never their secrets)
  keys create NAME --scopes a:read,b:manage [--expires-in-days N]
                                              create a key (printed once; never wider than yours)
  keys revoke ID                              revoke a key (the next request with it is refused)
  usage history [--months N] [--json]         usage per month (1–24, default 6)
  usage daily [--days N] [--json]             usage per day (1–90, default 30)

environment: OUTREACH_API_URL (default http://localhost:3000, without /api/v2) and OUTREACH_API_KEY
(default: the local runtime's .data/dev-api-key)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: "boolean" },
    description: { type: "string" },
    group: { type: "string" },
    name: { type: "string" },
    format: { type: "string" },
    session: { type: "string" },
    text: { type: "string" },
    preview: { type: "boolean" },
    yes: { type: "boolean", short: "y" },
    "min-delay": { type: "string" },
    "max-delay": { type: "string" },
    scopes: { type: "string" },
    "expires-in-days": { type: "string" },
    months: { type: "string" },
    days: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

const fail = (message: string, code = 2): never => {
  process.stderr.write(`outreach: ${message}\n`);
  process.exit(code);
};

if (values.help || positionals.length === 0) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(values.help ? 0 : 2);
}

const env = process.env;
const devKey = resolve(env.OUTREACH_DATA_DIR ?? ".data", "dev-api-key");
const key = env.OUTREACH_API_KEY || (existsSync(devKey) ? readFileSync(devKey, "utf8").trim() : fail(`set OUTREACH_API_KEY (an API key)\n\n${USAGE}`));
const client = createOutreachClient({ url: env.OUTREACH_API_URL || "http://localhost:3000", key });

const [cmd = "", sub, ...rest] = positionals;
const run = commands({ client, values, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, fail });
// Two-word commands (`groups ls`) take what follows them; one-word ones (`progress JOB`) everything after the word.
const two = run[`${cmd} ${sub}`];
const handler = two ?? run[cmd] ?? fail(`unknown command "${positionals.join(" ")}"\n\n${USAGE}`);
const args = two ? rest : positionals.slice(1);
try {
  process.exitCode = (await handler(args)) ?? 0;
} catch (e) {
  if (e instanceof ApiError) fail(e.message, 1);
  if (e instanceof TypeError && /fetch failed/.test(e.message))
    fail(`cannot reach ${env.OUTREACH_API_URL || "http://localhost:3000"} (is the server running?)`, 1);
  throw e;
}
