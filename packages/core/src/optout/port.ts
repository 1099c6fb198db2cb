import type { JobRef } from "../job/port";
import type { Page, PageRequest } from "../port/page";

export interface OptOut {
  phone: string;
  source: "api" | "inbound";
  created_at: string;
  /** *(ours)* The contact's name when they wrote STOP (their conversation's), if known. */
  name?: string | null;
  /**
   * *(ours)* The bulk send (or scheduled run) a STOP answered: the one whose message reached the contact
   * last, within the tenant's reply window (the rule a reply is attributed by).
   */
  bulk_send_id?: string | null;
}

/** Which opt-outs a list shows: a number's digits or a name's part, and the campaign a STOP answered. */
export interface OptOutFilter {
  q?: string;
  bulk_send_id?: string;
}

/** Opt-outs per tenant, one per number. */
export interface OptOutRepo {
  /** Adds an opt-out (false when the number already was one); with `campaign`, counts it as that job's opt-out in the same write. */
  add(tenantId: string, o: OptOut, campaign?: JobRef): Promise<boolean>;
  /** Removes an opt-out added through the API; one the contact made (inbound STOP) stays. */
  remove(tenantId: string, phone: string): Promise<"removed" | "not_found" | "by_contact">;
  /** Name and campaign are null where unknown (opt-outs from before they were kept, or added by the API). */
  list(tenantId: string, page: PageRequest, filter?: OptOutFilter): Promise<Page<Required<OptOut>>>;
  /** Which of `phones` are opted out. */
  which(tenantId: string, phones: string[]): Promise<Set<string>>;
}
