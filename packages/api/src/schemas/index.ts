import type { MiddlewareHandler } from "hono";
import type { Env } from "../app/env";
import { createRoute } from "../openapi";
import * as z from "../openapi/z";

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "custom_group.not_found" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Items per page (1–200)." }),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000, "offset may be at most 10000 (each skipped item is read); page further with cursor, the next_cursor of the previous page")
    .optional()
    .openapi({ description: "MoltFlow-style offset paging, up to 10,000; use `cursor` beyond." }),
  cursor: z.string().max(2000).optional().openapi({ description: "next_cursor of the previous page." }),
});
export type PageQuery = z.infer<typeof PageQuery>;

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" } }),
});

/** Trims and refuses empty text; any Unicode (Chinese, emoji) passes unchanged. */
export const Name = z.string().trim().min(1, "must not be empty").max(255);
export const Description = z.string().max(2000).nullable();

export const Phone = z.string().max(64).openapi({ example: "+5511999998888" });

const err = (description: string) => ({ content: { "application/json": { schema: ErrorResponse } }, description });

/** The error responses every authenticated route may give. */
export const errors = {
  400: err("Malformed request"),
  401: err("Missing or unknown API key"),
  403: err("Scope missing or plan limit reached"),
  404: err("Not found"),
  422: err("Missing parameter or refused by a rule"),
  429: err("Rate limit; see Retry-After"),
  503: err("A backing service is unreachable; nothing was changed"),
} as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

/** What every DELETE answers (MoltFlow's clients parse a JSON body). */
export const Deleted = z.object({ id: z.string(), deleted: z.literal(true) }).openapi("Deleted");

/**
 * `POST /{id}/<action>` on one resource (pause, resume, cancel, …): the id in the path, the resource
 * after the action back with 200, 409 when its state does not allow the action. A typed route config:
 * chained `.openapi()` calls keep every route in the app type.
 */
export const actionRoute = <P extends `/{id}/${string}`, S extends z.ZodType>(
  path: P,
  o: { tags: string[]; summary: string; middleware: MiddlewareHandler<Env>; out: S; name: string },
) =>
  createRoute({
    method: "post",
    path,
    tags: o.tags,
    summary: o.summary,
    middleware: [o.middleware],
    request: { params: IdParam },
    responses: { 200: json(o.out, o.name), 409: errors[404], ...errors },
  });

/** A boolean query parameter as clients spell it: `true`/`false`, `1`/`0`, and Python's `True`/`False`. */
export const QueryBool = z
  .enum(["true", "false", "True", "False", "1", "0"])
  .transform((v) => v === "true" || v === "True" || v === "1")
  .openapi({ type: "boolean" });
