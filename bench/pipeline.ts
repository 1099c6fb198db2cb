import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createDb, createStore } from "../packages/aws/src/store";
import { batchWrite, type Db } from "../packages/aws/src/store/db";
import { hashKey } from "../packages/core/src/tenant";
import { createCounter, median, round, runtime } from "./lib";

/** AWS list prices (us-east-1, on demand): SQS standard per request, DynamoDB per write / read unit. */
export const PRICES = { sqsRequest: 0.4 / 1e6, writeUnit: 0.625 / 1e6, readUnit: 0.125 / 1e6 };

/** The bare baseline's two requests for message `i`: the recipient's conditional update, the sandbox record. */
export const baselineRequests = {
  update: (db: Db, tag: string, i: number) =>
    db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: { pk: `BASE#${tag}`, sk: `R#${i}` },
        UpdateExpression: "SET #s = :sent",
        ConditionExpression: "#s = :pending",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":sent": "sent", ":pending": "pending" },
      }),
    ),
  put: (db: Db, tag: string, i: number) =>
    db.doc.send(new PutCommand({ TableName: db.table, Item: { pk: "BASEBOX", sk: `${Date.now()}#${tag}#${i}`, to: `+${i}`, text: "Hello" } })),
  /** The pending recipients the updates need (written before the clock starts). */
  seed: (db: Db, tag: string, from: number, count: number) =>
    batchWrite(
      db,
      Array.from({ length: count }, (_, i) => ({ put: { pk: `BASE#${tag}`, sk: `R#${from + i}`, status: "pending" } })),
    ),
};

/**
 * The bare baseline: per message one conditional update and one sandbox record (`PutItem`), one message
 * at a time; resolves with its seconds (the recipients' items are written before the clock starts).
 */
export const bareBaseline = async (db: Db, count: number, tag: string) => {
  await baselineRequests.seed(db, tag, 0, count);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    await baselineRequests.update(db, tag, i);
    await baselineRequests.put(db, tag, i);
  }
  return (performance.now() - t0) / 1000;
};

/**
 * End-to-end messages per second of a bulk send with delays 0 on the sandbox, the AWS requests it
 * makes per message, and a bare baseline in the same run: per message only one conditional update
 * and one sandbox record, one at a time (a session's lane sends one message at a time too).
 * With `delay` (`BENCH_DELAY_SECONDS`) the job's messages are paced that many seconds apart: each
 * reaches the sends queue alone, as on AWS, which is what the SQS requests per message then show.
 */
export const pipeline = async (n: number, receipts: boolean, rounds = 3, delay = 0) => {
  const counter = createCounter();
  const rt = await runtime(counter);
  try {
    const session = await rt.session();
    const observer = createStore(createDb({ table: "outreach", endpoint: rt.dynamoEndpoint }));
    const tenantId = (await observer.tenants.findKey(hashKey(rt.key)))?.tenant_id as string;
    const db = createDb({ table: "outreach", endpoint: rt.dynamoEndpoint });

    /** Sends a job to the group's members; resolves with the seconds from `POST /bulk-send` to `completed`. */
    const sendJob = async (group: string) => {
      const t0 = performance.now();
      const job = await rt.call("POST", "/bulk-send", {
        session_id: session,
        custom_group_id: group,
        message_content: "Hello {{name}}",
        min_delay_seconds: delay,
        max_delay_seconds: delay,
      });
      for (;;) {
        const j = await observer.jobs.get(tenantId, job.id, true);
        if (j?.status === "completed") break;
        await new Promise((r) => setTimeout(r, 250));
      }
      return (performance.now() - t0) / 1000;
    };
    const baseline = (count: number, tag: string) => bareBaseline(db, count, tag);
    const quiet = (prefix: number, count: number) => {
      // Without receipts, only the pipeline's own work is measured; with them, everything a message costs.
      if (!receipts) for (let i = 0; i < count; i++) rt.sandbox?.setReceipts(`+55119${prefix}${String(i).padStart(4, "0")}`, "none");
    };

    // DynamoDB Local is a JVM: both sides are measured after its JIT has compiled the paths they use.
    const warm = Math.min(1000, n);
    quiet(2000, warm);
    await sendJob(await rt.group(warm, 2000));
    await baseline(warm, "warm");

    // Rounds alternate baseline and job on the same DynamoDB Local; medians damp the machine's noise.
    const jobs: number[] = [];
    const bases: number[] = [];
    let jobCpu = 0;
    let baseCpu = 0;
    // This process's CPU (the runtime and the benchmark: API, consumers, worker, local SQS, SDK clients) while jobs run.
    let nodeCpu = 0;
    counter.reset();
    counter.pause();
    for (let r = 0; r < rounds; r++) {
      const prefix = 1000 + r;
      const group = await rt.group(n, prefix);
      quiet(prefix, n);
      const c0 = rt.dynamoCpuSeconds();
      bases.push(await baseline(n, `r${r}`));
      const c1 = rt.dynamoCpuSeconds();
      counter.resume();
      const n0 = process.cpuUsage();
      jobs.push(await sendJob(group));
      const c2 = rt.dynamoCpuSeconds();
      const n1 = process.cpuUsage(n0);
      nodeCpu += (n1.user + n1.system) / 1e6;
      // Receipts (delivered, read) are part of each message's cost: let them land.
      await new Promise((res) => setTimeout(res, 3000));
      counter.pause();
      baseCpu += c1 - c0;
      jobCpu += c2 - c1;
    }
    const used = counter.snapshot();
    const seconds = median(jobs);
    const baseSeconds = median(bases);
    const total = n * rounds;

    const per = (k: string) =>
      Object.entries(used.counts)
        .filter(([name]) => name.startsWith(k))
        .reduce((s, [, v]) => s + v, 0) / total;
    // Every SQS request; `SQS.ReceiveMessage (with messages)` is a subset of `SQS.ReceiveMessage`, not added twice.
    const sqs = per("SQS") - per("SQS.ReceiveMessage (");
    const dynamo = per("DynamoDB");
    const usd10k =
      10_000 * (sqs * PRICES.sqsRequest + ((used.writeUnits + used.gsiWriteUnits) / total) * PRICES.writeUnit + (used.readUnits / total) * PRICES.readUnit);
    // The sandbox's own writes (its outbox and status updates, item kind `SANDBOX/…`) do not exist on AWS.
    const sandboxUnits = Object.entries(used.byItem)
      .filter(([k]) => / SANDBOX\//.test(k))
      .reduce((s, [, v]) => s + v, 0);
    const awsUsd10k = usd10k - 10_000 * (sandboxUnits / total) * PRICES.writeUnit;
    return {
      recipients: n,
      delay_seconds: delay,
      receipts,
      rounds,
      seconds: Math.round(seconds * 10) / 10,
      messages_per_second: Math.round((n / seconds) * 10) / 10,
      baseline_messages_per_second: Math.round((n / baseSeconds) * 10) / 10,
      ratio: Math.round((baseSeconds / seconds) * 100) / 100,
      runs_messages_per_second: jobs.map((x) => Math.round((n / x) * 10) / 10),
      baseline_runs_messages_per_second: bases.map((x) => Math.round((n / x) * 10) / 10),
      // DynamoDB Local's CPU per message (it is the bottleneck here): the pipeline's and the baseline's.
      dynamodb_local_cpu_ms_per_message: round((jobCpu * 1000) / total),
      baseline_dynamodb_local_cpu_ms_per_message: round((baseCpu * 1000) / total),
      // Node's CPU per message while the jobs ran (the whole local runtime is this one process).
      node_cpu_ms_per_message: round((nodeCpu * 1000) / total),
      per_message: {
        sqs_requests: round(sqs),
        dynamodb_requests: round(dynamo),
        write_units: round(used.writeUnits / total),
        // The table's write units without the sandbox's own writes: what the same message costs on AWS.
        write_units_on_aws: round((used.writeUnits - sandboxUnits) / total),
        gsi_write_units: round(used.gsiWriteUnits / total),
        read_units: round(used.readUnits / total),
      },
      usd_per_10k_messages: Math.round(usd10k * 10000) / 10000,
      usd_per_10k_messages_on_aws: Math.round(awsUsd10k * 10000) / 10000,
      requests_by_command: Object.fromEntries(
        Object.entries(used.counts)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => [k, round(v / total)]),
      ),
      // Table write units by item kind (`JOB#/R#` a recipient, `T#/JOB#` a job, `MSG#/MSG` a message-id entry, …).
      write_units_by_item: Object.fromEntries(
        Object.entries(used.byItem)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => [k, round(v / total)]),
      ),
      mean_ms_by_command: Object.fromEntries(Object.entries(used.millis).map(([k, v]) => [k, round(v / (used.counts[k] ?? 1))])),
    };
  } finally {
    await rt.close();
  }
};
