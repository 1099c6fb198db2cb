import { composeAws } from "@outreach/system/compose";
import { resources } from "../resources";
import { createSqsHandler } from "./consumer";

export const handler = await createSqsHandler(composeAws(resources()));
