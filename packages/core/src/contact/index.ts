import type { Uses } from "../deps";

/** What this module uses. */
type D = Uses<"contacts" | "groups" | "optouts">;

export * from "./port";

/**
 * Whether the tenant may message this number outside a bulk send (a report delivery): it is a member
 * of one of the tenant's groups (a group that still exists) and has not opted out.
 */
export const isReachable = async (d: D, tenantId: string, phone: string) => {
  const [contact, opted] = await Promise.all([d.store.contacts.get(tenantId, phone), d.store.optouts.which(tenantId, [phone])]);
  if (!contact || opted.has(phone)) return false;
  for (const g of contact.group_ids) if (await d.store.groups.get(tenantId, g)) return true;
  return false;
};
