import type { AwsResources } from "@outreach/system";
import { Resource } from "sst";

/** The only place the Lambda functions read SST's linked resources. */
export const resources = (): AwsResources => {
  const r = Resource as unknown as {
    Table: { name: string };
    Events: { url: string };
    Sends: { url: string };
    Scheduler: { groupName: string; roleArn: string; queueArn: string };
  };
  return { table: r.Table.name, eventsUrl: r.Events.url, sendsUrl: r.Sends.url, scheduler: r.Scheduler };
};
