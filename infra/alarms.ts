import { config } from "./config";
import { eventsDlq, sendsDlq } from "./queues";
import { cluster, worker } from "./worker";

/**
 * What an operator must hear about: a message in a dead-letter queue (an event or a send that failed
 * 10 times), and no worker task running (no session is connected, nothing is sent). Alarms go to one
 * SNS topic; `OUTREACH_ALARM_EMAIL` at deploy time subscribes an address to it (infra/config.ts).
 */
export const alarmTopic = new aws.sns.Topic("AlarmTopic");

if (config.alarmEmail) new aws.sns.TopicSubscription("AlarmEmail", { topic: alarmTopic.arn, protocol: "email", endpoint: config.alarmEmail });

const notify = { alarmActions: [alarmTopic.arn], okActions: [alarmTopic.arn] };

const dlqAlarm = (name: string, dlq: sst.aws.Queue, what: string) =>
  new aws.cloudwatch.MetricAlarm(name, {
    alarmDescription: `${what} failed 10 times and waits in its dead-letter queue (kept 14 days).`,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: dlq.nodes.queue.name },
    statistic: "Maximum",
    period: 300,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanThreshold",
    threshold: 0,
    treatMissingData: "notBreaching",
    ...notify,
  });

export const eventsDlqAlarm = dlqAlarm("EventsDlqAlarm", eventsDlq, "An event (planner, snapshot, timer, session control)");
export const sendsDlqAlarm = dlqAlarm("SendsDlqAlarm", sendsDlq, "A send or session control message");

/**
 * The service's CPUUtilization is published once a minute per service while a task runs, and not at
 * all when none does (free, unlike Container Insights' RunningTaskCount): fewer than one sample for
 * 5 minutes, or no data, means no worker. Five minutes cover a deployment's stop-then-start gap.
 */
export const workerRunningAlarm = $dev
  ? undefined
  : new aws.cloudwatch.MetricAlarm("WorkerNotRunningAlarm", {
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
      ...notify,
    });
