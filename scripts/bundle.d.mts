/** The Lambda entries scripts/bundle.mjs builds, by function name (dist/functions/<name>/index.mjs). */
export declare const LAMBDAS: Record<"api" | "events" | "repair", string>;

/** What a Lambda's cold start loads (its entry and static chunks), from an in-memory build as a deploy builds it. */
export interface LambdaSize {
  loadedBytes: number;
  /** Source files (node_modules/… or packages/…) of the loaded files. */
  loadedInputs: string[];
  /** Source files of every file, lazy chunks included. */
  allInputs: string[];
}
export declare const lambdaSizes: () => Promise<Record<"api" | "events" | "repair", LambdaSize>>;
