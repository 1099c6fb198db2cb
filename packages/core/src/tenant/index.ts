export { type ApiKeyView, issueKey, listKeys, me, revokeKey, viewKey } from "./keys";
export * from "./port";
export * from "./settings";
export * from "./tenant";
export { dailyUsage, lastMonths, subscription, usageHistory } from "./usage";
