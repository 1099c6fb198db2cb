import { z } from "@hono/zod-openapi";
import * as Jobs from "@outreach/core/job";
import * as Report from "@outreach/core/report";
import { Scheduled } from "@outreach/core/schedule";
import { assertScopes } from "../auth";
import { CreateReportBody } from "../routes/reports";
import { CreateScheduledBody } from "../routes/scheduled";
import { PageQuery } from "../schemas";
import { checkAgentLimit } from "./sends";
import { Id, NoInput, type Tool, tool } from "./tool";

const ScheduleId = z.object({ scheduled_message_id: Id("scheduled message") });
const ReportId = z.object({ report_id: Id("report") });

/** Scheduled messages: a bulk send at each run time. */
export const scheduleTools: Tool[] = [
  tool({
    name: "scheduled_create",
    title: "Schedule a message",
    description:
      "Schedules a message to a group once or on a recurrence (daily, weekly, monthly, cron, in a time zone); each run is a bulk send to the group's members at that moment. Each run costs one message of quota per recipient; risky: it keeps sending without asking again until paused or cancelled, and the group may not exceed this key's agent_max_recipients.",
    scopes: ["scheduled:manage", "bulk-send:manage"],
    destructive: true,
    input: CreateScheduledBody,
    run: async (ctx, input) => {
      const p = await Jobs.preview(ctx.deps, ctx.tenantId, input);
      checkAgentLimit(ctx, p.recipients);
      return Scheduled.create(ctx.deps, ctx.tenantId, input);
    },
  }),
  tool({
    name: "scheduled_list",
    title: "List scheduled messages",
    description: "Lists scheduled messages with their status and next run time. Free: uses no quota and changes nothing.",
    scopes: ["scheduled:read"],
    readOnly: true,
    input: PageQuery,
    run: async ({ deps, tenantId }, page) => {
      const p = await Scheduled.list(deps, tenantId, page);
      return { messages: p.items, next_cursor: p.next_cursor };
    },
  }),
  tool({
    name: "scheduled_pause",
    title: "Pause a scheduled message",
    description: "Pauses a scheduled message: no run happens until it is resumed. Uses no quota; safe.",
    scopes: ["scheduled:manage"],
    input: ScheduleId,
    run: ({ deps, tenantId }, { scheduled_message_id }) => Scheduled.pause(deps, tenantId, scheduled_message_id),
  }),
  tool({
    name: "scheduled_resume",
    title: "Resume a scheduled message",
    description: "Resumes a paused scheduled message from its next run time. Its runs cost quota again; risky like creating it.",
    scopes: ["scheduled:manage", "bulk-send:manage"],
    destructive: true,
    input: ScheduleId,
    run: ({ deps, tenantId }, { scheduled_message_id }) => Scheduled.resume(deps, tenantId, scheduled_message_id),
  }),
  tool({
    name: "scheduled_cancel",
    title: "Cancel a scheduled message",
    description: "Cancels a scheduled message for good: no further runs (sends already started go on; cancel those with bulk_send_cancel). Uses no quota.",
    scopes: ["scheduled:manage"],
    destructive: true,
    input: ScheduleId,
    run: ({ deps, tenantId }, { scheduled_message_id }) => Scheduled.cancel(deps, tenantId, scheduled_message_id),
  }),
];

/** Reports: summaries of sends, schedules, usage, sessions and activity. */
export const reportTools: Tool[] = [
  tool({
    name: "reports_templates",
    title: "List report templates",
    description: "Lists the report templates this server can generate (ids for reports_create). Free: uses no quota and changes nothing.",
    scopes: ["reports:read"],
    readOnly: true,
    input: NoInput,
    run: async () => ({ templates: Report.TEMPLATES }),
  }),
  tool({
    name: "reports_create",
    title: "Create a scheduled report",
    description:
      "Creates a report from a template on a schedule; delivered to the dashboard (free) or by WhatsApp (one message of quota per delivery, and bulk-send:manage needed). Counts against the plan's report limit.",
    scopes: ["reports:manage"],
    input: CreateReportBody,
    run: async (ctx, input) => {
      if (input.delivery_method === "whatsapp") assertScopes(ctx.key, "reports:manage", "bulk-send:manage");
      return Report.create(ctx.deps, ctx.tenantId, input);
    },
  }),
  tool({
    name: "reports_run",
    title: "Run a report now",
    description:
      "Generates one execution of a report now and returns its numbers and text summary. Free for dashboard reports; a WhatsApp report also sends its summary (one message of quota).",
    scopes: ["reports:manage"],
    input: ReportId,
    run: async (ctx, { report_id }) => {
      const r = await Report.get(ctx.deps, ctx.tenantId, report_id);
      if (r.delivery_method === "whatsapp") assertScopes(ctx.key, "reports:manage", "bulk-send:manage");
      return Report.runNow(ctx.deps, ctx.tenantId, report_id);
    },
  }),
  tool({
    name: "reports_latest_execution",
    title: "Latest report execution",
    description:
      "Returns the newest execution of a report (its period, numbers and text summary), or null if it never ran. Free: uses no quota and changes nothing.",
    scopes: ["reports:read"],
    readOnly: true,
    input: ReportId,
    run: async ({ deps, tenantId }, { report_id }) => {
      const p = await Report.history(deps, tenantId, report_id, { limit: 1 });
      return { execution: p.items[0] ?? null };
    },
  }),
];
