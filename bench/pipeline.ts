import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createDb, createStore } from "../packages/aws/src/store";
import { batchWrite } from "../packages/aws/src/store/db";
import { hashKey } from "../packages/core/src/tenant";
import { createCounter, runtime } from "./lib";

/** AWS list prices (us-east-1, on demand): SQS standard per request, DynamoDB per write / read unit. */
export const PRICES = { sqsRequest: 0.4 / 1e6, writeUnit: 0.625 / 1e6, readUnit: 0.125 / 1e6 };

/**
 * End-to-end messages per second of a bulk send with delays 0 on the sandbox, the AWS requests it
 * makes per message, and a bare baseline in the same run: per message only one conditional update
 * and one sandbox record, one at a time (a session's lane sends one message at a time too).
 */
export const pipeline = async (n: number, receipts: boolean) => {
  const counter = createCounter();
  const rt = await runtime(counter);
  try {
    const session = await rt.session();
    const group = await rt.group(n);
    // Without receipts, only the pipeline's own work is measured; with them, everything a message costs.
    if (!receipts) for (let i = 0; i < n; i++) rt.sandbox?.setReceipts(`+551191000${String(i).padStart(4, "0")}`, "none");
    const observer = createStore(createDb({ table: "outreach", endpoint: rt.dynamoEndpoint }));
    const tenantId = (await observer.tenants.findKey(hashKey(rt.key)))?.tenant_id as string;
    counter.reset();
    const t0 = performance.now();
    const job = await rt.call("POST", "/bulk-send", {
      session_id: session,
      custom_group_id: group,
      message_content: "Hello {{name}}",
      min_delay_seconds: 0,
      max_delay_seconds: 0,
    });
    for (;;) {
      const j = await observer.jobs.get(tenantId, job.id, true);
      if (j?.status === "completed") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (performance.now() - t0) / 1000;
    // Receipts (delivered, read) are part of each message's cost: let them land.
    await new Promise((r) => setTimeout(r, 3000));
    const used = counter.snapshot();

    // Baseline on the same DynamoDB Local: one conditional update + one sandbox record per message.
    const db = createDb({ table: "outreach", endpoint: rt.dynamoEndpoint });
    await batchWrite(
      db,
      Array.from({ length: n }, (_, i) => ({ put: { pk: "BASE", sk: `R#${i}`, status: "pending" } })),
    );
    const b0 = performance.now();
    for (let i = 0; i < n; i++) {
      await db.doc.send(
        new UpdateCommand({
          TableName: "outreach",
          Key: { pk: "BASE", sk: `R#${i}` },
          UpdateExpression: "SET #s = :sent",
          ConditionExpression: "#s = :pending",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":sent": "sent", ":pending": "pending" },
        }),
      );
      await db.doc.send(new PutCommand({ TableName: "outreach", Item: { pk: "BASEBOX", sk: `${Date.now()}#${i}`, to: `+${i}`, text: "Hello" } }));
    }
    const baseSeconds = (performance.now() - b0) / 1000;

    const per = (k: string) =>
      Object.entries(used.counts)
        .filter(([name]) => name.startsWith(k))
        .reduce((s, [, v]) => s + v, 0) / n;
    const sqs = per("SQS");
    const dynamo = per("DynamoDB");
    const usd10k = 10_000 * (sqs * PRICES.sqsRequest + (used.writeUnits / n) * PRICES.writeUnit + (used.readUnits / n) * PRICES.readUnit);
    return {
      recipients: n,
      receipts,
      seconds: Math.round(seconds * 10) / 10,
      messages_per_second: Math.round((n / seconds) * 10) / 10,
      baseline_messages_per_second: Math.round((n / baseSeconds) * 10) / 10,
      ratio: Math.round((n / seconds / (n / baseSeconds)) * 100) / 100,
      per_message: {
        sqs_requests: round(sqs),
        dynamodb_requests: round(dynamo),
        write_units: round(used.writeUnits / n),
        read_units: round(used.readUnits / n),
      },
      usd_per_10k_messages: Math.round(usd10k * 10000) / 10000,
      requests_by_command: Object.fromEntries(
        Object.entries(used.counts)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => [k, round(v / n)]),
      ),
    };
  } finally {
    await rt.close();
  }
};

const round = (x: number) => Math.round(x * 100) / 100;
