import { catalog } from "@outreach/core/plan";
import { subscription } from "@outreach/core/tenant";
import type { Env } from "../app/env";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { errors, json } from "../schemas";

const Limits = z
  .object({
    messages_per_month: z.number().int().nullable(),
    sessions: z.number().int().nullable(),
    custom_groups: z.number().int().nullable(),
    monitored_groups: z.number().int().nullable(),
    webhooks: z.number().int().nullable(),
    collectors: z.number().int().nullable(),
    reports: z.number().int().nullable(),
    api_keys: z.number().int().nullable(),
  })
  .openapi("PlanLimits", { description: "`null`: unlimited." });
const Plan = z.object({ id: z.string(), name: z.string(), limits: Limits, features: z.array(z.string()) }).openapi("Plan");
const Subscription = z
  .object({
    plan: z.string(),
    name: z.string(),
    status: z.literal("active"),
    period: z.string().openapi({ description: "This month, `YYYY-MM` (UTC)." }),
    usage: z.record(z.string(), z.number()),
    limits: Limits,
    features: z.array(z.string()),
  })
  .openapi("Subscription");

/** `/billing` (MoltFlow): the plan table the code enforces, and the account's plan with its use. */
export const billingRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["Billing"];
  return app
    .openapi(
      createRoute({
        method: "get",
        path: "/plans",
        tags,
        security: [],
        summary: "Every plan with its limits and features (no API key needed)",
        description: "Served without a key, counted per source address like other requests without a valid key (`429 rate_limit.unauthenticated`).",
        responses: { 200: json(z.object({ plans: z.array(Plan) }), "Plans"), 429: errors[429] },
      }),
      (c) => c.json(catalog(), 200),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/subscription",
        tags,
        summary: "The account's plan and this month's use against its limits",
        description: "Scope `usage:read`.",
        middleware: [requireScope("usage:read")],
        responses: { 200: json(Subscription, "Subscription"), ...errors },
      }),
      async (c) => c.json(await subscription(c.get("deps"), c.get("tenantId")), 200),
    );
};
