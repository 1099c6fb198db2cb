/** The Lambda entries scripts/bundle.mjs builds, by function name (dist/functions/<name>/index.mjs). */
export declare const LAMBDAS: Record<"api" | "events" | "repair", string>;
