import { createLogger, keepServingOnUnhandledRejection } from "@outreach/log";
import { composeAws } from "@outreach/system/compose";
import { resources } from "../resources";
import { createSweep } from "./sweep";

// A stray rejection is logged; the warm instance keeps serving.
keepServingOnUnhandledRejection(createLogger({ level: process.env.OUTREACH_LOG_LEVEL ?? "info", name: "repair" }));

export const handler = await createSweep(composeAws(resources()));
