import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { allows, type Grant, type Role, type Target } from "../../infra/grants";

/** Each role signs with its own access key id (`AKIA<ROLE>`); the harness itself is `AKIASTAGEADMIN`, an operator. */
export const accessKeyOf = (role: Role | "admin") => `AKIASTAGE${role.toUpperCase()}`;
/** The role that signed a request (SigV4 `Credential=<access key id>/…`), as the stage's stand-ins read it. */
export const roleOf = (authorization: string | undefined): Role | "admin" | undefined => {
  const akid = /Credential=([^/]+)\//.exec(authorization ?? "")?.[1];
  if (!akid?.startsWith("AKIASTAGE")) return undefined;
  const name = akid.slice("AKIASTAGE".length).toLowerCase();
  return name === "workerexecution" ? "workerExecution" : (name as Role | "admin");
};

export interface Denial {
  role: string;
  action: string;
  resource: string;
}

export interface StageNames {
  table: string;
  events: string;
  sends: string[];
}

/** What one request asks IAM for: each action on each target, as IAM evaluates it. */
export const requestedOf = (
  service: "dynamodb" | "sqs",
  op: string,
  body: any,
  names: StageNames,
): { action: string; target: Target | undefined; resource: string }[] => {
  const tableTarget = (name: string | undefined): Target | undefined => (name === names.table ? "table" : undefined);
  if (service === "dynamodb") {
    const one = (action: string, table: string | undefined, index?: string) => ({
      action: `dynamodb:${action}`,
      target: tableTarget(table),
      resource: `arn:aws:dynamodb:us-east-1:000000000000:table/${table}${index ? `/index/${index}` : ""}`,
    });
    // A transaction is authorized item by item, each as its own action (DynamoDB's IAM reference).
    if (op === "TransactWriteItems")
      return (body.TransactItems ?? []).map((i: any) => {
        const [kind, item] = Object.entries(i)[0] as [string, any];
        const action = { Put: "PutItem", Update: "UpdateItem", Delete: "DeleteItem", ConditionCheck: "ConditionCheckItem" }[kind] ?? kind;
        return one(action, item.TableName);
      });
    if (op === "TransactGetItems") return (body.TransactItems ?? []).map((i: any) => one("GetItem", i.Get?.TableName));
    if (op === "BatchGetItem" || op === "BatchWriteItem") return Object.keys(body.RequestItems ?? {}).map((t) => one(op, t));
    return [one(op, body.TableName, body.IndexName)];
  }
  const queue = String(body.QueueUrl ?? "")
    .split("/")
    .filter(Boolean)
    .pop();
  const target: Target | undefined = queue === names.events ? "events" : names.sends.includes(queue ?? "") ? "sends" : undefined;
  const action = `sqs:${op.replace(/Batch$/, "")}`;
  return [{ action, target, resource: `arn:aws:sqs:us-east-1:000000000000:${queue}` }];
};

const forward = (to: string, method: string, path: string, headers: Record<string, any>, body: Buffer) =>
  new Promise<{ status: number; headers: Record<string, any>; body: Buffer }>((resolve, reject) => {
    const u = new URL(to);
    const req = request({ host: u.hostname, port: u.port, method, path, headers: { ...headers, host: u.host, "content-length": body.length } }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c) => parts.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(parts) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });

/**
 * IAM in front of DynamoDB Local and the local SQS server: every request a bundle makes is signed with
 * its role's access key id; the role's grants (infra/grants.ts, the table infra builds its policies
 * from) decide. A call outside them fails as AWS fails it — AccessDeniedException, HTTP 400 from
 * DynamoDB, 403 from SQS, with AWS's message — and is recorded and logged, so a test sees it.
 *
 * The local SQS server answers a long poll only once it has `MaxNumberOfMessages` (or the wait is
 * over); SQS answers as soon as any message is there. The proxy gives the bundles SQS's behaviour
 * (one message long-polled, then what else is there at once), so the deployed code runs unchanged.
 */
export const startIam = async (o: {
  dynamo: string;
  sqs: string;
  names: StageNames;
  grants: () => Record<Role, readonly Grant[]>;
  log: (line: string) => void;
}) => {
  const denials: Denial[] = [];
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ message: String(e) }));
      else res.destroy();
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    for await (const c of req) parts.push(c as Buffer);
    const raw = Buffer.concat(parts);
    const target = String(req.headers["x-amz-target"] ?? "");
    const service = target.startsWith("DynamoDB_") ? "dynamodb" : target.startsWith("AmazonSQS.") ? "sqs" : undefined;
    const upstream = service === "dynamodb" ? o.dynamo : o.sqs;
    const op = target.split(".")[1] ?? "";
    const role = roleOf(req.headers.authorization);
    let body: any = {};
    try {
      body = raw.length ? JSON.parse(raw.toString("utf8")) : {};
    } catch {}
    if (!service || !role) {
      res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ message: "The security token included in the request is invalid." }));
      return;
    }
    if (role !== "admin") {
      const refused = requestedOf(service, op, body, o.names).find((r) => !r.target || !allows(o.grants(), role, r.action, r.target));
      if (refused) {
        const message = `User: arn:aws:sts::000000000000:assumed-role/outreach-stage-${role}/stage is not authorized to perform: ${refused.action} on resource: ${refused.resource} because no identity-based policy allows the ${refused.action} action`;
        denials.push({ role, action: refused.action, resource: refused.resource });
        o.log(`[iam] AccessDenied ${role} ${refused.action} ${refused.resource}`);
        const status = service === "dynamodb" ? 400 : 403;
        const headers: Record<string, string> = { "content-type": "application/x-amz-json-1.0" };
        if (service === "sqs") headers["x-amzn-query-error"] = "AccessDenied;Sender";
        res
          .writeHead(status, headers)
          .end(JSON.stringify({ __type: "com.amazon.coral.service#AccessDeniedException", [service === "sqs" ? "message" : "Message"]: message }));
        return;
      }
    }
    const headers = { ...req.headers };
    // DynamoDB Local keeps one database per access key id unless shared: every role talks to the same table.
    const send = (b: Buffer) => forward(upstream, req.method ?? "POST", req.url ?? "/", headers, b);
    const longReceive = service === "sqs" && op === "ReceiveMessage" && (body.MaxNumberOfMessages ?? 1) > 1 && (body.WaitTimeSeconds ?? 0) > 0;
    let answer = longReceive ? await send(Buffer.from(JSON.stringify({ ...body, MaxNumberOfMessages: 1 }))) : await send(raw);
    if (longReceive) {
      // As SQS behaves: long-poll for one, then take the rest without waiting.
      const first = answer.status === 200 ? JSON.parse(answer.body.toString() || "{}") : undefined;
      if (first?.Messages?.length) {
        const more = await send(Buffer.from(JSON.stringify({ ...body, MaxNumberOfMessages: body.MaxNumberOfMessages - 1, WaitTimeSeconds: 0 })));
        const rest = more.status === 200 ? (JSON.parse(more.body.toString() || "{}").Messages ?? []) : [];
        answer = { ...answer, body: Buffer.from(JSON.stringify({ ...first, Messages: [...first.Messages, ...rest] })) };
      }
    }
    const out = { ...answer.headers };
    delete out["content-length"];
    delete out["transfer-encoding"];
    res.writeHead(answer.status, out).end(answer.body);
  };
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    denials,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};
