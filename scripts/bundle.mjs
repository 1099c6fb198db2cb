// Builds what deploys, the way SST 3 builds it, so the stage test (npm run test:stage) runs the same
// artifacts AWS runs:
// - the Lambdas with SST's own esbuild options (pkg/runtime/node/build.go in sst/sst: ESM, esnext,
//   keepNames, mainFields module/main, the createRequire/__filename/__dirname banner, `sharp` and
//   `pg-native` external) plus the `nodejs` settings infra gives every function (infra/nodejs.json);
//   no esbuild plugin anywhere (SST's plugin bridge cannot run namespaced plugins);
// - the worker as the image's build stage does (packages/worker/Dockerfile).
// The console's assets are an ordinary generated module (packages/console/dist/assets.mjs), written
// first, imported by the API entry. Writes dist/functions/<name>/index.mjs and dist/worker/index.mjs.
// Usage: node scripts/bundle.mjs [all|lambdas|worker] [--out dist]
import { mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
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
  entryPoints: [entry],
  outfile,
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
    await build(options(entry, outfile));
    results.push({ name, bytes: statSync(outfile).size, gzip: gzipSync(readFileSync(outfile)).length });
  }
  if (consoleAssets) {
    const api = readFileSync(`${out}/functions/api/index.mjs`, "utf8");
    const script = Object.keys(consoleAssets.files).find((f) => f.endsWith(".js"));
    if (!script || !api.includes(script)) throw new Error("the API bundle does not carry the console's assets");
    results.push({ name: "console (browser JS)", bytes: consoleAssets.sizes.js, gzip: consoleAssets.sizes.js_gzip });
    results.push({ name: "console (CSS)", bytes: consoleAssets.sizes.css, gzip: consoleAssets.sizes.css_gzip });
  }
  for (const r of results) console.log(`${r.name.padEnd(22)} ${(r.bytes / 1024).toFixed(0).padStart(6)} KiB  (${(r.gzip / 1024).toFixed(0)} KiB gzipped)`);
};

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) await main();
