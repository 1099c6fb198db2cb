import { production } from "./config";

/**
 * The single table (see packages/aws/README.md): pk/sk, one global index, TTL on `ttl` (epoch seconds).
 * On a production stage (sst.config.ts `isProductionStage`): point-in-time recovery and deletion
 * protection, besides the stage's `retain`/`protect` (docs/deploying-to-aws.md "Removal" says how to remove one on purpose).
 */
export const table = new sst.aws.Dynamo("Table", {
  fields: { pk: "string", sk: "string", gsi1pk: "string", gsi1sk: "string" },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  globalIndexes: { gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk" } },
  ttl: "ttl",
  transform: {
    table: {
      pointInTimeRecovery: { enabled: production },
      deletionProtectionEnabled: production,
    },
  },
});
