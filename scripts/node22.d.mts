/** The Node 22 binary for the stage test (scripts/node22.mjs), or the current node with the reason. */
export declare const node22: () => { path: string; version: string; fallback?: string };
