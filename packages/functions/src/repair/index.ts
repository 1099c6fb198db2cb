import { composeAws } from "@outreach/worker/compose";
import { resources } from "../resources";
import { createSweep } from "./sweep";

export const handler = createSweep(composeAws(resources()));
