import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { createDb, ensureTable } from "../packages/aws/src/store";
import { JAVA_OPTIONS, startDynamoLocal } from "../packages/local/src/dynamo-local";
import { procStats } from "./lib";

/**
 * DynamoDB Local's JVM (issue 35): the same start and the same requests (3,000 puts in batches of
 * ten, 300 gets and 300 queries) with the JVM's defaults and with `JAVA_OPTIONS`; the figure is the
 * Java process's CPU seconds (start, and in all), which the test suite and `npm start` pay for.
 */
export const dynamoLocal = async () => {
  const out: Record<string, { start_ms: number; start_cpu_s: number; work_ms: number; total_cpu_s: number }> = {};
  for (const [name, javaOptions] of [
    ["jvm defaults", []],
    [JAVA_OPTIONS.join(" "), JAVA_OPTIONS],
  ] as const) {
    const t0 = Date.now();
    const dl = await startDynamoLocal({ javaOptions });
    const start_ms = Date.now() - t0;
    const start_cpu_s = procStats(dl.pid).cpuSeconds;
    const db = createDb({ table: "bench", endpoint: dl.endpoint });
    await ensureTable(db);
    const t1 = Date.now();
    for (let i = 0; i < 300; i++) {
      const pk = `p${i % 20}`;
      await Promise.all(
        Array.from({ length: 10 }, (_, j) => db.doc.send(new PutCommand({ TableName: db.table, Item: { pk, sk: `s${i}-${j}`, v: "x".repeat(200) } }))),
      );
      await db.doc.send(new GetCommand({ TableName: db.table, Key: { pk, sk: `s${i}-0` } }));
      await db.doc.send(new QueryCommand({ TableName: db.table, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": pk }, Limit: 20 }));
    }
    out[name] = { start_ms, start_cpu_s, work_ms: Date.now() - t1, total_cpu_s: procStats(dl.pid).cpuSeconds };
    await dl.stop();
  }
  return out;
};
