import { createSystemWith } from "../create";

export type { Adapters } from "../roles";

/**
 * `createSystem` for the Lambdas, which host no WhatsApp session: the same composition root without
 * the session host's module in the import graph, so their bundles carry neither the host nor what
 * only it runs (the inbound path: conversations, opt-outs, leads, monitored groups, and with them the
 * phone-number tables). Starting the `host` role with it throws.
 */
export const createSystem = createSystemWith();
