import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

/** Once per stage run: the bundles, built the way a deploy builds them (dist/functions/*, dist/worker). */
export default function setup() {
  execFileSync(process.execPath, ["scripts/bundle.mjs", "all"], { cwd: resolve(import.meta.dirname, "../.."), stdio: "inherit" });
}
