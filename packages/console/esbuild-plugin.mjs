// An esbuild plugin that answers `import assets from "@outreach/console/assets"` with the console
// built from its sources at that moment, so a Lambda bundle always carries the console of its own
// commit. SST loads it for the API function (`nodejs.plugins` in infra/api.ts); scripts/bundle.mjs
// bundles with it the same way.
import { buildConsole } from "./build.mjs";

export const consoleAssetsPlugin = {
  name: "outreach-console-assets",
  setup(build) {
    build.onResolve({ filter: /^@outreach\/console\/assets$/ }, () => ({ path: "console-assets", namespace: "outreach-console" }));
    build.onLoad({ filter: /.*/, namespace: "outreach-console" }, async () => ({
      contents: `export default ${JSON.stringify(await buildConsole())};`,
      loader: "js",
    }));
  },
};

export default [consoleAssetsPlugin];
