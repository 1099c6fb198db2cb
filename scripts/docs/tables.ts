/** The reference tables `npm run docs` writes into docs/*.md, each from the code that enforces it. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { STATUS } from "../../packages/api/src/errors/index.ts";
import type { ErrorKind } from "../../packages/core/src/error/index.ts";
import { PLAN_IDS, PLANS, type PlanLimits } from "../../packages/core/src/plan/index.ts";
import { ENV_VARS } from "./env-vars.ts";

type Operation = { operationId?: string; summary?: string; description?: string; tags?: string[]; "x-scopes"?: string[] };
type Doc = { paths?: Record<string, Record<string, Operation>> };

// Pipes escaped, one line, and `*emphasis*` written `_emphasis_` as `biome format` writes it.
const cell = (s: string) =>
  s
    .replace(/\|/g, "\\|")
    .replace(/\n/g, " ")
    .replace(/(?<!\*)\*(?![*\s])([^*\n]+?)(?<![*\s])\*(?!\*)/g, "_$1_");
/** A Markdown table padded the way `biome format` writes one (so `npm run lint` and the staleness test agree). */
const table = (head: string[], rows: string[][]) => {
  const all = [head, ...rows.map((r) => r.map(cell))];
  const width = head.map((_, i) => Math.max(3, ...all.map((r) => [...(r[i] ?? "")].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c + " ".repeat((width[i] as number) - [...c].length)).join(" | ")} |`;
  return [line(all[0] as string[]), line(width.map((w) => "-".repeat(w))), ...all.slice(1).map(line)].join("\n");
};

/** Routes (under `/api/v2`) with the scopes their `requireScope` checks; only those of `tag` when given. */
export const routesTable = (doc: Doc, tag?: string) => {
  const rows: string[][] = [];
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      if (tag && !op.tags?.includes(tag)) continue;
      const scopes = op["x-scopes"]?.length ? op["x-scopes"].map((s) => `\`${s}\``).join(" + ") : "any valid key";
      rows.push([method.toUpperCase(), `\`${path}\``, scopes, `\`${op.operationId}\``, [op.summary, op.description].filter(Boolean).join(". ")]);
    }
  }
  if (!rows.length) throw new Error(`no routes tagged "${tag}"`);
  return table(["method", "path", "scopes", "operationId", "what it does"], rows);
};

const LIMIT_NAMES: Record<keyof PlanLimits, string> = {
  custom_groups: "custom groups",
  sessions: "WhatsApp sessions",
  bulk_send: "bulk send",
  scheduled_messages: "scheduled messages",
  reports: "reports",
  messages_per_month: "messages a month",
  webhooks: "webhooks",
  monitored_groups: "monitored groups",
  review_collectors: "review collectors",
  api_keys: "API keys",
  auto_respond: "auto-respond to leads",
};
const limit = (v: number | boolean | null) => (v === null ? "unlimited" : v === true ? "yes" : v === false || v === 0 ? "no" : v.toLocaleString("en-US"));

/** The plan table `PLANS` (packages/core/src/plan) that every create checks. */
export const plansTable = () =>
  table(
    ["limit", ...PLAN_IDS.map((p) => `\`${p}\``)],
    (Object.keys(LIMIT_NAMES) as (keyof PlanLimits)[]).map((k) => [LIMIT_NAMES[k], ...PLAN_IDS.map((p) => limit(PLANS[p][k]))]),
  );

/** Environment variables of `ENV_VARS`: those a running process reads, or those `sst deploy` reads. */
export const envTable = (when: "runtime" | "deploy") =>
  table(
    ["variable", "default", "meaning"],
    ENV_VARS.filter((v) => v.when === when || v.when === "both").map((v) => [`\`${v.name}\``, v.default, v.meaning]),
  );

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith(".ts") && !p.endsWith(".test.ts") && !p.endsWith(".d.ts") ? [p] : [];
  });

/**
 * Every error code the API can answer, read from where it is raised: `new DomainError(kind, code)`,
 * the helpers `conflict`/`unprocessable`/`invalid`/`forbidden(code)`, `notFound(noun)` and the
 * `errorBody(code)` answers written with their status. The status of a kind is `STATUS` of
 * packages/api/src/errors (400 … 503).
 */
export const errorCodes = (root: string) => {
  const found = new Map<string, { status: number; where: Set<string> }>();
  const add = (code: string, status: number, file: string) => {
    const e = found.get(code) ?? { status, where: new Set<string>() };
    e.where.add(relative(root, file).split("/").slice(0, 2).join("/"));
    found.set(code, e);
  };
  const packages = join(root, "packages");
  for (const pkg of readdirSync(packages)) {
    const src = join(packages, pkg, "src");
    if (!statSync(join(packages, pkg)).isDirectory()) continue;
    for (const file of (() => {
      try {
        return sources(src);
      } catch {
        return [];
      }
    })()) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/new DomainError\(\s*"(\w+)",\s*"([a-z_.]+)"/g)) add(m[2] as string, STATUS[m[1] as ErrorKind], file);
      for (const m of text.matchAll(/\b(conflict|unprocessable|invalid|forbidden)\(\s*"([a-z_]+\.[a-z_.]+)"/g)) {
        add(m[2] as string, STATUS[m[1] as ErrorKind], file);
      }
      for (const m of text.matchAll(/\bnotFound\(\s*"([a-z_]+)"/g)) add(`${m[1]}.not_found`, 404, file);
      for (const m of text.matchAll(/errorBody\(\s*"([a-z_]+\.[a-z_.]+)"/g)) {
        // The status is written beside the answer: `status: 422` just before it, or the first one after it.
        const at = m.index ?? 0;
        const before = /status: ([45]\d\d)[^\n]*\n[^\n]*$/.exec(text.slice(Math.max(0, at - 80), at))?.[1];
        const status = Number(before ?? /\b([45]\d\d)\b/.exec(text.slice(at, at + 400))?.[1]);
        if (status) add(m[1] as string, status, file);
      }
    }
  }
  return found;
};

/** The error codes as a table, by status then code. */
export const errorsTable = (root: string) =>
  table(
    ["status", "code", "raised in"],
    [...errorCodes(root)]
      .sort(([a, x], [b, y]) => x.status - y.status || a.localeCompare(b))
      .map(([code, e]) => [String(e.status), `\`${code}\``, [...e.where].sort().join(", ")]),
  );
