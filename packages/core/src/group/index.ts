export * from "./port";
export * from "./view";

import type { Uses } from "../deps";
import { loadNormalize } from "../e164";
import { notFound, unprocessable } from "../error";
import { looksLikeId } from "../id";
import { iso, type PageRequest } from "../port";
import { fieldKey } from "../template";
import { planLimitError, tenantPlan } from "../tenant";
import type { Group } from "./port";
import type { MemberView } from "./view";

export interface ContactInput {
  phone: string;
  name?: string | null;
  fields?: Record<string, string> | null;
}

/** At most this many custom fields per member, keys up to 40 characters, values up to 500. */
export const MAX_FIELDS = 20;

/** A member's custom fields with keys as templates match them (see `Template.fieldKey`); blank keys dropped. */
export const cleanFields = (fields: Record<string, string> | null | undefined) => {
  if (!fields) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    const key = fieldKey(k);
    if (key && typeof v === "string") out[key] = v.trim().slice(0, 500);
  }
  return Object.keys(out).length ? out : undefined;
};

export interface AddResult {
  added: number;
  duplicates: number;
  invalid: { phone: string; reason: string }[];
}

type D = Uses<"activity" | "contacts" | "groups" | "tenants" | "waGroups", "clock" | "ids" | "queue">;

/** Normalizes and dedupes contacts; invalid numbers are reported, never stored. */
export const prepareContacts = async (contacts: ContactInput[]) => {
  const normalize = await loadNormalize();
  const valid = new Map<string, { name: string | null; fields?: Record<string, string> }>();
  const invalid: { phone: string; reason: string }[] = [];
  let duplicates = 0;
  for (const c of contacts) {
    const r = normalize(c.phone);
    if (!r.ok) {
      invalid.push({ phone: String(c.phone), reason: r.reason });
      continue;
    }
    if (valid.has(r.e164)) {
      duplicates++;
      continue;
    }
    const fields = cleanFields(c.fields);
    valid.set(r.e164, { name: c.name?.trim() || null, ...(fields ? { fields } : {}) });
  }
  return { members: [...valid].map(([phone, m]) => ({ phone, ...m })), invalid, duplicates };
};

/**
 * A member's stable id: its number in base 36 behind `mem_` (the same member, the same id, in every
 * group and on every read; MoltFlow's clients remove members by id).
 */
export const memberId = (phone: string) => `mem_${BigInt(phone.replace(/^\+/, "")).toString(36)}`;

/** The number behind a member id, or undefined for a string that is not one. */
export const phoneOfMemberId = (id: string) => {
  const m = /^mem_([0-9a-z]{1,14})$/.exec(id);
  if (!m) return undefined;
  let n = 0n;
  for (const ch of m[1] as string) n = n * 36n + BigInt(Number.parseInt(ch, 36));
  return `+${n.toString()}`;
};

/** A member as the API shows it: with its id. */
export const memberView = (m: { phone: string; name: string | null; fields?: Record<string, string>; added_at: string }): MemberView => ({
  id: memberId(m.phone),
  phone: m.phone,
  name: m.name ?? null,
  ...(m.fields && Object.keys(m.fields).length ? { fields: m.fields } : {}),
  added_at: m.added_at,
});

export const get = async (d: Pick<D, "store">, tenantId: string, id: string, consistent = false): Promise<Group> => {
  const g = looksLikeId("grp", id) ? await d.store.groups.get(tenantId, id, consistent) : undefined;
  if (!g) throw notFound("custom_group", id);
  return g;
};

export const create = async (
  d: D,
  tenantId: string,
  input: { name: string; description?: string | null; members?: ContactInput[] },
): Promise<Group & Partial<AddResult>> => {
  const { tenant, plan } = await tenantPlan(d.store, tenantId);
  const limit = plan.custom_groups;
  const now = iso(d.clock.now());
  const group: Group = {
    id: d.ids.next("grp"),
    name: input.name,
    description: input.description ?? null,
    member_count: 0,
    created_at: now,
    updated_at: now,
  };
  if ((await d.store.groups.create(tenantId, group, limit)) === "limit") {
    throw planLimitError("plan.group_limit", "custom groups", limit ?? 0, tenant.group_count);
  }
  if (!input.members) return group;
  try {
    const result = await addPrepared(d, tenantId, group.id, await prepareContacts(input.members));
    return { ...(await get(d, tenantId, group.id, true)), ...result };
  } catch (e) {
    // Never leave a half-filled new group behind: the client sees the error and may simply retry.
    await remove(d, tenantId, group.id).catch(() => {});
    throw e;
  }
};

const addPrepared = async (d: D, tenantId: string, groupId: string, prepared: Awaited<ReturnType<typeof prepareContacts>>): Promise<AddResult> => {
  const res = await d.store.groups.addMembers(tenantId, groupId, prepared.members, iso(d.clock.now()));
  if (!res.found) throw notFound("custom_group", groupId);
  return { added: res.applied, duplicates: prepared.duplicates + res.rejected, invalid: prepared.invalid };
};

export const addMembers = async (d: D, tenantId: string, id: string, contacts: ContactInput[]): Promise<AddResult> => {
  await get(d, tenantId, id);
  return addPrepared(d, tenantId, id, await prepareContacts(contacts));
};

/** Removes members given by number, by member id, or both; unknown ones are counted in `not_found`. */
export const removeMembers = async (d: D, tenantId: string, id: string, phones: string[], memberIds: string[] = []) => {
  await get(d, tenantId, id);
  const wanted = new Set<string>();
  let notFoundCount = 0;
  for (const mid of memberIds) {
    const p = phoneOfMemberId(mid);
    if (!p || wanted.has(p)) notFoundCount++;
    else wanted.add(p);
  }
  const normalize = await loadNormalize();
  for (const p of phones) {
    const r = normalize(p);
    if (!r.ok || wanted.has(r.e164)) {
      notFoundCount++;
      continue;
    }
    wanted.add(r.e164);
  }
  const res = await d.store.groups.removeMembers(tenantId, id, [...wanted], iso(d.clock.now()));
  if (!res.found) throw notFound("custom_group", id);
  return { removed: res.applied, not_found: notFoundCount + res.rejected };
};

export const list = (d: Pick<D, "store">, tenantId: string, page: PageRequest) => d.store.groups.list(tenantId, page);

export const detail = async (d: Pick<D, "store">, tenantId: string, id: string, page: PageRequest) => {
  const group = await get(d, tenantId, id);
  const members = await d.store.groups.listMembers(id, page);
  return { ...group, members: members.items.map(memberView), next_cursor: members.next_cursor };
};

export const update = async (d: D, tenantId: string, id: string, patch: { name?: string; description?: string | null }) => {
  await get(d, tenantId, id);
  const g = await d.store.groups.update(tenantId, id, patch, iso(d.clock.now()));
  if (!g) throw notFound("custom_group", id);
  return g;
};

/** Deletes the group now; its members are purged by the events consumer (`group.purge`), chunk by chunk. */
export const remove = async (d: D, tenantId: string, id: string) => {
  await get(d, tenantId, id);
  if (!(await d.store.groups.delete(tenantId, id))) throw notFound("custom_group", id);
  await d.queue.send("events", [{ body: { type: "group.purge", tenant_id: tenantId, group_id: id } }]);
};

/** Handles `group.purge`: deletes a chunk of members; returns true when more remain. */
export const purge = async (d: Pick<D, "store">, tenantId: string, groupId: string) => (await d.store.groups.purgeMembers(tenantId, groupId, 1000)) === 1000;

export const contacts = async (d: Pick<D, "store">, tenantId: string, page: PageRequest) => {
  const live = new Set<string>();
  let cursor: string | undefined;
  do {
    const p = await d.store.groups.list(tenantId, { limit: 200, cursor });
    for (const g of p.items) live.add(g.id);
    cursor = p.next_cursor ?? undefined;
  } while (cursor);
  const p = await d.store.contacts.list(tenantId, page, live);
  return { items: p.items.map((c) => ({ id: memberId(c.phone), ...c })), next_cursor: p.next_cursor };
};

export const waGroups = async (d: Pick<D, "store">, tenantId: string, sessionId: string | undefined, page: PageRequest) => {
  const p = await d.store.waGroups.list(tenantId, sessionId, page);
  return {
    items: p.items.map(({ participants: _p, updated_at: _u, ...g }) => g),
    next_cursor: p.next_cursor,
  };
};

/** Builds a custom group from WhatsApp groups of one or more sessions, deduplicated by phone. */
export const fromWaGroups = async (d: D, tenantId: string, input: { name: string; wa_groups: { wa_group_id: string; session_id: string }[] }) => {
  if (input.wa_groups.length === 0) throw unprocessable("request.missing_field", "wa_groups must name at least one WhatsApp group.");
  const members = new Map<string, string | null>();
  let skipped = 0;
  for (const ref of input.wa_groups) {
    const g = await d.store.waGroups.get(tenantId, ref.session_id, ref.wa_group_id);
    if (!g) throw notFound("wa_group", `${ref.wa_group_id} (session ${ref.session_id})`);
    for (const p of g.participants) {
      if (!p.phone) {
        skipped++;
        continue;
      }
      if (!members.has(p.phone)) members.set(p.phone, p.name ?? null);
    }
  }
  const group = await create(d, tenantId, { name: input.name });
  try {
    const res = await d.store.groups.addMembers(
      tenantId,
      group.id,
      [...members].map(([phone, name]) => ({ phone, name })),
      iso(d.clock.now()),
    );
    const fresh = await get(d, tenantId, group.id, true);
    return { ...fresh, imported: res.applied, skipped_without_phone: skipped };
  } catch (e) {
    await remove(d, tenantId, group.id).catch(() => {});
    throw e;
  }
};

/** Every member of a group, in phone order, in constant memory (exports). */
export const members = (d: Pick<D, "store">, groupId: string) => d.store.groups.members(groupId);
