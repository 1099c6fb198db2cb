import type { Store } from "../port";

export * from "./port";
export { barChart, rows, toCsv, toHtml } from "./render";
export * from "./service";
export { compute, jobCounts, TEMPLATES, type Window } from "./templates";
export { summary } from "./text";
export * from "./view";

/** A deleted report's runs and executions, chunk by chunk: how many items went (0 when nothing is left). */
export const purgeLeftovers = async (d: { store: Pick<Store, "reportRuns" | "executions"> }, _tenantId: string, id: string, max: number): Promise<number> =>
  (await d.store.reportRuns.purge(id, max)) + (await d.store.executions.purge(id, max));
