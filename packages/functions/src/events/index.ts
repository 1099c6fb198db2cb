import { createLogger, keepServingOnUnhandledRejection } from "@outreach/log";
import { composeAws } from "@outreach/system/compose";
import { resources } from "../resources";
import { createSqsHandler } from "./consumer";

// A stray rejection is logged; the warm instance keeps serving.
keepServingOnUnhandledRejection(createLogger({ level: process.env.OUTREACH_LOG_LEVEL ?? "info", name: "events" }));

export const handler = await createSqsHandler(composeAws(resources()));
