import { createLogger, keepServingOnUnhandledRejection } from "@outreach/log";
import { composeAws } from "@outreach/system/compose";
import { handle, streamHandle } from "hono/aws-lambda";
import { resources } from "../resources";
import { buildApp } from "./app";

// A stray rejection is logged; the warm instance keeps serving.
keepServingOnUnhandledRejection(createLogger({ level: process.env.OUTREACH_LOG_LEVEL ?? "info", name: "api" }));

// The console, built by `node packages/console/build.mjs` before bundling (infra/api.ts, scripts/bundle.mjs):
// a chunk of its own, imported at the console's first request, not at a cold start.
const consoleAssets = () => import("@outreach/console/assets").then((m) => m.default);
const app = await buildApp(composeAws(resources()), process.env, consoleAssets);

/**
 * The API Lambda behind a Function URL. Deployed: response streaming (`/bulk-send/{id}/progress` is
 * SSE). Under `sst dev` the buffered adapter, since the dev bridge does not stream.
 */
export const handler = process.env.SST_DEV ? handle(app) : streamHandle(app);
