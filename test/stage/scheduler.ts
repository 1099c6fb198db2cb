import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { allows, type Grant, type Role } from "../../infra/grants";

/**
 * EventBridge Scheduler's control plane and delivery, as a double (AWS control planes cannot run
 * here). What it does is what the service documents (and shared/NOTES.md records):
 * - `CreateSchedule` POST /schedules/{Name}, `UpdateSchedule` PUT (replaces the whole schedule),
 *   `DeleteSchedule` DELETE ?groupName=, `GetSchedule` GET; restJson errors in `x-amzn-errortype`:
 *   ConflictException 409 (exists), ResourceNotFoundException 404, ValidationException 400,
 *   AccessDeniedException 403;
 * - the caller needs `scheduler:<Action>` on the schedule and `iam:PassRole` on `Target.RoleArn`;
 * - a one-time `at(yyyy-mm-ddThh:mm:ss)` in `ScheduleExpressionTimezone` fires once, within its minute;
 *   for an SQS target the message body is `Target.Input`, sent as the target role (which must be
 *   allowed `sqs:SendMessage`); `ActionAfterCompletion: DELETE` removes the schedule after it ran.
 */
export const startScheduler = async (o: {
  /** Who signed a request (the role's access key id). */
  roleOf: (authorization: string | undefined) => Role | "admin" | undefined;
  grants: () => Record<Role, readonly Grant[]>;
  /** The scheduler role's ARN (what `Target.RoleArn` must name) and the queue URL of each target ARN. */
  schedulerRoleArn: string;
  queueUrlOf: (arn: string) => string | undefined;
  /** An SQS client signed as the scheduler's role (through the stage's IAM). */
  deliver: SQSClient;
  log: (line: string) => void;
}) => {
  const schedules = new Map<string, { input: any; timer?: ReturnType<typeof setTimeout> }>();
  const fired: { name: string; at: number; body: string }[] = [];
  const key = (group: string, name: string) => `${group}/${name}`;

  const arm = (k: string, input: any) => {
    const m = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(input.ScheduleExpression ?? "");
    if (!m) return;
    if ((input.ScheduleExpressionTimezone ?? "UTC") !== "UTC") throw new Error("the stage's scheduler reads at() in UTC only (Outreach arms UTC timers)");
    const at = Date.parse(`${m[1]}Z`);
    const timer = setTimeout(
      async () => {
        const url = o.queueUrlOf(input.Target.Arn);
        try {
          if (!url) throw new Error(`no queue ${input.Target.Arn}`);
          await o.deliver.send(new SendMessageCommand({ QueueUrl: url, MessageBody: input.Target.Input }));
          fired.push({ name: k, at: Date.now(), body: input.Target.Input });
          o.log(`[scheduler] delivered ${k}`);
        } catch (e) {
          o.log(`[scheduler] delivery of ${k} failed: ${(e as Error).message}`);
        }
        if (input.ActionAfterCompletion === "DELETE") schedules.delete(k);
      },
      Math.max(0, at - Date.now()),
    );
    timer.unref();
    return timer;
  };

  const server: Server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const c of req) parts.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://scheduler");
    const name = decodeURIComponent(url.pathname.replace(/^\/schedules\//, ""));
    const fail = (status: number, type: string, message: string) =>
      res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": type }).end(JSON.stringify({ Message: message }));
    const role = o.roleOf(req.headers.authorization);
    const body = parts.length ? JSON.parse(Buffer.concat(parts).toString("utf8")) : {};
    const group = body.GroupName ?? url.searchParams.get("groupName") ?? "default";
    const action = { POST: "CreateSchedule", PUT: "UpdateSchedule", DELETE: "DeleteSchedule", GET: "GetSchedule" }[req.method ?? ""] ?? "";
    const resource = `arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/${name}`;
    const denied = (what: string, on: string) => {
      o.log(`[iam] AccessDenied ${role} ${what} ${on}`);
      fail(
        403,
        "AccessDeniedException",
        `User: arn:aws:sts::000000000000:assumed-role/outreach-stage-${role}/stage is not authorized to perform: ${what} on resource: ${on}`,
      );
    };
    if (!role) return fail(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
    if (role !== "admin" && !allows(o.grants(), role, `scheduler:${action}`, "schedules")) return denied(`scheduler:${action}`, resource);
    if (!/^[0-9a-zA-Z\-_.]{1,64}$/.test(name)) return fail(400, "ValidationException", "Name must match [0-9a-zA-Z-_.]{1,64}");
    const k = key(group, name);
    const existing = schedules.get(k);
    if (action === "CreateSchedule" || action === "UpdateSchedule") {
      if (role !== "admin" && body.Target?.RoleArn === o.schedulerRoleArn && !allows(o.grants(), role, "iam:PassRole", "schedulerRole"))
        return denied("iam:PassRole", body.Target.RoleArn);
      if (body.Target?.RoleArn !== o.schedulerRoleArn)
        return fail(400, "ValidationException", "The execution role you provide must allow AWS EventBridge Scheduler to assume the role.");
      if (action === "CreateSchedule" && existing) return fail(409, "ConflictException", `Schedule ${name} already exists.`);
      if (action === "UpdateSchedule" && !existing) return fail(404, "ResourceNotFoundException", `Schedule ${name} does not exist.`);
      if (existing?.timer) clearTimeout(existing.timer);
      try {
        schedules.set(k, { input: body, timer: arm(k, body) });
      } catch (e) {
        return fail(400, "ValidationException", (e as Error).message);
      }
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ScheduleArn: resource }));
    }
    if (!existing) return fail(404, "ResourceNotFoundException", `Schedule ${name} does not exist.`);
    if (action === "DeleteSchedule") {
      if (existing.timer) clearTimeout(existing.timer);
      schedules.delete(k);
      return res.writeHead(200, { "content-type": "application/json" }).end("{}");
    }
    return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ...existing.input, Name: name, Arn: resource }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    schedules,
    fired,
    close: () =>
      new Promise<void>((r) => {
        for (const s of schedules.values()) if (s.timer) clearTimeout(s.timer);
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};
