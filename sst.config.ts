/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Outreach on AWS: DynamoDB, SQS queues (events, and one sends queue per shard), EventBridge
 * Scheduler, a streaming Lambda API, the events consumer, a repair cron, a scaling fleet of Fargate
 * tasks for the WhatsApp sessions, and alarms. One file per resource group under infra/, imported in
 * dependency order; deploy-time settings in infra/config.ts.
 *
 * `prod` is protected: `sst remove --stage prod` refuses unless `OUTREACH_UNPROTECT=1` is set for that
 * one command (README "Deploy to AWS"). Its table is retained and has deletion protection.
 */
export default $config({
  app(input) {
    return {
      name: "outreach",
      home: "aws",
      removal: input?.stage === "prod" ? "retain" : "remove",
      protect: input?.stage === "prod" && process.env.OUTREACH_UNPROTECT !== "1",
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
    return {
      api: api.api.url,
      table: storage.table.name,
      eventsQueue: queues.events.url,
      sendsQueues: queues.sends.map((q) => q.url),
      scheduleGroup: scheduler.scheduleGroup.name,
      worker: worker.worker.service,
      authStateKeyParameter: secrets.authStateKeyParameter.name,
      alarmTopic: alarms.alarmTopic.arn,
    };
  },
});
