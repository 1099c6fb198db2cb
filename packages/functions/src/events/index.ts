import { composeAws } from "@outreach/worker/compose";
import { resources } from "../resources";
import { createSqsHandler } from "./consumer";

export const handler = createSqsHandler(composeAws(resources()));
