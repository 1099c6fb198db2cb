// Builds what deploys, the way SST 3 builds it, so the stage test (npm run test:stage) runs the same
// artifacts AWS runs:
// - the Lambdas with SST's own esbuild options (pkg/runtime/node/build.go in sst/sst: ESM, esnext,
//   keepNames, mainFields module/main, the createRequire/__filename/__dirname banner, `sharp` and
//   `pg-native` external) plus the `nodejs` settings infra gives every function (infra/nodejs.json),
//   among them `splitting`: what an entry imports dynamically (nlp.js's tables and lexicons, the MCP
//   server) becomes a chunk beside it that a cold start does not load;
//   no esbuild plugin anywhere (SST's plugin bridge cannot run namespaced plugins);
// - the worker as the image's build stage does (packages/worker/Dockerfile).
// The console's assets are an ordinary generated module (packages/console/dist/assets.mjs), written
// first, imported by the API entry. Writes dist/functions/<name>/index.mjs and dist/worker/index.mjs.
// Usage: node scripts/bundle.mjs [all|lambdas|worker] [--out dist]
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { writeConsole } from "../packages/console/build.mjs";

const what = process.argv[2] ?? "all";
const out = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1] : "dist";
/** infra/nodejs.json: read only when bundling Lambdas (the worker image's build copies no infra/). */
const nodejsSettings = () => JSON.parse(readFileSync(new URL("../infra/nodejs.json", import.meta.url), "utf8"));

/** The Lambda entries, by function name (infra: `handler: "<entry without .ts>.handler"`). */
export const LAMBDAS = {
  api: "packages/functions/src/api/index.ts",
  events: "packages/functions/src/events/index.ts",
  repair: "packages/functions/src/repair/index.ts",
};

// SST's banner, line for line (build.go), then `nodejs.banner` (none here).
const SST_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join("\n");

const sstOptions = (entry, outfile, nodejs = nodejsSettings()) => ({
  ...(nodejs.splitting
    ? { entryPoints: [{ in: entry, out: "index" }], outdir: dirname(outfile), splitting: true, outExtension: { ".js": ".mjs" } }
    : { entryPoints: [entry], outfile }),
  metafile: true,
  platform: "node",
  bundle: true,
  keepNames: true,
  format: nodejs.format,
  target: "esnext",
  mainFields: ["module", "main"],
  banner: { js: SST_BANNER },
  external: ["sharp", "pg-native", ...(nodejs.esbuild?.external ?? [])],
  minify: nodejs.minify,
  sourcemap: nodejs.sourcemap ? "linked" : false,
  logLevel: "warning",
});

/**
 * What a cold start loads: the entry and the chunks it imports statically (a dynamic `import()`
 * loads its chunk when it runs). `outfile` is the entry's path as esbuild wrote it.
 */
export const staticClosure = (metafile, outfile) => {
  const outputs = metafile.outputs;
  const start = Object.keys(outputs).find((o) => resolve(o) === resolve(outfile));
  const seen = new Set();
  const stack = start ? [start] : [];
  while (stack.length) {
    const o = stack.pop();
    if (seen.has(o)) continue;
    seen.add(o);
    for (const i of outputs[o].imports) if (i.kind === "import-statement" && outputs[i.path]) stack.push(i.path);
  }
  return [...seen];
};

/**
 * The Lambdas built in memory as a deploy builds them (the console's module must exist: `writeConsole`):
 * per function, the bytes a cold start loads and the packages (or source folders) they come from.
 */
export const lambdaSizes = async () => {
  const out = {};
  for (const [name, entry] of Object.entries(LAMBDAS)) {
    const outfile = `dist/functions/${name}/index.mjs`;
    const built = await build({ ...sstOptions(entry, outfile), write: false, logLevel: "error" });
    const loaded = staticClosure(built.metafile, outfile);
    const inputs = loaded.flatMap((o) => Object.keys(built.metafile.outputs[o].inputs));
    const all = Object.values(built.metafile.outputs).flatMap((o) => Object.keys(o.inputs));
    out[name] = { loadedBytes: loaded.reduce((n, o) => n + built.metafile.outputs[o].bytes, 0), loadedInputs: inputs, allInputs: all };
  }
  return out;
};

// The worker image's bundle: Baileys' optional peers stay out (link previews, audio waveforms, native
// sharp); jimp is bundled: the worker makes image thumbnails with it (pure JavaScript, nothing native).
const workerOptions = (entry, outfile) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  minify: true,
  sourcemap: "external",
  mainFields: ["module", "main"],
  banner: { js: SST_BANNER },
  external: ["sharp", "link-preview-js", "audio-decode", "@hapi/boom/lib/*", "qrcode-terminal"],
  logLevel: "warning",
});

const main = async () => {
  const selected = [];
  if (what === "all" || what === "lambdas")
    for (const [name, entry] of Object.entries(LAMBDAS)) selected.push({ name: `functions/${name}`, entry, options: sstOptions });
  if (what === "all" || what === "worker") selected.push({ name: "worker", entry: "packages/worker/src/main.ts", options: workerOptions });
  if (!selected.length) throw new Error(`unknown target "${what}": use all, lambdas or worker`);

  const consoleAssets = selected.some((s) => s.name === "functions/api") ? await writeConsole() : undefined;
  const results = [];
  for (const { name, entry, options } of selected) {
    const dir = `${out}/${name}`;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const outfile = `${dir}/index.mjs`;
    const built = await build(options(entry, outfile));
    const loaded = built.metafile ? staticClosure(built.metafile, outfile) : [outfile];
    const sum = (files, f) => files.reduce((n, x) => n + f(x), 0);
    const all = readdirSync(dir)
      .filter((f) => f.endsWith(".mjs"))
      .map((f) => `${dir}/${f}`);
    results.push({
      name,
      bytes: sum(loaded, (f) => statSync(f).size),
      gzip: sum(loaded, (f) => gzipSync(readFileSync(f)).length),
      all: sum(all, (f) => statSync(f).size),
      files: all.length,
    });
  }
  if (consoleAssets) {
    const api = readdirSync(`${out}/functions/api`)
      .filter((f) => f.endsWith(".mjs"))
      .map((f) => readFileSync(`${out}/functions/api/${f}`, "utf8"))
      .join("\n");
    const script = Object.keys(consoleAssets.files).find((f) => f.endsWith(".js"));
    if (!script || !api.includes(script)) throw new Error("the API bundle does not carry the console's assets");
    results.push({ name: "console (browser JS)", bytes: consoleAssets.sizes.js, gzip: consoleAssets.sizes.js_gzip });
    results.push({ name: "console (CSS)", bytes: consoleAssets.sizes.css, gzip: consoleAssets.sizes.css_gzip });
  }
  // A Lambda's first figure is what a cold start loads (entry + static chunks); "in all" adds the lazy chunks.
  for (const r of results)
    console.log(
      `${r.name.padEnd(22)} ${(r.bytes / 1024).toFixed(0).padStart(6)} KiB  (${(r.gzip / 1024).toFixed(0)} KiB gzipped)` +
        (r.files > 1 ? `  loaded at start; ${(r.all / 1024).toFixed(0)} KiB in all, ${r.files} files` : ""),
    );
};

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) await main();
