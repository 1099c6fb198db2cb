import * as z from "zod";

/** Public shapes of groups and members (allow-lists; one source for HTTP, OpenAPI and clients). */
export const GroupView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  member_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type GroupView = z.infer<typeof GroupView>;

/** Custom fields of a member (ours): lower-case keys, used by templates as `{{fields.key}}`. */
export const MemberFields = z.record(z.string(), z.string());

export const MemberView = z.object({
  id: z.string(),
  phone: z.string(),
  name: z.string().nullable(),
  fields: MemberFields.optional(),
  added_at: z.string(),
});
export type MemberView = z.infer<typeof MemberView>;

export const ContactView = z.object({
  id: z.string(),
  phone: z.string(),
  name: z.string().nullable(),
  session_ids: z.array(z.string()),
  group_ids: z.array(z.string()),
});
