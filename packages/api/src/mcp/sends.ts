import * as Confirmation from "@outreach/core/confirmation";
import { DomainError } from "@outreach/core/error";
import * as Jobs from "@outreach/core/job";
import * as z from "../openapi/z";
import { CreateBulkSendBody } from "../routes/jobs";
import { Id, type Tool, type ToolContext, tool } from "./tool";

const JobId = z.object({ bulk_send_id: Id("bulk send") });
const CREATE = "bulk_send_create";

/** Refuses a send through MCP that reaches more recipients than the key's `agent_max_recipients`. */
export const checkAgentLimit = (ctx: ToolContext, recipients: number) => {
  const max = Confirmation.agentMaxRecipients(ctx.key);
  if (recipients > max) throw agentLimitError(recipients, max);
};

/** The preview's blocker for a send over the key's `agent_max_recipients` (none when within). */
export const agentLimitBlocker = (recipients: number, max: number) =>
  recipients > max ? [{ code: "mcp.recipient_limit", message: agentLimitError(recipients, max).message }] : [];

const agentLimitError = (recipients: number, max: number) =>
  new DomainError(
    "forbidden",
    "mcp.recipient_limit",
    `This send would reach ${recipients} recipients; this API key may send to at most ${max} through MCP (agent_max_recipients). Use a smaller group, or ask an operator to raise the key's limit.`,
    { recipients, agent_max_recipients: max },
  );

const withProgress = (j: Jobs.Job) => ({ ...Jobs.view(j), progress: Jobs.progress(j) });

/** Bulk sends: preview first, then create with the preview's confirmation token. */
export const bulkTools: Tool[] = [
  tool({
    name: "bulk_send_preview",
    title: "Preview a bulk send",
    description:
      "Shows what bulk_send_create would do with these arguments, without sending: recipients after opt-outs, the first three rendered messages, the quota it would use and what remains, the pacing and the estimated finish, and a confirmation_token (valid 10 minutes, for exactly these arguments). Free: reserves no quota and sends nothing.",
    scopes: ["bulk-send:manage", "custom-groups:read"],
    readOnly: true,
    input: CreateBulkSendBody,
    run: async (ctx, input) => {
      const p = await Jobs.preview(ctx.deps, ctx.tenantId, input);
      const max = Confirmation.agentMaxRecipients(ctx.key);
      const blocked = [...p.blocked_by];
      if (p.recipients > max) blocked.push({ code: "mcp.recipient_limit", message: agentLimitError(p.recipients, max).message });
      const confirmation = blocked.length === 0 ? await Confirmation.issue(ctx.deps, ctx.key, CREATE, input) : null;
      return {
        ...p,
        can_send: blocked.length === 0,
        blocked_by: blocked,
        agent_max_recipients: max,
        confirmation_token: confirmation?.token ?? null,
        confirmation_expires_at: confirmation?.expires_at ?? null,
      };
    },
  }),
  tool({
    name: CREATE,
    title: "Start a bulk send",
    description:
      "Starts sending one WhatsApp message to every member of the group (minus opt-outs), paced like a person. Costs one message of the month's quota per recipient, reserved now. Risky: messages cannot be taken back and unsolicited sends get numbers banned, so it needs the confirmation_token of a bulk_send_preview with exactly the same arguments.",
    scopes: ["bulk-send:manage", "custom-groups:read"],
    destructive: true,
    input: CreateBulkSendBody.extend({
      confirmation_token: z
        .string()
        .min(1)
        .max(200)
        .describe("The confirmation_token that bulk_send_preview returned for exactly these arguments (valid 10 minutes, used once)."),
    }),
    run: async (ctx, { confirmation_token, ...input }) => {
      const p = await Jobs.preview(ctx.deps, ctx.tenantId, input);
      checkAgentLimit(ctx, p.recipients);
      const { jobId, replay } = await Confirmation.redeem(ctx.deps, ctx.key, CREATE, input, confirmation_token, ctx.deps.ids.next("bulk"));
      const job = await Jobs.create(ctx.deps, ctx.tenantId, input, { jobId });
      return { ...job, replayed: replay };
    },
  }),
  tool({
    name: "bulk_send_get",
    title: "Get a bulk send",
    description: "Shows one bulk send with its status and counts (sent, delivered, read, failed, skipped, pending). Free: uses no quota and changes nothing.",
    scopes: ["bulk-send:read"],
    readOnly: true,
    input: JobId,
    run: async ({ deps, tenantId }, { bulk_send_id }) => withProgress(await Jobs.get(deps.store, tenantId, bulk_send_id, true)),
  }),
  tool({
    name: "bulk_send_pause",
    title: "Pause a bulk send",
    description: "Stops a running bulk send; nothing more goes out until it is resumed. Uses no quota; safe to call whenever something looks wrong.",
    scopes: ["bulk-send:manage"],
    input: JobId,
    run: ({ deps, tenantId }, { bulk_send_id }) => Jobs.pause(deps, tenantId, bulk_send_id),
  }),
  tool({
    name: "bulk_send_resume",
    title: "Resume a bulk send",
    description:
      "Continues a paused bulk send where it stopped; recipients already sent are never sent again. Uses the quota reserved at creation; risky like starting it, so resume only once the reason for the pause is understood.",
    scopes: ["bulk-send:manage"],
    destructive: true,
    input: JobId,
    run: ({ deps, tenantId }, { bulk_send_id }) => Jobs.resume(deps, tenantId, bulk_send_id),
  }),
  tool({
    name: "bulk_send_cancel",
    title: "Cancel a bulk send",
    description:
      "Stops a bulk send for good: pending recipients become cancelled and their reserved quota is given back. Cannot be undone (a new send would message everyone again).",
    scopes: ["bulk-send:manage"],
    destructive: true,
    input: JobId,
    run: ({ deps, tenantId }, { bulk_send_id }) => Jobs.cancel(deps, tenantId, bulk_send_id),
  }),
];
