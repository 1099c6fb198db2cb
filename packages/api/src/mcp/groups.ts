import * as Group from "@outreach/core/group";
import * as z from "../openapi/z";
import { AddMembersBody, CreateGroupBody, RemoveMembersBody } from "../routes/groups";
import { PageQuery } from "../schemas";
import { Id, type Tool, tool } from "./tool";

const GroupId = z.object({ group_id: Id("custom group") });

/** Custom groups: the contact lists sends go to. */
export const groupTools: Tool[] = [
  tool({
    name: "groups_list",
    title: "List contact groups",
    description:
      "Lists the tenant's custom groups (contact lists) with their member counts, 50 per page (`cursor` pages on). Free: uses no message quota and changes nothing.",
    scopes: ["custom-groups:read"],
    readOnly: true,
    input: PageQuery,
    run: async ({ deps, tenantId }, page) => {
      const p = await Group.list(deps, tenantId, page);
      return { groups: p.items, next_cursor: p.next_cursor };
    },
  }),
  tool({
    name: "groups_create",
    title: "Create a contact group",
    description:
      "Creates a custom group, optionally with up to 1,000 members ({ phone, name }); invalid numbers are reported, not added. Uses no message quota; counts against the plan's group limit.",
    scopes: ["custom-groups:manage"],
    input: CreateGroupBody,
    run: ({ deps, tenantId }, input) => Group.create(deps, tenantId, input),
  }),
  tool({
    name: "groups_add_members",
    title: "Add members to a group",
    description:
      "Adds up to 1,000 contacts to a group; existing members are counted as duplicates and invalid numbers are listed. Uses no message quota; only add people who agreed to hear from you.",
    scopes: ["custom-groups:manage"],
    input: GroupId.extend(AddMembersBody.shape),
    run: ({ deps, tenantId }, { group_id, contacts }) => Group.addMembers(deps, tenantId, group_id, contacts),
  }),
  tool({
    name: "groups_remove_members",
    title: "Remove members from a group",
    description: "Removes members from a group by phone number or member id. Uses no message quota; sends already created keep their recipients.",
    scopes: ["custom-groups:manage"],
    destructive: true,
    input: RemoveMembersBody.safeExtend(GroupId.shape),
    run: ({ deps, tenantId }, { group_id, phones, member_ids }) => Group.removeMembers(deps, tenantId, group_id, phones ?? [], member_ids ?? []),
  }),
  tool({
    name: "groups_export_summary",
    title: "Summarise a group's export",
    description:
      "Shows a group with its member count and first 20 members, and the API paths of its full CSV and JSON exports. Free: uses no quota and changes nothing.",
    scopes: ["custom-groups:read"],
    readOnly: true,
    input: GroupId,
    run: async ({ deps, tenantId }, { group_id }) => {
      const { members, next_cursor, ...group } = await Group.detail(deps, tenantId, group_id, { limit: 20 });
      return {
        group,
        first_members: members,
        more_members: next_cursor !== null,
        exports: { csv: `/api/v2/custom-groups/${group.id}/export/csv`, json: `/api/v2/custom-groups/${group.id}/export/json` },
      };
    },
  }),
];
