import type { Page, PageRequest } from "../port/page";
import type { WaParticipant } from "../port/transport";

export interface Contact {
  phone: string;
  name: string | null;
  session_ids: string[];
  group_ids: string[];
}

export interface WaGroupRecord {
  wa_group_id: string;
  session_id: string;
  name: string;
  participant_count: number;
  participants: WaParticipant[];
  updated_at: string;
}

/** Every number of the tenant's groups and its sessions' address books. */
export interface ContactRepo {
  list(tenantId: string, page: PageRequest, liveGroupIds: Set<string>): Promise<Page<Contact>>;
  /** One number's contact item: the groups (some perhaps deleted since) and sessions it was seen in. */
  get(tenantId: string, phone: string): Promise<Contact | undefined>;
  upsertFromSession(tenantId: string, sessionId: string, contacts: { phone: string; name?: string }[]): Promise<void>;
}

/** WhatsApp groups the session host synced, with their participants. */
export interface WaGroupRepo {
  put(tenantId: string, g: WaGroupRecord): Promise<void>;
  get(tenantId: string, sessionId: string, waGroupId: string): Promise<WaGroupRecord | undefined>;
  list(tenantId: string, sessionId: string | undefined, page: PageRequest): Promise<Page<WaGroupRecord>>;
  delete(tenantId: string, sessionId: string, waGroupId: string): Promise<void>;
}
