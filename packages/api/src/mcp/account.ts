import * as OptOut from "@outreach/core/optout";
import * as Session from "@outreach/core/session";
import { currentUsage, listKeys, usageHistory } from "@outreach/core/tenant";
import * as z from "../openapi/z";
import { AddOptOutsBody, OptOutQuery } from "../routes/optouts";
import { Id, NoInput, type Tool, tool } from "./tool";

/** Sessions (the WhatsApp numbers that send), usage and opt-outs. */
export const accountTools: Tool[] = [
  tool({
    name: "sessions_list",
    title: "List WhatsApp sessions",
    description: "Lists the tenant's WhatsApp sessions (the numbers that send) with their status; only a `working` one can send. Free: changes nothing.",
    scopes: ["sessions:read"],
    readOnly: true,
    input: NoInput,
    run: async ({ deps, tenantId }) => ({ sessions: await Session.list(deps, tenantId) }),
  }),
  tool({
    name: "sessions_status",
    title: "Session status",
    description: "Shows one session's status (starting, qr, working, failed, stopped), its reason and phone number. Free: changes nothing.",
    scopes: ["sessions:read"],
    readOnly: true,
    input: z.object({ session_id: Id("session") }),
    run: async ({ deps, tenantId }, { session_id }) => Session.view(await Session.get(deps, tenantId, session_id)),
  }),
  tool({
    name: "usage_current",
    title: "Usage this month",
    description: "Shows this month's messages sent and reserved against the plan's limit, and the plan's other limits. Free: check it before large sends.",
    scopes: [],
    readOnly: true,
    input: NoInput,
    run: ({ deps, tenantId }) => currentUsage(deps, tenantId),
  }),
  tool({
    name: "usage_history",
    title: "Usage per month",
    description:
      "Shows messages sent and received, API calls and leads per calendar month (UTC), with the plan's monthly limit, for the last 1–24 months (default 6). Free: changes nothing.",
    scopes: ["usage:read"],
    readOnly: true,
    input: z.object({ months: z.number().int().min(1).max(24).default(6).describe("Calendar months, this one included.") }),
    run: ({ deps, tenantId }, { months }) => usageHistory(deps, tenantId, months),
  }),
  tool({
    name: "api_keys_list",
    title: "List API keys",
    description:
      "Lists the account's API keys: name, prefix, scopes, created, expires and last used; never a secret. Agents cannot create or revoke keys. Free: changes nothing.",
    scopes: ["settings:read"],
    readOnly: true,
    input: NoInput,
    run: ({ deps, tenantId }) => listKeys(deps, tenantId),
  }),
  tool({
    name: "opt_outs_list",
    title: "List opt-outs",
    description:
      "Lists numbers that must never be messaged (they wrote STOP, or were added), with the contact's name and the bulk send a STOP answered; `q` finds a number or name, `bulk_send_id` one campaign's. Free: changes nothing.",
    scopes: ["bulk-send:read"],
    readOnly: true,
    input: OptOutQuery,
    run: async ({ deps, tenantId }, { q, bulk_send_id, ...page }) => {
      const p = await OptOut.list(deps, tenantId, page, { q, bulk_send_id });
      return { opt_outs: p.items, next_cursor: p.next_cursor };
    },
  }),
  tool({
    name: "opt_outs_add",
    title: "Add opt-outs",
    description: "Adds up to 1,000 numbers that must never be messaged again; every send skips them. Uses no quota; always honour a contact's request to stop.",
    scopes: ["bulk-send:manage"],
    input: AddOptOutsBody,
    run: ({ deps, tenantId }, { phones }) => OptOut.add(deps, tenantId, phones, "api"),
  }),
];
