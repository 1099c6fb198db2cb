// Bundles every Lambda entry and the worker with esbuild the way SST does (ESM, Node 22, minified,
// with a `require` shim for CommonJS dependencies), and prints their sizes. The web console is built
// into the API entry by the same esbuild plugin SST uses (packages/console/esbuild-plugin.mjs) and checked
// to be in the API bundle.
// Usage: node scripts/bundle.mjs [all|lambdas|worker] [--out dist]
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { buildConsole } from "../packages/console/build.mjs";
import { consoleAssetsPlugin } from "../packages/console/esbuild-plugin.mjs";

const what = process.argv[2] ?? "all";
const out = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1] : "dist";

const entries = {
  lambdas: {
    "functions/api": "packages/functions/src/api/index.ts",
    "functions/events": "packages/functions/src/events/index.ts",
    "functions/repair": "packages/functions/src/repair/index.ts",
  },
  worker: { worker: "packages/worker/src/main.ts" },
};
const selected = what === "all" ? { ...entries.lambdas, ...entries.worker } : entries[what];
if (!selected) throw new Error(`unknown target ${what}`);

const banner = `import { createRequire as topLevelCreateRequire } from "module"; const require = topLevelCreateRequire(import.meta.url); import { fileURLToPath as topLevelFileUrlToPath } from "url"; import { dirname as topLevelDirname } from "path"; const __filename = topLevelFileUrlToPath(import.meta.url); const __dirname = topLevelDirname(__filename);`;

const consoleAssets = selected["functions/api"] ? await buildConsole() : undefined;
const results = [];
for (const [name, entry] of Object.entries(selected)) {
  const outfile = `${out}/${name}/index.mjs`;
  mkdirSync(`${out}/${name}`, { recursive: true });
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    minify: true,
    sourcemap: "external",
    mainFields: ["module", "main"],
    banner: { js: banner },
    // Optional peers Baileys loads only when present (link previews, audio waveforms, native sharp).
    // jimp is bundled: the worker makes image thumbnails with it (pure JavaScript, nothing native).
    external: ["sharp", "link-preview-js", "audio-decode", "@hapi/boom/lib/*", "qrcode-terminal"],
    plugins: [consoleAssetsPlugin],
    logLevel: "warning",
  });
  const bytes = statSync(outfile).size;
  results.push({ name, bytes, gzip: gzipSync(readFileSync(outfile)).length });
}
if (consoleAssets) {
  const api = readFileSync(`${out}/functions/api/index.mjs`, "utf8");
  const script = Object.keys(consoleAssets.files).find((f) => f.endsWith(".js"));
  if (!script || !api.includes(script)) throw new Error("the API bundle does not carry the console's assets");
  results.push({ name: "console (browser JS)", bytes: consoleAssets.sizes.js, gzip: consoleAssets.sizes.js_gzip });
  results.push({ name: "console (CSS)", bytes: consoleAssets.sizes.css, gzip: consoleAssets.sizes.css_gzip });
}
for (const r of results) console.log(`${r.name.padEnd(22)} ${(r.bytes / 1024).toFixed(0).padStart(6)} KiB  (${(r.gzip / 1024).toFixed(0)} KiB gzipped)`);
