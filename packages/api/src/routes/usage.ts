import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { currentUsage } from "@outreach/core/tenant";
import type { Env } from "../app/env";
import { validationHook } from "../app/validation";
import { errors, json } from "../schemas";

const Usage = z
  .object({
    total_messages: z.number().int(),
    limit_messages: z.number().int().nullable(),
    usage_percentage: z.number(),
    plan: z.string(),
    limits: z.record(z.string(), z.unknown()),
    reserved_messages: z.number().int(),
    custom_groups: z.number().int(),
    reports: z.number().int(),
    month: z.string(),
    period: z.string().openapi({ description: "The month counted, `YYYY-MM` (UTC)." }),
    messages_sent: z.number().int().openapi({ description: "Messages sent this month." }),
    messages_received: z.number().int().openapi({ description: "Inbound messages this month." }),
    api_calls: z.number().int().openapi({ description: "Authenticated API requests this month." }),
  })
  .openapi("Usage");

export const usageRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  return app.openapi(
    createRoute({
      method: "get",
      path: "/current",
      tags: ["Usage"],
      summary: "This month's message usage and plan limits",
      responses: { 200: json(Usage, "Usage"), ...errors },
    }),
    async (c) => c.json(await currentUsage(c.get("deps"), c.get("tenantId")), 200),
  );
};
