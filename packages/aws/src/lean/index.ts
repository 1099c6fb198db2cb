/** AWS data-plane requests without the SDK's request path (see `dynamodb.ts` for why). */
export { createLeanDocClient, type DocClient } from "./dynamodb";
export { createLeanSqsClient, type SqsClient } from "./sqs";
