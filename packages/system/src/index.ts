import { createSystemWith } from "./create";
import { domain } from "./domain";

export type { AwsResources } from "./compose";
export { createSystemWith, type LoadDomain, type LoadHosting } from "./create";
export type { Adapters, ApiSettings, BaseConfig, HostSettings, Role, SystemConfig } from "./roles";

/**
 * The one composition root (`./create`), able to play every role: the session host's module is
 * imported when a process starts the `host` role (the worker, the local runtime).
 */
export const createSystem = createSystemWith(
  () => import("./hosting"),
  async () => domain,
);

export type System = Awaited<ReturnType<typeof createSystem>>;
