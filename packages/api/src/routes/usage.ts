import { currentUsage, dailyUsage, usageHistory } from "@outreach/core/tenant";
import type { Env } from "../app/env";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
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

const Counts = {
  messages_sent: z.number().int().openapi({ description: "Messages sent (what counts against the plan)." }),
  messages_received: z.number().int(),
  total_messages: z.number().int().openapi({ description: "Messages counted against the plan (= messages_sent), as in /usage/current." }),
  api_calls: z.number().int().openapi({ description: "Authenticated API requests." }),
  leads_detected: z.number().int(),
};
const Month = z.object({ period: z.string().openapi({ example: "2026-11" }), ...Counts, limit_messages: z.number().int().nullable() }).openapi("UsageMonth");
const Day = z.object({ date: z.string().openapi({ example: "2026-12-06" }), ...Counts }).openapi("UsageDay");
const Months = z.object({
  months: z.coerce.number().int().min(1).max(24).default(6).openapi({ description: "Calendar months, this one included (1–24, default 6)." }),
});
const Days = z.object({ days: z.coerce.number().int().min(1).max(90).default(30).openapi({ description: "Days, today included (1–90, default 30)." }) });
const read = requireScope("usage:read");

export const usageRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  return app
    .openapi(
      createRoute({
        method: "get",
        path: "/history",
        tags: ["Usage"],
        summary: "Usage per calendar month (UTC), oldest first",
        description:
          "Scope `usage:read`. From the counters written per send, inbound message, lead and request (never a scan of messages); months are UTC, the periods the monthly quota resets on.",
        middleware: [read],
        request: { query: Months },
        responses: { 200: json(z.object({ history: z.array(Month), months: z.number().int() }), "Usage per month"), ...errors },
      }),
      async (c) => c.json(await usageHistory(c.get("deps"), c.get("tenantId"), c.req.valid("query").months), 200),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/daily",
        tags: ["Usage"],
        summary: "Usage per day (UTC), oldest first; days without activity are zeros",
        description: "Scope `usage:read`.",
        middleware: [read],
        request: { query: Days },
        responses: { 200: json(z.object({ days: z.array(Day) }), "Usage per day"), ...errors },
      }),
      async (c) => c.json(await dailyUsage(c.get("deps"), c.get("tenantId"), c.req.valid("query").days), 200),
    )
    .openapi(
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
