import { createSystemWith } from "../create";

export type { Adapters } from "../roles";

/**
 * `createSystem` for the Lambdas, which host no WhatsApp session: the same composition root without
 * the session host's module in the import graph, so their bundles carry neither the host nor what
 * only it runs (the inbound path: conversations, opt-outs, leads, monitored groups, and with them the
 * phone-number tables). Starting the `host` role with it throws. The domain's handlers, timer repair
 * and job recovery (`../domain`) are imported at the first message or sweep that runs them: an events
 * Lambda's cold start that relays session control loads neither them nor luxon, croner and the report
 * templates they reach.
 */
export const createSystem = createSystemWith(undefined, () => import("../domain").then((m) => m.domain));
