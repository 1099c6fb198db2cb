import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The shape of `@outreach/core` (issue 35): each folder is a noun (or a shared part such as `port`,
 * `phone`, `error`), and a folder reaches another only through what that folder publishes — its
 * `index.ts`, its `port.ts` (types and its repository's interface) or its `messages.ts` (the queue
 * messages it owns); `port/` is the ports themselves, published whole. No import at run time goes
 * round in a circle.
 */
const SRC = import.meta.dirname;
const PUBLISHED = new Set(["index", "port", "messages"]);

type Edge = { from: string; to: string; typeOnly: boolean; line: string };

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith(".ts") && !p.endsWith(".test.ts") && !p.endsWith(".d.ts") ? [p] : [];
  });

const target = (from: string, spec: string) => {
  const p = resolve(dirname(from), spec);
  return existsSync(p) && statSync(p).isDirectory() ? join(p, "index.ts") : `${p}.ts`;
};

const IMPORT = /^(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+"(\.[^"]+)";/gms;

const edgesOf = (file: string): Edge[] =>
  [...readFileSync(file, "utf8").matchAll(IMPORT)].map((m) => {
    const names = (m[2] ?? "").trim();
    const list = names.startsWith("{")
      ? names
          .slice(1, -1)
          .split(",")
          .map((n) => n.trim())
          .filter(Boolean)
      : [];
    const typeOnly = !!m[1] || (list.length > 0 && list.every((n) => n.startsWith("type ")));
    return { from: file, to: target(file, m[3] as string), typeOnly, line: m[0].replace(/\s+/g, " ") };
  });

const folderOf = (file: string) => relative(SRC, file).split("/")[0] as string;
const moduleOf = (file: string) => relative(SRC, file).split("/").slice(1).join("/").replace(/\.ts$/, "");

const all = files(SRC);
const edges = all.flatMap(edgesOf);

describe("core's shape", () => {
  it("reads the imports it judges (the check itself is not empty)", () => {
    expect(all.length).toBeGreaterThan(80);
    expect(edges.filter((e) => folderOf(e.from) !== folderOf(e.to)).length).toBeGreaterThan(100);
  });

  it("reaches another folder only through its index, port or messages", () => {
    const reaching = edges
      .filter((e) => folderOf(e.from) !== folderOf(e.to) && folderOf(e.to) !== "port" && !PUBLISHED.has(moduleOf(e.to)))
      .map((e) => `${relative(SRC, e.from)}: ${e.line}`);
    expect(reaching).toEqual([]);
  });

  it("has no import cycle at run time", () => {
    const graph = new Map<string, string[]>();
    for (const e of edges) if (!e.typeOnly) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
    const cycles: string[][] = [];
    const state = new Map<string, "open" | "done">();
    const walk = (f: string, path: string[]) => {
      state.set(f, "open");
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === "open") cycles.push([...path.slice(path.indexOf(t)), t].map((p) => relative(SRC, p)));
        else if (!state.has(t)) walk(t, [...path, t]);
      }
      state.set(f, "done");
    };
    for (const f of all) if (!state.has(f)) walk(f, [f]);
    expect(cycles).toEqual([]);
  });

  it("has each service declare the store repositories it uses (no whole `Deps` or `Store` parameter)", () => {
    // The message dispatcher routes every queue message to its noun: it is handed everything by design.
    const DISPATCHERS = new Set(["message/handlers.ts"]);
    const WHOLE = /\b\w+: (?:Deps|Store)\b(?![["\w])|Pick<Deps, [^>]*"store"/g;
    const whole = all
      .filter((f) => !["deps", "port"].includes(folderOf(f)) && !DISPATCHERS.has(relative(SRC, f)))
      .flatMap((f) => (readFileSync(f, "utf8").match(WHOLE) ?? []).map((m) => `${relative(SRC, f)}: ${m}`));
    expect(whole).toEqual([]);
    const declared = all.filter((f) => /\bUses<"/.test(readFileSync(f, "utf8")));
    expect(declared.length).toBeGreaterThan(30);
  });
});
