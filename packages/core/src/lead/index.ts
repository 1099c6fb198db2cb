export * from "./port";
export { type AutoResponse, renderResponse, respond, responseId } from "./respond";
export { LeadView } from "./view";

import { dayKey } from "../activity";
import type { OnMessagesRecorded } from "../conversation/port";
import type { Uses } from "../deps";
import { chatIdOf } from "../e164";
import { notFound, unprocessable } from "../error";
import * as Group from "../group";
import { looksLikeId } from "../id";
import { iso, type PageRequest } from "../port";
import type { Lead, LeadSource, LeadStatus } from "./port";
import type { LeadView } from "./view";

type D = Uses<"activity" | "contacts" | "groups" | "leads" | "monitors" | "tenants" | "waGroups", "clock" | "events" | "ids" | "queue">;

export const view = (l: Lead): LeadView => ({
  id: l.id,
  contact_phone: l.contact_phone,
  contact_name: l.contact_name,
  chat_id: chatIdOf(l.contact_phone),
  session_id: l.session_id,
  source: l.source,
  source_group_id: l.source_group_id,
  source_wa_group_id: l.source_wa_group_id,
  keyword: l.keyword,
  job_id: l.job_id,
  status: l.status,
  status_history: l.status_history,
  created_at: l.created_at,
  updated_at: l.updated_at,
  responded_at: l.responded_at ?? null,
  response_message_id: l.response_message_id ?? null,
  response_error: l.response_error ?? null,
});

/** What makes a lead once per contact per source: `bulk_send` (any bulk send), or the monitored group. */
const dedupeOf = (source: LeadSource, groupId: string | null) => (source === "group" ? `group#${groupId}` : "bulk_send");

export interface Detection {
  phone: string;
  name: string | null;
  session_id: string;
  source: LeadSource;
  source_group_id?: string | null;
  source_wa_group_id?: string | null;
  keyword?: string | null;
  job_id?: string | null;
  /** When the message that made the contact a lead was written. */
  at: number;
}

/**
 * Makes the contact a lead, once per contact per source, and reports `lead.detected`. Answers the
 * new lead, or undefined when the contact was a lead from this source already.
 */
export const detect = async (d: D, tenantId: string, x: Detection): Promise<Lead | undefined> => {
  const at = iso(x.at);
  const lead: Lead = {
    id: d.ids.next("lead"),
    tenant_id: tenantId,
    contact_phone: x.phone,
    contact_name: x.name,
    session_id: x.session_id,
    source: x.source,
    source_group_id: x.source_group_id ?? null,
    source_wa_group_id: x.source_wa_group_id ?? null,
    keyword: x.keyword ?? null,
    job_id: x.job_id ?? null,
    status: "new",
    status_history: [{ status: "new", at }],
    created_at: at,
    updated_at: at,
  };
  if (!(await d.store.leads.create(lead, dedupeOf(x.source, lead.source_group_id)))) return undefined;
  if (lead.source === "group" && lead.source_group_id) await d.store.monitors.countLead(tenantId, lead.source_group_id);
  // The day's `leads` counter is what `/usage/history` and `/usage/daily` read.
  await d.store.activity.count(tenantId, dayKey(x.at), { leads: 1 });
  await d.events?.emit(tenantId, [
    {
      type: "lead.detected",
      key: lead.id,
      at,
      data: {
        lead_id: lead.id,
        contact_phone: lead.contact_phone,
        contact_name: lead.contact_name,
        chat_id: chatIdOf(lead.contact_phone),
        session_id: lead.session_id,
        source: lead.source,
        ...(lead.source_group_id ? { source_group_id: lead.source_group_id, keyword: lead.keyword } : {}),
        ...(lead.job_id ? { job_id: lead.job_id } : {}),
      },
    },
  ]);
  return lead;
};

/** "Messages recorded": a reply to a bulk send makes the contact a lead (once per contact for bulk sends). */
export const onMessagesRecorded =
  (d: D): OnMessagesRecorded =>
  async (e) => {
    for (const r of e.replies)
      await detect(d, e.tenant_id, {
        phone: r.phone,
        name: r.name,
        session_id: r.session_id,
        source: "bulk_send",
        job_id: r.job_id,
        at: Date.parse(r.received_at),
      });
  };

const load = async (d: Pick<D, "store">, tenantId: string, id: string) => {
  const l = looksLikeId("lead", id) ? await d.store.leads.get(tenantId, id) : undefined;
  if (!l) throw notFound("lead", id);
  return l;
};

export interface LeadFilter {
  status?: LeadStatus;
  source_group_id?: string;
  source?: LeadSource;
}
const matches = (f: LeadFilter) => (l: Lead) =>
  (!f.status || l.status === f.status) && (!f.source_group_id || l.source_group_id === f.source_group_id) && (!f.source || l.source === f.source);

/** `GET /leads`: newest first, with MoltFlow's `total` (of the filter, every page). */
export const list = async (d: Pick<D, "store">, tenantId: string, f: LeadFilter, page: PageRequest) => {
  const keep = matches(f);
  const p = await d.store.leads.list(tenantId, page, keep);
  let total = 0;
  for await (const l of d.store.leads.all(tenantId)) if (keep(l)) total++;
  return { leads: p.items.map(view), total, next_cursor: p.next_cursor };
};

/** Every lead of the filter, newest first (exports). */
export async function* all(d: Pick<D, "store">, tenantId: string, f: LeadFilter): AsyncGenerator<LeadView> {
  const keep = matches(f);
  for await (const l of d.store.leads.all(tenantId)) if (keep(l)) yield view(l);
}

export const get = async (d: Pick<D, "store">, tenantId: string, id: string) => view(await load(d, tenantId, id));

/** Any move is allowed (MoltFlow's pipeline is a guide, not a lock); each is recorded with its time. */
export const setStatus = async (d: D, tenantId: string, id: string, status: LeadStatus) => {
  await load(d, tenantId, id);
  const l = await d.store.leads.setStatus(tenantId, id, status, iso(d.clock.now()));
  if (!l) throw notFound("lead", id);
  return view(l);
};

/** At most this many leads in one bulk request. */
export const BULK_MAX = 500;

const known = async (d: Pick<D, "store">, tenantId: string, ids: string[]) => {
  const unique = [...new Set(ids)];
  const found = await d.store.leads.getMany(
    tenantId,
    unique.filter((id) => looksLikeId("lead", id)),
  );
  const byId = new Map(found.map((l) => [l.id, l]));
  return { leads: unique.flatMap((id) => byId.get(id) ?? []), not_found: unique.filter((id) => !byId.has(id)) };
};

/** `POST /leads/bulk/status`: `{ updated, not_found }` (unknown ids are listed, not fatal). */
export const bulkStatus = async (d: D, tenantId: string, ids: string[], status: LeadStatus) => {
  const { leads, not_found } = await known(d, tenantId, ids);
  const at = iso(d.clock.now());
  let updated = 0;
  for (const l of leads) if (await d.store.leads.setStatus(tenantId, l.id, status, at)) updated++;
  return { updated, status, not_found };
};

/** `POST /leads/bulk/add-to-group`: the leads' contacts join the custom group like `members/add` (existing members are not added twice). */
export const addToGroup = async (d: D, tenantId: string, ids: string[], customGroupId: string) => {
  const { leads, not_found } = await known(d, tenantId, ids);
  if (leads.length === 0 && not_found.length > 0) throw unprocessable("lead.none_found", "None of the lead_ids is a lead of this account.", { not_found });
  const contacts = [...new Map(leads.map((l) => [l.contact_phone, { phone: l.contact_phone, name: l.contact_name ?? undefined }])).values()];
  const res = await Group.addMembers(d, tenantId, customGroupId, contacts);
  return { custom_group_id: customGroupId, ...res, not_found };
};
