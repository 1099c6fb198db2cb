import * as Confirmation from "@outreach/core/confirmation";
import * as Jobs from "@outreach/core/job";
import * as Report from "@outreach/core/report";
import { Scheduled } from "@outreach/core/schedule";
import { assertScopes } from "../auth";
import * as z from "../openapi/z";
import { CreateReportBody } from "../routes/reports";
import { CreateScheduledBody } from "../routes/scheduled";
import { PageQuery } from "../schemas";
import { ConfirmationToken, confirmed } from "./confirm";
import { agentLimitBlocker, checkAgentLimit } from "./sends";
import { Id, NoInput, type Tool, tool } from "./tool";

const ScheduleId = z.object({ scheduled_message_id: Id("scheduled message") });
const ReportId = z.object({ report_id: Id("report") });

/** Scheduled messages: a bulk send at each run time. */
export const scheduleTools: Tool[] = [
  tool({
    name: "scheduled_create",
    title: "Schedule a message",
    description:
      "Schedules a message to a group once or on a recurrence (daily, weekly, monthly, cron, in a time zone); each run is a bulk send to the group's members at that moment. Each run costs one message of quota per recipient; risky: it keeps sending without asking again until paused or cancelled. Call it first without confirmation_token for a preview (recipients now, quota, rendered messages) and a token, then again with the token. Every run checks the group against this key's agent_max_recipients again: a run that would reach more is skipped, with the reason.",
    scopes: ["scheduled:manage", "bulk-send:manage"],
    destructive: true,
    input: CreateScheduledBody.extend({ confirmation_token: ConfirmationToken }),
    run: (ctx, args) => {
      const { confirmation_token: _, ...input } = args;
      const max = Confirmation.agentMaxRecipients(ctx.key);
      return confirmed(ctx, "scheduled_create", args, {
        preview: async () => {
          const p = await Jobs.preview(ctx.deps, ctx.tenantId, input);
          return { ...p, agent_max_recipients: max, blocked_by: [...p.blocked_by, ...agentLimitBlocker(p.recipients, max)] };
        },
        newId: () => ctx.deps.ids.next("sch"),
        act: async (id, replay) => {
          if (replay) return Scheduled.get(ctx.deps, ctx.tenantId, id);
          checkAgentLimit(ctx, (await Jobs.preview(ctx.deps, ctx.tenantId, input)).recipients);
          return Scheduled.create(ctx.deps, ctx.tenantId, input, { agentMaxRecipients: max, id });
        },
      });
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
    description:
      "Resumes a paused scheduled message from its next run time. Its runs cost quota again; risky like creating it: call it first without confirmation_token for a preview (who the next run reaches) and a token, then again with the token. The group must be within this key's agent_max_recipients, now and at every run.",
    scopes: ["scheduled:manage", "bulk-send:manage"],
    destructive: true,
    input: ScheduleId.extend({ confirmation_token: ConfirmationToken }),
    run: (ctx, args) => {
      const max = Confirmation.agentMaxRecipients(ctx.key);
      const recipientsNow = async () => {
        const s = await Scheduled.get(ctx.deps, ctx.tenantId, args.scheduled_message_id);
        const p = await Jobs.preview(ctx.deps, ctx.tenantId, {
          session_id: s.session_id,
          custom_group_id: s.custom_group_id,
          message_type: s.message_type,
          message_content: s.message_content ?? undefined,
          media_url: s.media_url ?? undefined,
          start_at: s.next_run_at ?? undefined,
        });
        return { schedule: s, preview: p };
      };
      return confirmed(ctx, "scheduled_resume", args, {
        preview: async () => {
          const { schedule, preview } = await recipientsNow();
          const blocked = [...agentLimitBlocker(preview.recipients, max)];
          if (schedule.status !== "paused") blocked.push({ code: "scheduled_message.invalid_state", message: `It is ${schedule.status}, not paused.` });
          return { scheduled_message: schedule, recipients: preview.recipients, sample: preview.sample, agent_max_recipients: max, blocked_by: blocked };
        },
        newId: () => ctx.deps.ids.next("sch"),
        act: async () => {
          checkAgentLimit(ctx, (await recipientsNow()).preview.recipients);
          return Scheduled.resume(ctx.deps, ctx.tenantId, args.scheduled_message_id, { agentMaxRecipients: max });
        },
      });
    },
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
      "Creates a report from a template on a schedule; delivered to the dashboard (free) or by WhatsApp (one message of quota per delivery, bulk-send:manage needed, and preview-then-confirm: call it first without confirmation_token, then again with the token). Counts against the plan's report limit.",
    scopes: ["reports:manage"],
    input: CreateReportBody.extend({ confirmation_token: ConfirmationToken }),
    run: async (ctx, args) => {
      const { confirmation_token: _, ...input } = args;
      if (input.delivery_method !== "whatsapp") return Report.create(ctx.deps, ctx.tenantId, input);
      assertScopes(ctx.key, "reports:manage", "bulk-send:manage");
      return confirmed(ctx, "reports_create", args, {
        preview: async () => ({ report: input, delivers_by_whatsapp_to: input.recipient_phone ?? "the session's own number", blocked_by: [] }),
        newId: () => ctx.deps.ids.next("rpt"),
        act: (id, replay) => (replay ? Report.get(ctx.deps, ctx.tenantId, id) : Report.create(ctx.deps, ctx.tenantId, input, id)),
      });
    },
  }),
  tool({
    name: "reports_run",
    title: "Run a report now",
    description:
      "Generates one execution of a report now and returns its numbers and text summary. Free for dashboard reports; a WhatsApp report also sends its summary (one message of quota), so it needs preview-then-confirm: call it first without confirmation_token, then again with the token.",
    scopes: ["reports:manage"],
    input: ReportId.extend({ confirmation_token: ConfirmationToken }),
    run: async (ctx, args) => {
      const r = await Report.get(ctx.deps, ctx.tenantId, args.report_id);
      if (r.delivery_method !== "whatsapp") return Report.runNow(ctx.deps, ctx.tenantId, args.report_id);
      assertScopes(ctx.key, "reports:manage", "bulk-send:manage");
      return confirmed(ctx, "reports_run", args, {
        preview: async () => ({ report: r, delivers_by_whatsapp_to: r.recipient_phone ?? "the session's own number", blocked_by: [] }),
        newId: () => ctx.deps.ids.next("exe"),
        act: (id, replay) =>
          replay ? Report.execution(ctx.deps, ctx.tenantId, args.report_id, id) : Report.runNow(ctx.deps, ctx.tenantId, args.report_id, id),
      });
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
