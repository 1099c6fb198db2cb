import { execFileSync } from "node:child_process";
import nodejs from "./nodejs.json";

/**
 * How SST bundles every Lambda: these settings (infra/nodejs.json, which scripts/bundle.mjs reads too,
 * so the stage test runs what SST builds) and no esbuild plugin — SST's plugin bridge tests filters
 * against a path its Go bundler never sends and ignores namespaces, so a plugin answers for every module.
 */
export const NODEJS = {
  minify: nodejs.minify,
  sourcemap: nodejs.sourcemap,
  format: nodejs.format as "esm",
  splitting: nodejs.splitting,
  esbuild: { external: nodejs.esbuild.external },
};

/**
 * The console's assets are an ordinary generated module (packages/console/dist/assets.mjs) that the
 * API entry imports: written here, before SST bundles that entry, so every deploy carries the console
 * of its own commit. Once per process (`sst deploy` runs this file once; the shape tests many times).
 */
export const writeConsoleAssets = () => {
  const g = globalThis as { outreachConsoleWritten?: boolean };
  if (g.outreachConsoleWritten) return;
  execFileSync("node", ["packages/console/build.mjs"], { stdio: "inherit" });
  g.outreachConsoleWritten = true;
};
