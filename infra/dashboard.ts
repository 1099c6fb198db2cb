import { api } from "./api";
import { eventsSubscriber } from "./events";
import { events, sends } from "./queues";
import { repair } from "./repair";
import { METRICS_NAMESPACE } from "./roles";
import { cluster, metricDimensions, worker } from "./worker";

const region = aws.getRegionOutput().name;

type Metric = (string | $util.Input<string> | Record<string, unknown>)[];

const graph = (title: string, metrics: Metric[], x: number, y: number, opts: Record<string, unknown> = {}) => ({
  type: "metric",
  x,
  y,
  width: 12,
  height: 6,
  properties: { title, region, view: "timeSeries", stacked: false, period: 60, metrics, ...opts },
});

const outreach = (name: string, stat: string, label: string): Metric => [METRICS_NAMESPACE, name, ...Object.entries(metricDimensions).flat(), { stat, label }];
const ecs = (metricName: string, stat: string, label: string): Metric => [
  "AWS/ECS",
  metricName,
  "ClusterName",
  cluster.nodes.cluster.name,
  "ServiceName",
  worker.nodes.service.name,
  { stat, label },
];
const functions = [
  { id: "Api", name: api.nodes.function.name },
  { id: "Events", name: eventsSubscriber.nodes.function.name },
  { id: "Repair", name: repair.nodes.function.name },
];
const queues = [{ id: "events", name: events.nodes.queue.name }, ...sends.map((q, i) => ({ id: `sends ${i}`, name: q.nodes.queue.name }))];

/**
 * The page an operator opens first (CloudWatch → Dashboards → outreach-<stage>): messages sent and
 * failed per minute, queue depth and the age of the oldest message, sessions per worker and the sends
 * backlog, the API's 5xx and latency, Lambda errors and throttles, and the workers' CPU and memory.
 * The alarms (infra/alarms.ts) watch the same metrics.
 */
export const dashboard = new aws.cloudwatch.Dashboard("Dashboard", {
  dashboardName: `outreach-${$app.stage}`,
  dashboardBody: $jsonStringify({
    widgets: [
      graph(
        "Messages per minute",
        [outreach("MessagesSent", "Sum", "sent"), outreach("MessagesFailed", "Sum", "failed"), outreach("SessionsRestricted", "Sum", "restrictions")],
        0,
        0,
      ),
      graph(
        "Sessions and backlog",
        [
          outreach("Sessions", "Sum", "sessions (fleet)"),
          outreach("Sessions", "Average", "sessions per worker"),
          outreach("SendsBacklog", "Sum", "sends due, untaken"),
        ],
        12,
        0,
      ),
      graph(
        "Queue depth (visible)",
        queues.map((q): Metric => ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q.name, { stat: "Maximum", label: q.id }]),
        0,
        6,
      ),
      graph(
        "Oldest message age (s)",
        queues.map((q): Metric => ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", q.name, { stat: "Maximum", label: q.id }]),
        12,
        6,
      ),
      graph(
        "API: 5xx and latency",
        [
          ["AWS/Lambda", "Url5xxCount", "FunctionName", api.nodes.function.name, { stat: "Sum", label: "5xx" }],
          ["AWS/Lambda", "UrlRequestLatency", "FunctionName", api.nodes.function.name, { stat: "p99", label: "p99 ms", yAxis: "right" }],
          ["AWS/Lambda", "UrlRequestLatency", "FunctionName", api.nodes.function.name, { stat: "p50", label: "p50 ms", yAxis: "right" }],
        ],
        0,
        12,
      ),
      graph(
        "Lambda errors and throttles",
        functions.flatMap(({ id, name }): Metric[] => [
          ["AWS/Lambda", "Errors", "FunctionName", name, { stat: "Sum", label: `${id} errors` }],
          ["AWS/Lambda", "Throttles", "FunctionName", name, { stat: "Sum", label: `${id} throttles` }],
        ]),
        12,
        12,
      ),
      ...($dev ? [] : [graph("Workers: CPU and memory (%)", [ecs("CPUUtilization", "Average", "CPU"), ecs("MemoryUtilization", "Maximum", "memory")], 0, 18)]),
      graph("Workers: starts and store errors", [outreach("WorkerStarts", "Sum", "task starts"), outreach("StoreErrors", "Sum", "store errors")], 12, 18),
    ],
  }),
});

export const dashboardUrl = $interpolate`https://console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${dashboard.dashboardName}`;
