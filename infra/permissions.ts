/**
 * Least privilege. SST's `link` grants `dynamodb:*` on a linked table and `sqs:*` on a linked queue to
 * every role that links it. Here a link only carries the properties the code reads through `Resource`
 * (table name, queue URL); each role gets the actions it calls through its own `permissions`, built
 * from these helpers and listed per role where the role is defined.
 *
 * The actions are those of the SDK commands in packages/aws: the store sends Get, Put, Update, Delete,
 * Query (also on gsi1), BatchGet, BatchWrite and TransactWrite (Put/Update/Delete/ConditionCheck items,
 * which IAM checks per item action); the queue adapter sends SendMessageBatch (IAM action
 * `sqs:SendMessage`), ReceiveMessage, DeleteMessageBatch (`sqs:DeleteMessage`) and
 * ChangeMessageVisibility. CreateTable/UpdateTimeToLive/CreateQueue/GetQueueUrl run only locally.
 */
sst.Linkable.wrap(sst.aws.Dynamo, (table) => ({ properties: { name: table.name } }));
sst.Linkable.wrap(sst.aws.Queue, (queue) => ({ properties: { url: queue.url } }));

type Grant = { actions: string[]; resources: $util.Input<string>[] };

/** What the store needs: item reads and writes, transactions and queries on the table and its index. */
export const useTable = (table: sst.aws.Dynamo): Grant => ({
  actions: [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
  ],
  resources: [table.arn, $interpolate`${table.arn}/index/*`],
});

/** Sending to queues (`SendMessageBatch` is authorized as `sqs:SendMessage`). */
export const sendTo = (...queues: sst.aws.Queue[]): Grant => ({ actions: ["sqs:SendMessage"], resources: queues.map((q) => q.arn) });

/** The worker's own consumer loops: receive, delete in batches, and hand a message back with a delay. */
export const consume = (...queues: sst.aws.Queue[]): Grant => ({
  actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
  resources: queues.map((q) => q.arn),
});
