import type { Page, PageRequest } from "../port/page";

export const LEAD_STATUSES = ["new", "contacted", "qualified", "converted", "lost"] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const LEAD_SOURCES = ["bulk_send", "group"] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

/** A contact who showed interest: replied to a bulk send, or matched a keyword in a monitored group. */
export interface Lead {
  id: string;
  tenant_id: string;
  contact_phone: string;
  contact_name: string | null;
  session_id: string;
  source: LeadSource;
  /** `group`: the monitored group (and its WhatsApp id) and the keyword that matched. */
  source_group_id: string | null;
  source_wa_group_id: string | null;
  keyword: string | null;
  /** `bulk_send`: the bulk send (or scheduled run) the contact replied to. */
  job_id: string | null;
  status: LeadStatus;
  /** Every status the lead had, with when it got it (the first is `new`, at creation). */
  status_history: { status: LeadStatus; at: string }[];
  created_at: string;
  updated_at: string;
  /** Auto-respond (issue 30): when the monitored group's `response_template` was queued to the contact, and its message id (`GET /messages/{id}`). */
  responded_at?: string | null;
  response_message_id?: string | null;
  /** Why the auto-response was not sent (`contact.opted_out`, `plan.monthly_limit`, `session.not_working`). */
  response_error?: string | null;
}

/** What became of a lead's auto-response: queued (with its message), or refused (with the refusal's code). */
export type LeadResponse = { responded_at: string; response_message_id: string } | { response_error: string };

export interface LeadRepo {
  /**
   * Creates the lead unless the contact already is one from this source (`dedupe`: the contact and
   * the source — `bulk_send`, or the monitored group). False when it existed.
   */
  create(lead: Lead, dedupe: string): Promise<boolean>;
  get(tenantId: string, id: string): Promise<Lead | undefined>;
  getMany(tenantId: string, ids: string[]): Promise<Lead[]>;
  /** Newest first; `keep` filters (the page is filled after filtering). */
  list(tenantId: string, page: PageRequest, keep: (l: Lead) => boolean): Promise<Page<Lead>>;
  /** Every lead, newest first (exports, counts and reports). */
  all(tenantId: string): AsyncGenerator<Lead>;
  /** Sets the status and appends it to the history; undefined when the lead does not exist. */
  setStatus(tenantId: string, id: string, status: LeadStatus, at: string): Promise<Lead | undefined>;
  /** Records the lead's auto-response once: false when one was recorded before. */
  setResponse(tenantId: string, id: string, r: LeadResponse): Promise<boolean>;
}
