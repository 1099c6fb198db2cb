import { composeAws } from "@outreach/system/compose";
import { resources } from "../resources";
import { createSweep } from "./sweep";

export const handler = await createSweep(composeAws(resources()));
