import type { TestProject } from "vitest/node";
import { startDynamoLocal } from "../../packages/local/src/dynamo-local";
import { startSqsLocal } from "../../packages/local/src/sqs-local";
import { startRuntimeProcess } from "../helpers/runtime";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sqsEndpoint: string;
    runtimeUrl: string;
    runtimeKey: string;
    runtimeDataDir: string;
  }
}

/**
 * Once per test run: an in-memory DynamoDB Local and a local SQS server for integration tests, and
 * one local runtime process (`npm start`'s entry) for end-to-end tests over HTTP.
 */
export default async function setup(project: TestProject) {
  const [dynamo, sqs, runtime] = await Promise.all([startDynamoLocal({}), startSqsLocal(), startRuntimeProcess({ env: { OUTREACH_RATE_LIMIT: "0" } })]);
  project.provide("dynamoEndpoint", dynamo.endpoint);
  project.provide("sqsEndpoint", sqs.endpoint);
  project.provide("runtimeUrl", runtime.url);
  project.provide("runtimeKey", runtime.key);
  project.provide("runtimeDataDir", runtime.dataDir);
  return async () => {
    await runtime.stop();
    await Promise.all([dynamo.stop(), sqs.stop()]);
  };
}
