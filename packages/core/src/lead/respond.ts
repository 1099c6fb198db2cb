import * as Conversation from "../conversation";
import type { Uses } from "../deps";
import { isDomainError } from "../error";
import { iso } from "../port";
import type { Lead, LeadResponse } from "./port";

/** What this module uses. */
type D = Uses<"activity" | "conversations" | "jobs" | "leads" | "optouts" | "recipients" | "sessions" | "tenants", "clock" | "ids" | "log" | "queue">;

/** What a monitored group answers a new lead with (its `auto_respond` and `response_template`). */
export interface AutoResponse {
  group_name: string;
  response_template: string;
}

/** `{{name}}` (or `{{name|fallback}}`), `{{group_name}}`, `{{keyword}}`, `{{phone}}`; unknown placeholders are left as written. */
export const renderResponse = (template: string, v: { name: string | null; group_name: string; keyword: string | null; phone: string }) =>
  template.replace(/\{\{\s*(name|group_name|keyword|phone)\s*(?:\|([^}]*))?\}\}/g, (_m, key: string, fallback: string | undefined) => {
    const value = key === "name" ? v.name : key === "group_name" ? v.group_name : key === "keyword" ? v.keyword : v.phone;
    return value?.trim() ? value : (fallback ?? "").trim();
  });

/** The message id of a lead's auto-response: one per lead, whatever retries happen. */
export const responseId = (leadId: string) => `msg_${leadId.replace(/^lead_/, "")}`;

/**
 * Answers a new lead once, in a 1:1 chat from the session that saw it: the same path as
 * `POST /messages/send` (the session's lane and pacing policy, the month's quota reserved, an
 * opted-out number refused before and at the claim), so the answer shows in the conversation and in
 * `GET /messages/{id}`. The outcome is written on the lead (`responded_at` + `response_message_id`,
 * or `response_error`); a refusal is recorded, never retried (a lead is answered at most once).
 */
export const respond = async (d: D, tenantId: string, lead: Lead, a: AutoResponse): Promise<LeadResponse> => {
  const text = renderResponse(a.response_template, { name: lead.contact_name, group_name: a.group_name, keyword: lead.keyword, phone: lead.contact_phone });
  let outcome: LeadResponse;
  try {
    if (!text.trim()) throw new Error("empty response");
    const sent = await Conversation.send(d, tenantId, { session_id: lead.session_id, phone: lead.contact_phone, message: text }, { id: responseId(lead.id) });
    outcome = { responded_at: iso(d.clock.now()), response_message_id: sent.id };
  } catch (e) {
    if (!isDomainError(e) && !(e instanceof Error && e.message === "empty response")) throw e;
    outcome = { response_error: isDomainError(e) ? e.code : "response.empty" };
    d.log?.warn({ tenant_id: tenantId, lead_id: lead.id, code: outcome.response_error }, "auto-response not sent");
  }
  await d.store.leads.setResponse(tenantId, lead.id, outcome);
  return outcome;
};
