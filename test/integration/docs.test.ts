import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_VARS } from "../../scripts/docs/env-vars";
import { docFiles, renderDocs } from "../../scripts/docs/render";
import { errorCodes } from "../../scripts/docs/tables";

const ROOT = resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
/** Non-test TypeScript files under `dir`'s packages' `src/` folders. */
const sourcesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((n) => {
    const p = join(dir, n);
    if (n === "node_modules" || n === "dist") return [];
    return statSync(join(ROOT, p)).isDirectory() ? sourcesUnder(p) : /\/src\/.*(?<!\.test)\.ts$/.test(p) ? [p] : [];
  });

const withoutFences = (md: string) => md.replace(/^```[\s\S]*?^```$/gm, "");
const withoutCode = (md: string) => withoutFences(md).replace(/`[^`\n]*`/g, "");
const anchors = (md: string) =>
  new Set(
    withoutFences(md)
      .match(/^#{1,6} .*$/gm)
      ?.map((h) => slug(h.replace(/^#+ /, ""))) ?? [],
  );

describe("the docs", () => {
  it("README.md stays under 15 KB", () => {
    expect(statSync(join(ROOT, "README.md")).size).toBeLessThanOrEqual(15 * 1024);
  });

  it("the generated tables are current (npm run docs writes them)", () => {
    const stale = [...renderDocs(ROOT)].filter(([, { before, after }]) => before !== after).map(([file]) => file);
    expect(stale, "run `npm run docs`").toEqual([]);
    // Each kind of table is written somewhere, from the code.
    const all = docFiles(ROOT).map(read).join("\n");
    for (const name of ["routes", "plans", "env", "errors"]) expect(all).toContain(`<!-- generated:${name}`);
    expect(read("docs/api-reference.md")).toMatch(/\| POST +\| `\/bulk-send` +\| `bulk-send:manage` +\| `createBulkSend` +\|/);
    expect(read("docs/api-keys-and-scopes.md")).toMatch(/\| messages a month +\| 50 +\| 500 +\| 1,500 +\| 3,000 +\| unlimited +\|/);
  });

  it("every relative link and #anchor of README.md and docs/*.md resolves", () => {
    const dead: string[] = [];
    let checked = 0;
    for (const file of docFiles(ROOT)) {
      for (const m of withoutCode(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1] as string;
        if (/^[a-z]+:/i.test(target)) continue;
        checked++;
        const [path, anchor] = target.split("#") as [string, string | undefined];
        const resolved = path ? join(dirname(join(ROOT, file)), path) : join(ROOT, file);
        if (!existsSync(resolved)) dead.push(`${file}: ${target} (no such file)`);
        else if (anchor && !anchors(readFileSync(resolved, "utf8")).has(anchor)) dead.push(`${file}: ${target} (no such heading)`);
      }
    }
    expect(dead).toEqual([]);
    expect(checked).toBeGreaterThan(60);
  });

  it("every section the README had has a home in docs/", () => {
    // The README's sections before issue 34, and the page (and heading) each moved to.
    const homes: Record<string, string> = {
      "The two commands": "getting-started.md#the-two-commands",
      "Environment variables": "getting-started.md#environment-variables",
      API: "api-reference.md#routes",
      "Conversations and single messages": "conversations-and-messages.md#how-it-behaves",
      Webhooks: "webhooks.md#events-payload-signature-delivery",
      "Monitored groups, leads and reviews": "monitoring-leads-reviews.md#how-it-behaves",
      "Using a MoltFlow client": "moltflow-compatibility.md#what-differs",
      "The sandbox (local only)": "getting-started.md#the-sandbox-local-only",
      Console: "console.md#the-console",
      "For agents (MCP)": "agents.md#mcp",
      CLI: "agents.md#cli",
      "Real WhatsApp (Baileys)": "getting-started.md#connecting-a-real-whatsapp-number-baileys",
      "Ban risks": "bulk-sends-and-pacing.md#ban-risks-in-plain-words",
      "Pacing and warm-up": "bulk-sends-and-pacing.md#pacing-and-warm-up",
      Security: "security.md#isolation",
      "What each scope grants": "api-keys-and-scopes.md#scopes",
      "Admin CLI": "api-keys-and-scopes.md#admin-cli",
      "Deploy to AWS": "deploying-to-aws.md#stages-secrets-and-the-first-deploy",
      Logs: "operating.md#logs",
      "What it costs": "deploying-to-aws.md#costs",
      "The deployed stage, tested here": "architecture.md#the-deployed-stage-tested-here-npm-run-teststage",
      Scaling: "deploying-to-aws.md#scaling",
      Development: "contributing.md#commands",
      "Decisions worth knowing": "architecture.md#decisions-worth-knowing",
    };
    for (const [section, home] of Object.entries(homes)) {
      const [page, anchor] = home.split("#") as [string, string];
      expect(anchors(read(`docs/${page}`)), `${section} → ${home}`).toContain(anchor);
    }
    const pages = readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
    for (const page of pages) expect(read("README.md"), `README links docs/${page}`).toContain(`(docs/${page})`);
  });

  it("lists every environment variable the code reads, and none that nothing reads", () => {
    const files = [
      ...sourcesUnder("packages"),
      ...readdirSync(join(ROOT, "infra"))
        .filter((n) => n.endsWith(".ts"))
        .map((n) => `infra/${n}`),
      "sst.config.ts",
    ];
    const reads = new Set<string>();
    for (const f of files) {
      for (const m of read(f).matchAll(/\benv(?:\.|\(\s*"|\[\s*")((?:OUTREACH_)[A-Z0-9_]+|PORT|HOST)\b/g)) reads.add(m[1] as string);
    }
    const listed = ENV_VARS.map((v) => v.name);
    expect([...reads].filter((n) => !listed.includes(n)).sort(), "add them to scripts/docs/env-vars.ts").toEqual([]);
    expect(listed.filter((n) => !reads.has(n)).sort(), "read nowhere").toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it("the error table finds the codes where they are raised, with their status", () => {
    const codes = errorCodes(ROOT);
    expect(codes.get("plan.monthly_limit")?.status).toBe(403);
    expect(codes.get("request.missing_field")?.status).toBe(422);
    expect(codes.get("request.invalid")?.status).toBe(400);
    expect(codes.get("session.not_ready")?.status).toBe(409);
    expect(codes.get("custom_group.not_found")?.status).toBe(404);
    expect(codes.get("rate_limit.exceeded")?.status).toBe(429);
    expect(codes.size).toBeGreaterThan(60);
  });
});
