import type { Plugin } from "esbuild";

/** Resolves `@outreach/console/assets` to the console built from its sources. */
export const consoleAssetsPlugin: Plugin;
declare const plugins: Plugin[];
export default plugins;
