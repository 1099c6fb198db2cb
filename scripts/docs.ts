/**
 * `npm run docs`: writes the generated reference tables (routes and scopes, plan limits, environment
 * variables, error codes) into README.md and docs/*.md between their markers.
 * `npm run docs -- --check` only reports the pages that are stale (exit 1).
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { renderDocs } from "./docs/render.ts";

const root = resolve(import.meta.dirname, "..");
const check = process.argv.includes("--check");
let stale = 0;
for (const [file, { before, after }] of renderDocs(root)) {
  if (before === after) continue;
  stale++;
  if (check) console.error(`stale: ${file}`);
  else {
    writeFileSync(resolve(root, file), after);
    console.log(`wrote ${file}`);
  }
}
if (check && stale) process.exit(1);
if (!stale) console.log("docs are up to date");
