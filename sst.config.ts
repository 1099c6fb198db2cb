/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Outreach on AWS: DynamoDB, two SQS queues, EventBridge Scheduler, a streaming Lambda API, the
 * events consumer, a repair cron and one Fargate task for the WhatsApp sessions. One file per
 * resource group under infra/, imported in dependency order.
 */
export default $config({
  app(input) {
    return {
      name: "outreach",
      home: "aws",
      removal: input?.stage === "prod" ? "retain" : "remove",
      protect: input?.stage === "prod",
    };
  },
  async run() {
    const storage = await import("./infra/storage");
    const queues = await import("./infra/queues");
    const secrets = await import("./infra/secrets");
    const scheduler = await import("./infra/scheduler");
    const api = await import("./infra/api");
    await import("./infra/events");
    await import("./infra/repair");
    const worker = await import("./infra/worker");
    return {
      api: api.api.url,
      table: storage.table.name,
      eventsQueue: queues.events.url,
      sendsQueue: queues.sends.url,
      scheduleGroup: scheduler.scheduleGroup.name,
      worker: worker.worker.service,
      authStateKey: secrets.authStateKey.name,
    };
  },
});
