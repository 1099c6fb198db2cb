import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { INDEX } from "./keys";

/** The single table's shape. Shared by the local runtime (CreateTable) and documented for infra/storage.ts. */
export const tableDefinition = (TableName: string): CreateTableCommandInput => ({
  TableName,
  BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [
    { AttributeName: "pk", AttributeType: "S" },
    { AttributeName: "sk", AttributeType: "S" },
    { AttributeName: INDEX.pk, AttributeType: "S" },
    { AttributeName: INDEX.sk, AttributeType: "S" },
  ],
  KeySchema: [
    { AttributeName: "pk", KeyType: "HASH" },
    { AttributeName: "sk", KeyType: "RANGE" },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: INDEX.name,
      KeySchema: [
        { AttributeName: INDEX.pk, KeyType: "HASH" },
        { AttributeName: INDEX.sk, KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: "ALL" },
    },
  ],
});

/** TTL attribute (epoch seconds). Expiry is lazy: readers filter expired items themselves. */
export const TTL_ATTRIBUTE = "ttl";
