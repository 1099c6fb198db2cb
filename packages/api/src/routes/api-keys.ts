import { issueKey, listKeys, me, revokeKey, SCOPES } from "@outreach/core/tenant";
import type { Env } from "../app/env";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { forgetKey, KEY_CACHE_MS } from "../auth/key-cache";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { body, Deleted, errors, IdParam, json, Name } from "../schemas";

const Scope = z.enum(SCOPES);
const ApiKeySchema = z
  .object({
    id: z.string().openapi({ example: "key_01JD…" }),
    name: z.string(),
    prefix: z.string().openapi({ description: "The key's first characters, to recognise it; the key itself is never shown again.", example: "ok_Ab3d" }),
    scopes: z.array(Scope),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    last_used_at: z.string().nullable().openapi({ description: "Updated at most once a minute." }),
  })
  .openapi("ApiKey");
const CreatedKey = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The secret, shown this once (only its SHA-256 is stored)." }),
  raw_key: z.string().openapi({ description: "The same secret under MoltFlow's name." }),
}).openapi("ApiKeyCreated");
export const CreateApiKeyBody = z
  .object({
    name: Name.max(100),
    scopes: z
      .array(Scope)
      .min(1, "give at least one scope")
      .max(SCOPES.length * 2),
    expires_in_days: z.number().int().min(1).max(3650).nullish().openapi({ description: "Days until the key stops working (1–3650); absent: never." }),
  })
  .strict()
  .openapi("ApiKeyCreate");

const read = requireScope("settings:read");
const manage = requireScope("settings:manage");

/** `/api-keys` *(MoltFlow)*: the account's own keys, listed without secrets, created (shown once) and revoked. */
export const apiKeyRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["API keys"];
  return app
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags,
        summary: "List the account's API keys (no secrets)",
        description: "Scope `settings:read` (`settings:manage` implies it). Revoked keys are not listed; expired ones are, until deleted.",
        middleware: [read],
        responses: { 200: json(z.object({ api_keys: z.array(ApiKeySchema) }), "API keys"), ...errors },
      }),
      async (c) => c.json(await listKeys(c.get("deps"), c.get("tenantId")), 200),
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags,
        summary: "Create an API key (the secret is shown once)",
        description:
          "Scope `settings:manage`. The new key's `scopes` must be within the calling key's (`403 auth.scope_escalation` otherwise); the plan caps live keys (free 2, starter 5, pro 10, business 25: `403 plan.api_key_limit`).",
        // No Idempotency-Key replay here: it would keep the answer, the secret, in the store for 24 h.
        middleware: [manage],
        request: body(CreateApiKeyBody),
        responses: { 201: json(CreatedKey, "Created; `key` is never shown again"), ...errors },
      }),
      async (c) => c.json(await issueKey(c.get("deps"), c.get("apiKey"), c.req.valid("json")), 201),
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}",
        tags,
        summary: "Revoke an API key (the next request with it is 401)",
        description: `Scope \`settings:manage\`. The key making the request may revoke itself only while another live key with \`settings:manage\` remains (\`409 api_key.last_manager\`). An API instance keeps a valid key it has read for ${KEY_CACHE_MS / 1000} s: the instance that revoked it refuses it at once, every other one within ${KEY_CACHE_MS / 1000} s.`,
        middleware: [manage],
        request: { params: IdParam },
        responses: { 200: json(Deleted, "Revoked"), 409: errors[404], ...errors },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const revoked = await revokeKey(c.get("deps"), c.get("apiKey"), id);
        forgetKey(c.get("deps").store, id);
        return c.json(revoked, 200);
      },
    );
};

/** `/auth/me`: who the key is. */
export const authRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  return app.openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags: ["API keys"],
      summary: "The key's account and the key itself (its scopes)",
      description: "Any valid key (no scope needed).",
      responses: {
        200: json(
          z.object({
            tenant: z.object({ id: z.string(), name: z.string(), plan: z.string() }),
            key: z.object({ id: z.string(), name: z.string(), prefix: z.string(), scopes: z.array(Scope), expires_at: z.string().nullable() }),
          }),
          "The account and key",
        ),
        ...errors,
      },
    }),
    async (c) => c.json(await me(c.get("deps"), c.get("apiKey")), 200),
  );
};
