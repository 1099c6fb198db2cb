import { parseShards } from "@outreach/core/shard";
import type { AwsResources } from "@outreach/system";
import { sendsUrlsOf } from "@outreach/system/compose";
import { Resource } from "sst";

/** The only place the Lambda functions read SST's linked resources (and the shard count infra sets beside them). */
export const resources = (): AwsResources => {
  const r = Resource as unknown as {
    Table: { name: string };
    Events: { url: string };
    Scheduler: { groupName: string; roleArn: string; queueArn: string };
    /** Linked to the API only (infra/secrets.ts); the other functions page no client's list. */
    CursorKey?: { value: string };
  };
  return {
    table: r.Table.name,
    eventsUrl: r.Events.url,
    sendsUrls: sendsUrlsOf(Resource as unknown as Record<string, unknown>, parseShards(process.env.OUTREACH_SHARDS)),
    scheduler: r.Scheduler,
    cursorKey: r.CursorKey?.value,
  };
};
