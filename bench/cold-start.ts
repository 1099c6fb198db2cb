import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { scheduledEvent, startStage } from "../test/stage/stage";
import { machine, percentile } from "./lib";

/**
 * `npm run bench -- cold-start` (after `node scripts/bundle.mjs lambdas`, which `test:stage`'s setup
 * also runs): the built Lambda bundles started the way the stage test starts them (test/stage: Node 22,
 * the role's environment, `resource.enc`, DynamoDB Local and the local SQS server behind the stage's
 * IAM), each time as a new function, so every invocation measured is a cold start: a new process
 * imports the bundle and answers its first event. `BENCH_ROUNDS` (default 5) per function.
 * Reported: the time from the invocation to the answer (process start, import, first event), and the
 * bundle's size — what a cold start loads (the entry and its static chunks) and all files.
 */

const ROOT = new URL("..", import.meta.url).pathname;

const sizes = (name: string) => {
  const dir = join(ROOT, "dist/functions", name);
  const files = readdirSync(dir).filter((f) => f.endsWith(".mjs"));
  // The entry and its static imports, followed through the chunks' own `from"./chunk-…"` imports.
  const loaded = new Set<string>();
  const visit = (f: string) => {
    if (loaded.has(f)) return;
    loaded.add(f);
    const text = readFileSync(join(dir, f), "utf8");
    for (const m of text.matchAll(/(?:^|[;}\s])import\s*(?:[^"'()]*?from\s*)?["']\.\/([^"']+\.mjs)["']/g)) if (m[1]) visit(m[1]);
  };
  visit("index.mjs");
  const kib = (list: string[]) => Math.round(list.reduce((n, f) => n + statSync(join(dir, f)).size, 0) / 1024);
  const gz = (list: string[]) => Math.round(list.reduce((n, f) => n + gzipSync(readFileSync(join(dir, f))).length, 0) / 1024);
  return { loaded_kib: kib([...loaded]), loaded_gzip_kib: gz([...loaded]), all_kib: kib(files), files: files.length };
};

const ACCOUNT = "000000000000";

export const coldStart = async (rounds = Number(process.env.BENCH_ROUNDS ?? 5)) => {
  const stage = await startStage();
  try {
    const sqsEvent = (body: object) => () => ({
      Records: [
        {
          messageId: randomBytes(8).toString("hex"),
          receiptHandle: "cold-start",
          body: JSON.stringify(body),
          attributes: {},
          messageAttributes: {},
          eventSource: "aws:sqs",
          eventSourceARN: `arn:aws:sqs:us-east-1:${ACCOUNT}:${stage.names.events}`,
          awsRegion: "us-east-1",
        },
      ],
    });
    // A Function URL request (payload 2.0) with the tenant's key: GET /api/v2/usage/current reads the store.
    const urlEvent = () => ({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/api/v2/usage/current",
      rawQueryString: "",
      headers: { authorization: `Bearer ${stage.key}`, host: "lambda-url.local" },
      requestContext: {
        http: { method: "GET", path: "/api/v2/usage/current", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "bench" },
        requestId: randomBytes(8).toString("hex"),
        timeEpoch: Date.now(),
      },
      isBase64Encoded: false,
    });
    const out: Record<string, unknown> = {};
    // `events`: a session that does not exist: the consumer relays session control, acknowledges.
    // `events_job_plan`: a job that does not exist: the planner (a chunk the events Lambda imports at its
    // first domain message) reads the store, finds nothing to plan, acknowledges.
    for (const [label, name, event] of [
      ["api", "api", urlEvent],
      ["events", "events", sqsEvent({ type: "session.sync", tenant_id: stage.tenant.id, session_id: "ses_cold_start" })],
      ["events_job_plan", "events", sqsEvent({ type: "job.plan", tenant_id: stage.tenant.id, job_id: "bulk_cold_start", epoch: 0 })],
      ["repair", "repair", () => scheduledEvent()],
    ] as const) {
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const fn = stage.fresh(name);
        const t0 = performance.now();
        let answer: unknown;
        if (name === "api") {
          // The streamed answer, read to its end: the prelude (status) and the body.
          const r = await fn.invokeStream(event());
          const parts: Buffer[] = [];
          for await (const c of r.chunks) parts.push(c);
          await r.done;
          const text = Buffer.concat(parts).toString("utf8");
          if (!text.includes('"statusCode":200')) throw new Error(`api answered ${text.slice(0, 200)}`);
        } else answer = await fn.invoke(event());
        times.push(performance.now() - t0);
        if (name === "events" && (answer as { batchItemFailures?: unknown[] })?.batchItemFailures?.length)
          throw new Error(`events failed: ${JSON.stringify(answer)}`);
        await fn.stop();
      }
      out[label] = {
        ...sizes(name),
        first_event_ms: { p50: Math.round(percentile(times, 50)), max: Math.round(Math.max(...times)), runs: times.map(Math.round) },
      };
    }
    return { machine: machine(), rounds, ...out };
  } finally {
    await stage.stop();
  }
};
