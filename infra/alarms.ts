import { api } from "./api";
import { config } from "./config";
import { eventsSubscriber } from "./events";
import { events, eventsDlq, sends, sendsDlq } from "./queues";
import { repair } from "./repair";
import { METRICS_NAMESPACE } from "./roles";
import { table } from "./storage";
import { cluster, metricDimensions, worker } from "./worker";

/**
 * What an operator must hear about, all on one SNS topic (`OUTREACH_ALARM_EMAIL` subscribes an address;
 * any other subscriber — chat, pager — can be added to the topic): a message in a dead-letter queue;
 * no worker task running; Lambda errors and throttles; events or sends waiting too long; worker tasks
 * restarting (crash or out of memory); a WhatsApp session that logged out (it needs a new QR scan); a
 * worker that cannot reach the store; a session that needs a newer WhatsApp Web version.
 */
export const alarmTopic = new aws.sns.Topic("AlarmTopic");

if (config.alarmEmail) new aws.sns.TopicSubscription("AlarmEmail", { topic: alarmTopic.arn, protocol: "email", endpoint: config.alarmEmail });

const notify = { alarmActions: [alarmTopic.arn], okActions: [alarmTopic.arn] };

type AlarmArgs = Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions">;
const alarm = (name: string, args: AlarmArgs) => new aws.cloudwatch.MetricAlarm(name, { treatMissingData: "notBreaching", ...args, ...notify });

const dlqAlarm = (name: string, dlq: sst.aws.Queue, what: string) =>
  alarm(name, {
    alarmDescription: `${what} failed 10 times and waits in its dead-letter queue (kept 14 days).`,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: dlq.nodes.queue.name },
    statistic: "Maximum",
    period: 300,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanThreshold",
    threshold: 0,
  });

export const eventsDlqAlarm = dlqAlarm("EventsDlqAlarm", eventsDlq, "An event (planner, snapshot, timer, session control)");
export const sendsDlqAlarm = dlqAlarm("SendsDlqAlarm", sendsDlq, "A send or session control message");

/** Each Lambda: any error in 5 minutes, any throttle in 5 minutes (an account out of concurrency). */
const lambdas = [
  { id: "Api", name: api.nodes.function.name },
  { id: "Events", name: eventsSubscriber.nodes.function.name },
  { id: "Repair", name: repair.nodes.function.name },
];
export const lambdaAlarms = lambdas.flatMap(({ id, name }) =>
  (["Errors", "Throttles"] as const).map((metricName) =>
    alarm(`${id}${metricName}Alarm`, {
      alarmDescription: `The ${id} function reported ${metricName.toLowerCase()} (see its log group; throttles mean the account's concurrency is exhausted).`,
      namespace: "AWS/Lambda",
      metricName,
      dimensions: { FunctionName: name },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
    }),
  ),
);

/**
 * Oldest message age: an event older than 10 minutes means the consumer is failing or throttled (its
 * retries come back after 10 minutes); a due send is delivered within seconds of its slot, and every
 * send waits at most 15 minutes before becoming visible, so one 20 minutes old means no worker takes it.
 */
export const eventsAgeAlarm = alarm("EventsAgeAlarm", {
  alarmDescription: "Events wait more than 10 minutes in their queue: the events function is failing or throttled.",
  namespace: "AWS/SQS",
  metricName: "ApproximateAgeOfOldestMessage",
  dimensions: { QueueName: events.nodes.queue.name },
  statistic: "Maximum",
  period: 300,
  evaluationPeriods: 1,
  comparisonOperator: "GreaterThanThreshold",
  threshold: 600,
});
export const sendsAgeAlarms = sends.map((q, i) =>
  alarm(`Sends${i}AgeAlarm`, {
    alarmDescription: `Sends of shard ${i} wait more than 20 minutes: no worker takes them (see the Sessions and SendsBacklog metrics).`,
    namespace: "AWS/SQS",
    metricName: "ApproximateAgeOfOldestMessage",
    dimensions: { QueueName: q.nodes.queue.name },
    statistic: "Maximum",
    period: 300,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanThreshold",
    threshold: 1200,
  }),
);

/** Metrics the workers publish (packages/system/src/metrics): the sum over a period of 5 minutes. */
const workerAlarm = (name: string, metricName: string, threshold: number, alarmDescription: string) =>
  alarm(name, {
    alarmDescription,
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensions: metricDimensions,
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold,
  });

export const loggedOutAlarm = workerAlarm(
  "SessionLoggedOutAlarm",
  "SessionsLoggedOut",
  1,
  "A WhatsApp session logged out (removed from the phone, or banned): it needs a new QR scan in the console; its jobs are paused.",
);
export const restrictedAlarm = workerAlarm(
  "WhatsAppRestrictedAlarm",
  "SessionsRestricted",
  1,
  "WhatsApp restricted a number (463: no new chats, or the reach-out time lock): its bulk sends are paused until restricted_until. Lower the pace; do not resume early.",
);
export const storeErrorsAlarm = workerAlarm(
  "StoreErrorsAlarm",
  "StoreErrors",
  5,
  "Workers cannot reach DynamoDB (5+ failed rounds in 5 minutes): leases cannot be renewed and sends wait. Liveness does not depend on the store, so tasks are not replaced for this.",
);
export const updateRequiredAlarm = workerAlarm(
  "WhatsAppUpdateRequiredAlarm",
  "SessionsUpdateRequired",
  1,
  "WhatsApp refused a session's Web version (close code 405): set OUTREACH_WA_VERSION to a current version and deploy (README, real WhatsApp).",
);

/**
 * The service's CPUUtilization is published once a minute per service while a task runs, and not at
 * all when none does (free, unlike Container Insights' RunningTaskCount): fewer than one sample for
 * 5 minutes, or no data, means no worker. Five minutes cover a deployment's stop-then-start gap.
 * Restarts: every task start publishes `WorkerStarts` once; more starts in 15 minutes than the
 * service's maximum means tasks crash or run out of memory and are replaced in a loop.
 */
export const workerRunningAlarm = $dev
  ? undefined
  : alarm("WorkerNotRunningAlarm", {
      alarmDescription: "No Outreach worker task is running: WhatsApp sessions are disconnected and nothing is sent.",
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      dimensions: { ClusterName: cluster.nodes.cluster.name, ServiceName: worker.nodes.service.name },
      statistic: "SampleCount",
      period: 60,
      evaluationPeriods: 5,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
    });
export const workerRestartsAlarm = alarm("WorkerRestartsAlarm", {
  alarmDescription:
    "Worker tasks keep restarting (more starts in 15 minutes than the service's maximum): a crash loop or out of memory. Check the worker's log group and the stopped tasks' reason.",
  namespace: METRICS_NAMESPACE,
  metricName: "WorkerStarts",
  dimensions: metricDimensions,
  statistic: "Sum",
  period: 900,
  evaluationPeriods: 1,
  comparisonOperator: "GreaterThanThreshold",
  threshold: config.workerMax,
});

/** The table's own throttling and errors (a store the workers cannot write stops sending). */
export const tableThrottleAlarm = alarm("TableThrottlesAlarm", {
  alarmDescription: "DynamoDB throttled or failed requests on the Outreach table.",
  namespace: "AWS/DynamoDB",
  metricName: "SystemErrors",
  dimensions: { TableName: table.name },
  statistic: "Sum",
  period: 300,
  evaluationPeriods: 1,
  comparisonOperator: "GreaterThanThreshold",
  threshold: 0,
});
