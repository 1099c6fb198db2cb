import * as Confirmation from "@outreach/core/confirmation";
import * as z from "../openapi/z";
import type { ToolContext } from "./tool";

/** The optional token argument of a tool that can cause WhatsApp sends. */
export const ConfirmationToken = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe(
    "Leave out to get a preview and a confirmation_token; call again with exactly the same arguments and that token to do it (valid 10 minutes, used once).",
  );

export interface Blocker {
  code: string;
  message: string;
}

/**
 * Preview-then-confirm for every MCP tool that can cause WhatsApp sends (issue 29): called without a
 * token, the tool does nothing and answers `preview()` with a token bound to this key, this tool and
 * exactly these arguments (none when something blocks it); called with that token, `act` runs — once:
 * a retry with the same token gets `act`'s answer for the same id (`replay`), never a second send.
 */
export const confirmed = async <A extends object>(
  ctx: ToolContext,
  operation: string,
  args: A & { confirmation_token?: string },
  p: { preview: () => Promise<{ blocked_by: Blocker[] } & object>; act: (id: string, replay: boolean) => Promise<object>; newId: () => string },
) => {
  const { confirmation_token, ...input } = args;
  if (confirmation_token === undefined) {
    const view = await p.preview();
    const confirmation = view.blocked_by.length === 0 ? await Confirmation.issue(ctx.deps, ctx.key, operation, input) : null;
    return {
      confirmed: false,
      ...view,
      can_proceed: view.blocked_by.length === 0,
      confirmation_token: confirmation?.token ?? null,
      confirmation_expires_at: confirmation?.expires_at ?? null,
      next: confirmation
        ? `Check this with the user, then call ${operation} again with the same arguments and this confirmation_token.`
        : "Blocked: see blocked_by.",
    };
  }
  const { jobId, replay } = await Confirmation.redeem(ctx.deps, ctx.key, operation, input, confirmation_token, p.newId());
  return { confirmed: true, replayed: replay, ...(await p.act(jobId, replay)) };
};
