import { parseShards } from "@outreach/core/shard";
import type { AwsResources } from "@outreach/system";
import { sendsUrlsOf } from "@outreach/system/compose";
import { Resource } from "sst";

/** A link this function may not have: SST's `Resource` throws for a name that is not linked to it. */
const optional = <T>(name: string): T | undefined => {
  try {
    return (Resource as unknown as Record<string, T>)[name];
  } catch {
    return undefined;
  }
};

/** The only place the Lambda functions read SST's linked resources (and the shard count infra sets beside them). */
export const resources = (): AwsResources => {
  const r = Resource as unknown as {
    Table: { name: string };
    Events: { url: string };
    Scheduler: { groupName: string; roleArn: string; queueArn: string };
  };
  return {
    table: r.Table.name,
    eventsUrl: r.Events.url,
    sendsUrls: sendsUrlsOf(Resource as unknown as Record<string, unknown>, parseShards(process.env.OUTREACH_SHARDS)),
    scheduler: r.Scheduler,
    // Linked to the API only (infra/secrets.ts); the other functions page no client's list.
    cursorKey: optional<{ value: string }>("CursorKey")?.value,
  };
};
