import type { Page, PageRequest } from "../port/page";

export interface OptOut {
  phone: string;
  source: "api" | "inbound";
  created_at: string;
}

/** Opt-outs per tenant, one per number. */
export interface OptOutRepo {
  add(tenantId: string, o: OptOut): Promise<boolean>;
  /** Removes an opt-out added through the API; one the contact made (inbound STOP) stays. */
  remove(tenantId: string, phone: string): Promise<"removed" | "not_found" | "by_contact">;
  list(tenantId: string, page: PageRequest): Promise<Page<OptOut>>;
  /** Which of `phones` are opted out. */
  which(tenantId: string, phones: string[]): Promise<Set<string>>;
}
