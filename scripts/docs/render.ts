/**
 * Renders the generated parts of the docs in memory: every `<!-- generated:NAME ARG -->` …
 * `<!-- /generated:NAME -->` block of README.md and docs/*.md gets the table NAME (ARG: a tag for
 * `routes`, `runtime`/`deploy` for `env`). `npm run docs` writes the result; a test compares it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openApiDocument } from "../../packages/api/src/app/index.ts";
import { envTable, errorsTable, plansTable, routesTable } from "./tables.ts";

const BLOCK = /(<!-- generated:(\w+)(?: ([^>]*?))? -->\n)[\s\S]*?(<!-- \/generated:\2 -->)/g;

export const docFiles = (root: string) => [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

export const renderDocs = (root: string) => {
  const doc = openApiDocument() as Parameters<typeof routesTable>[0];
  const tables: Record<string, (arg?: string) => string> = {
    routes: (tag) => routesTable(doc, tag || undefined),
    plans: () => plansTable(),
    env: (when) => envTable(when === "deploy" ? "deploy" : "runtime"),
    errors: () => errorsTable(root),
  };
  const out = new Map<string, { before: string; after: string }>();
  for (const file of docFiles(root)) {
    const before = readFileSync(join(root, file), "utf8");
    const after = before.replace(BLOCK, (_all, open: string, name: string, arg: string | undefined, close: string) => {
      const make = tables[name];
      if (!make) throw new Error(`${file}: unknown generated block "${name}"`);
      return `${open}${make(arg?.trim())}\n${close}`;
    });
    out.set(file, { before, after });
  }
  return out;
};
