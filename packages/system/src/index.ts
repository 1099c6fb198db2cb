import { createSystemWith } from "./create";

export type { AwsResources } from "./compose";
export { createSystemWith, type LoadHosting } from "./create";
export type { Adapters, ApiSettings, BaseConfig, HostSettings, Role, SystemConfig } from "./roles";

/**
 * The one composition root (`./create`), able to play every role: the session host's module is
 * imported when a process starts the `host` role (the worker, the local runtime).
 */
export const createSystem = createSystemWith(() => import("./hosting"));

export type System = Awaited<ReturnType<typeof createSystem>>;
