import type { ConsoleAssets } from "./build.mjs";

/** The console as built by `node packages/console/build.mjs` (dist/assets.mjs): bundled into the API Lambda. */
declare const assets: ConsoleAssets;
export default assets;
