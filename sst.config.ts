/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Production stages: `prod` and `production`, plus any listed in `OUTREACH_PRODUCTION_STAGES`
 * (comma-separated) in the shell that deploys. They keep their resources on `sst remove` (`retain`),
 * refuse `sst remove` unless `OUTREACH_UNPROTECT=1` is set for that one command (`protect`), and get
 * point-in-time recovery, deletion protection, two worker tasks at least and a deploy that waits for
 * the service to be stable (infra/). SST allows no imports at the top of this file, hence it lives here.
 */
export const isProductionStage = (stage: string | undefined, env: Record<string, string | undefined> = process.env): boolean => {
  const listed = (env.OUTREACH_PRODUCTION_STAGES ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return stage !== undefined && ["prod", "production", ...listed].includes(stage);
};

/**
 * Outreach on AWS: DynamoDB, SQS queues (events, and one sends queue per shard), EventBridge
 * Scheduler, a streaming Lambda API, the events consumer, a repair cron, a scaling fleet of Fargate
 * tasks for the WhatsApp sessions, alarms and a dashboard. One file per resource group under infra/,
 * imported in dependency order; deploy-time settings in infra/config.ts; each role's grants and
 * environment as data in infra/grants.ts and infra/roles.ts (the stage test runs them).
 */
export default $config({
  app(input) {
    const production = isProductionStage(input?.stage);
    return {
      name: "outreach",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production && process.env.OUTREACH_UNPROTECT !== "1",
    };
  },
  async run() {
    await import("./infra/permissions");
    const storage = await import("./infra/storage");
    const queues = await import("./infra/queues");
    const secrets = await import("./infra/secrets");
    const scheduler = await import("./infra/scheduler");
    const api = await import("./infra/api");
    await import("./infra/events");
    await import("./infra/repair");
    const worker = await import("./infra/worker");
    const alarms = await import("./infra/alarms");
    const dashboard = await import("./infra/dashboard");
    return {
      api: api.api.url,
      table: storage.table.name,
      eventsQueue: queues.events.url,
      sendsQueues: queues.sends.map((q) => q.url),
      scheduleGroup: scheduler.scheduleGroup.name,
      authStateKeyParameter: secrets.authStateKeyParameter.name,
      alarmTopic: alarms.alarmTopic.arn,
      dashboard: dashboard.dashboardUrl,
      ...($dev ? {} : { worker: worker.worker.service }),
    };
  },
});
