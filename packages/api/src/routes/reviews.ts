import * as Review from "@outreach/core/review";
import type { Env } from "../app/env";
import { idempotency } from "../app/idempotency";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { body, Deleted, errors, IdParam, json, Name, PageQuery, QueryBool } from "../schemas";

const CollectorSchema = z.object(Review.CollectorView.shape).openapi("ReviewCollector");
const ReviewSchema = z.object(Review.ReviewView.shape).openapi("Review");
const Words = z.array(z.string().max(100)).max(100);
const Languages = z
  .array(z.string().min(2).max(8))
  .max(20)
  .openapi({ description: `ISO 639-1 codes with a sentiment lexicon: ${Object.keys(Review.SENTIMENT_LANGUAGES).join(", ")}. Empty: all of them.` });
const Fields = {
  description: z.string().max(2000).nullish(),
  source_type: z.enum(Review.SOURCE_TYPES).optional(),
  min_positive_words: z.number().int().min(0).max(10).optional(),
  min_sentiment_score: z.number().min(0).max(1).optional(),
  include_keywords: Words.optional(),
  exclude_keywords: Words.optional(),
  languages: Languages.optional(),
  selected_chat_ids: z.array(z.string().min(1).max(200)).max(500).optional(),
  is_active: z.boolean().optional(),
};
export const CreateCollectorBody = z.object({ name: Name, session_id: z.string().min(1).max(100), ...Fields }).openapi("ReviewCollectorCreate");
const PatchCollectorBody = z
  .object({ name: Name.optional(), ...Fields })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Send at least one field to change." })
  .openapi("ReviewCollectorPatch");
const PatchReviewBody = z
  .object({ is_approved: z.boolean().optional(), is_hidden: z.boolean().optional(), notes: z.string().max(2000).nullish() })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "Send is_approved, is_hidden or notes." })
  .openapi("ReviewPatch");
const Skipped = z.object(Object.fromEntries(Review.SKIP_REASONS.map((r) => [r, z.number().int()])) as Record<Review.SkipReason, z.ZodNumber>);
const Stats = z
  .object({
    total: z.number().int(),
    approved: z.number().int(),
    pending: z.number().int(),
    hidden: z.number().int(),
    average_sentiment: z.number(),
    avg_score: z.number(),
    by_day: z.array(z.object({ day: z.string(), total: z.number().int(), approved: z.number().int(), average_sentiment: z.number() })),
  })
  .openapi("ReviewStats");

const read = requireScope("reviews:read");
const manage = requireScope("reviews:manage");

/** MoltFlow's `/reviews`: collectors that find review-like messages (sentiment), the reviews, testimonials. */
export const reviewRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["Reviews"];
  return app
    .openapi(
      createRoute({
        method: "get",
        path: "/collectors",
        tags,
        summary: "List review collectors",
        description: "`{ collectors, total }`; `include_inactive=true` lists paused collectors too.",
        middleware: [read],
        request: { query: z.object({ include_inactive: QueryBool.optional() }) },
        responses: { 200: json(z.object({ collectors: z.array(CollectorSchema), total: z.number().int() }), "Collectors"), ...errors },
      }),
      async (c) => c.json(await Review.listCollectors(c.get("deps"), c.get("tenantId"), c.req.valid("query").include_inactive ?? true), 200),
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/collectors",
        tags,
        summary: "Create a review collector",
        description:
          "Watches one session's inbound messages (`source_type`: `all`, `chats`, `groups` — monitored groups' messages —, or `selected` with `selected_chat_ids`). A message is a review when its sentiment (0–1, nlp.js) reaches `min_sentiment_score` (default 0.6) and it has at least `min_positive_words` positive words (default 3), contains one of `include_keywords` (if any) and none of `exclude_keywords`. Messages in languages without a lexicon are skipped and counted in `skipped`. Plans: pro 5, business 20 collectors; not on free and starter.",
        middleware: [manage, idempotency()],
        request: body(CreateCollectorBody),
        responses: { 201: json(CollectorSchema, "Created"), ...errors },
      }),
      async (c) => c.json(await Review.createCollector(c.get("deps"), c.get("tenantId"), c.req.valid("json")), 201),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/collectors/{id}",
        tags,
        summary: "One collector with its counts",
        description: "With *(ours)* `review_count`, `scanned_count` and `skipped` by reason (`unsupported_language`, `language_not_selected`, `no_language`).",
        middleware: [read],
        request: { params: IdParam },
        responses: { 200: json(CollectorSchema, "Collector"), ...errors },
      }),
      async (c) => c.json(await Review.getCollector(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )
    .openapi(
      createRoute({
        method: "patch",
        path: "/collectors/{id}",
        tags,
        summary: "Change a collector",
        middleware: [manage],
        request: { params: IdParam, ...body(PatchCollectorBody) },
        responses: { 200: json(CollectorSchema, "Collector"), ...errors },
      }),
      async (c) => c.json(await Review.updateCollector(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/collectors/{id}",
        tags,
        summary: "Delete a collector and its reviews",
        description: "Answers `200` `{ id, deleted: true }`; its reviews go with it.",
        middleware: [manage],
        request: { params: IdParam },
        responses: { 200: json(Deleted, "Deleted"), ...errors },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        await Review.removeCollector(c.get("deps"), c.get("tenantId"), id);
        return c.json({ id, deleted: true as const }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/collectors/{id}/run",
        tags,
        summary: "Scan the session's stored messages now",
        description:
          "Reads the stored inbound messages of its session (1:1 chats and monitored groups, within the retention; at most 10,000) and answers what it found: `scanned`, `reviews_created` (a message becomes a review once), `skipped` by reason.",
        middleware: [manage],
        request: { params: IdParam },
        responses: {
          200: json(
            z.object({ collector: CollectorSchema, scanned: z.number().int(), reviews_created: z.number().int(), skipped: Skipped, truncated: z.boolean() }),
            "Scan result",
          ),
          ...errors,
        },
      }),
      async (c) => c.json(await Review.run(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/stats",
        tags,
        summary: "Review statistics",
        description: "`total`, `approved`, `pending`, `hidden`, `average_sentiment` (MoltFlow's `avg_score`), `by_day`; `collector_id` filters.",
        middleware: [read],
        request: { query: z.object({ collector_id: z.string().max(100).optional() }) },
        responses: { 200: json(Stats, "Statistics"), ...errors },
      }),
      async (c) => c.json(await Review.stats(c.get("deps"), c.get("tenantId"), c.req.valid("query").collector_id), 200),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/testimonials/export",
        tags,
        summary: "Export testimonials (approved, not hidden)",
        description:
          "`format=json` (default): `{ format, count, testimonials }`. `format=html`: a self-contained page (no scripts or external resources; every text escaped) — as the page itself (`text/html`) when the request's `Accept` prefers `text/html`, otherwise wrapped as `{ format, count, html }` (MoltFlow's client parses this answer as JSON).",
        middleware: [read],
        request: { query: z.object({ format: z.enum(["json", "html"]).default("json"), collector_id: z.string().max(100).optional() }) },
        responses: {
          200: {
            content: {
              "application/json": {
                schema: z.object({
                  format: z.enum(["json", "html"]),
                  count: z.number().int(),
                  testimonials: z.array(ReviewSchema).optional(),
                  html: z.string().optional(),
                }),
              },
              "text/html": { schema: z.string() },
            },
            description: "Testimonials",
          },
          ...errors,
        },
      }),
      async (c) => {
        const { format, collector_id } = c.req.valid("query");
        const list = await Review.testimonials(c.get("deps"), c.get("tenantId"), collector_id);
        if (format === "json") return c.json({ format, count: list.length, testimonials: list }, 200);
        const html = Review.testimonialsHtml(list);
        const accept = c.req.header("accept") ?? "";
        if (/text\/html/.test(accept) && !/application\/json/.test(accept)) return c.html(html, 200) as never;
        return c.json({ format, count: list.length, html }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags,
        summary: "List reviews, newest first",
        description:
          "MoltFlow's filters: `collector_id`, `approved_only`, `include_hidden` (default true), `is_approved`, `is_hidden`, `min_score`; `total` counts the filter.",
        middleware: [read],
        request: {
          query: PageQuery.extend({
            collector_id: z.string().max(100).optional(),
            approved_only: QueryBool.optional(),
            include_hidden: QueryBool.optional(),
            is_approved: QueryBool.optional(),
            is_hidden: QueryBool.optional(),
            min_score: z.coerce.number().min(0).max(1).optional(),
          }),
        },
        responses: {
          200: json(z.object({ reviews: z.array(ReviewSchema), total: z.number().int(), next_cursor: z.string().nullable() }), "Reviews"),
          ...errors,
        },
      }),
      async (c) => {
        const { collector_id, approved_only, include_hidden, is_approved, is_hidden, min_score, ...page } = c.req.valid("query");
        return c.json(
          await Review.list(c.get("deps"), c.get("tenantId"), { collector_id, approved_only, include_hidden, is_approved, is_hidden, min_score }, page),
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}",
        tags,
        summary: "One review",
        middleware: [read],
        request: { params: IdParam },
        responses: { 200: json(ReviewSchema, "Review"), ...errors },
      }),
      async (c) => c.json(await Review.get(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    )
    .openapi(
      createRoute({
        method: "patch",
        path: "/{id}",
        tags,
        summary: "Approve, hide or annotate a review",
        description: "`{ is_approved?, is_hidden?, notes? }`.",
        middleware: [manage],
        request: { params: IdParam, ...body(PatchReviewBody) },
        responses: { 200: json(ReviewSchema, "Review"), ...errors },
      }),
      async (c) => c.json(await Review.update(c.get("deps"), c.get("tenantId"), c.req.valid("param").id, c.req.valid("json")), 200),
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}",
        tags,
        summary: "Delete a review",
        middleware: [manage],
        request: { params: IdParam },
        responses: { 200: json(Deleted, "Deleted"), ...errors },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        await Review.remove(c.get("deps"), c.get("tenantId"), id);
        return c.json({ id, deleted: true as const }, 200);
      },
    );
};
