/**
 * `npm run lint:openapi`: lints the OpenAPI document the app serves with Redocly's recommended rules and
 * fails on any error or warning. The document is dumped in process (no server, no network) to
 * `dist/openapi.json`, the path `.redocly.lint-ignore.yaml` names for the one accepted problem.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { openApiDocument } from "../packages/api/src/app/index.ts";

const root = resolve(import.meta.dirname, "..");
mkdirSync(resolve(root, "dist"), { recursive: true });
writeFileSync(resolve(root, "dist/openapi.json"), `${JSON.stringify(openApiDocument(), null, 2)}\n`);

const run = spawnSync("npx", ["redocly", "lint", "dist/openapi.json", "--extends=recommended", "--format=stylish"], {
  cwd: root,
  encoding: "utf8",
  env: { ...process.env, NO_UPDATE_NOTIFIER: "1", REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
});
const out = `${run.stdout}\n${run.stderr}`;
const problems = out.split("\n").filter((l) => /^\s+\d+:\d+\s+(warning|error)\s/.test(l));
for (const l of problems) console.error(l.trim());
const valid = /Your API description is valid/.test(out);
console.log(`redocly lint dist/openapi.json: ${valid ? "valid" : "INVALID"}, ${problems.length} problem(s)`);
if (run.status !== 0 || !valid || problems.length > 0) {
  if (!problems.length) console.error(out);
  process.exit(1);
}
