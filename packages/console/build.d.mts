/** The console's files, built by esbuild: what `/console` serves (see @outreach/api's consoleRoutes). */
export interface ConsoleAssets {
  /** The page every `/console` path answers (the app routes in the browser). */
  index: string;
  /** Files under `/console/assets/`, by name (content-hashed, so they can be cached for good). */
  files: Record<string, { body: string; type: string }>;
  /** Bytes of the script and stylesheet, plain and gzipped. */
  sizes: { js: number; js_gzip: number; css: number; css_gzip: number };
}

export function buildConsole(): Promise<ConsoleAssets>;

/** Builds and writes dist/assets.mjs (what the API Lambda bundles). */
export function writeConsole(): Promise<ConsoleAssets>;
