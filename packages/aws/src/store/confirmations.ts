import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Confirmation } from "@outreach/core/confirmation";
import type { Store } from "@outreach/core/port";
import { conditional, type Db, strip } from "./db";
import { Keys } from "./keys";

/** Confirmation tokens (by hash) of agents' sends; TTL a day after they expire, used once with a conditional update. */
export const createConfirmationStore = (db: Db) =>
  ({
    async put(c: Confirmation) {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...Keys.confirmation(c.tenant_id, c.token_hash), ...c, ttl: Math.ceil(c.expires_at / 1000) + 86_400 },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    },

    async use(tenantId: string, tokenHash: string, check: { keyId: string; requestHash: string; now: number; jobId: string }) {
      const Key = Keys.confirmation(tenantId, tokenHash);
      const used = await conditional(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key,
            UpdateExpression: "SET used_at = :now, job_id = :job",
            ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(used_at) AND key_id = :key AND request_hash = :req AND expires_at > :now",
            ExpressionAttributeValues: { ":now": check.now, ":job": check.jobId, ":key": check.keyId, ":req": check.requestHash },
          }),
        ),
      );
      if (used) return { used: true as const };
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key, ConsistentRead: true }));
      return { used: false as const, existing: res.Item ? strip<Confirmation>(res.Item) : undefined };
    },
  }) satisfies Store["confirmations"];
