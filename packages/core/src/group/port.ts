import type { Page, PageRequest } from "../port/page";

export interface Group {
  id: string;
  name: string;
  description: string | null;
  member_count: number;
  created_at: string;
  updated_at: string;
}

export interface Member {
  phone: string;
  name: string | null;
  /** Custom fields for templates (`{{fields.city}}`); absent when the member has none. */
  fields?: Record<string, string>;
  added_at: string;
}

/** Custom groups and their members; `member_count` changes only with the member items it counts. */
export interface GroupRepo {
  create(tenantId: string, group: Group, limit: number | null): Promise<"ok" | "limit">;
  get(tenantId: string, id: string, consistent?: boolean): Promise<Group | undefined>;
  list(tenantId: string, page: PageRequest): Promise<Page<Group>>;
  update(tenantId: string, id: string, patch: { name?: string; description?: string | null }, now: string): Promise<Group | undefined>;
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Deletes up to `max` members of a deleted group (and the group from their contacts); 0 when none are left. */
  purgeMembers(tenantId: string, groupId: string, max: number): Promise<number>;
  addMembers(
    tenantId: string,
    groupId: string,
    members: { phone: string; name: string | null; fields?: Record<string, string> }[],
    now: string,
  ): Promise<{ found: boolean; applied: number; rejected: number }>;
  removeMembers(tenantId: string, groupId: string, phones: string[], now: string): Promise<{ found: boolean; applied: number; rejected: number }>;
  listMembers(groupId: string, page: PageRequest): Promise<Page<Member>>;
  members(groupId: string): AsyncGenerator<Member>;
  membersAfter(groupId: string, afterPhone: string | null, max: number): Promise<Member[]>;
  countMembers(groupId: string): Promise<number>;
}
