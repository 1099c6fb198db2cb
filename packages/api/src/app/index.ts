import { providePhoneTables } from "@outreach/core/e164";
import { DomainError } from "@outreach/core/error";
import { fleetStatus } from "@outreach/core/shard";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { authMiddleware, publicRateLimit } from "../auth";
import { consoleRoutes } from "../console";
import { docsPage } from "../docs";
import { errorBody, toResponse } from "../errors";
import { OpenAPIHono } from "../openapi";
import { apiKeyRoutes, authRoutes } from "../routes/api-keys";
import { billingRoutes } from "../routes/billing";
import { conversationRoutes } from "../routes/conversations";
import { groupRoutes } from "../routes/groups";
import { bulkRoutes } from "../routes/jobs";
import { leadRoutes } from "../routes/leads";
import { messageRoutes } from "../routes/messages";
import { monitoredGroupRoutes } from "../routes/monitored-groups";
import { optOutRoutes } from "../routes/optouts";
import { reportRoutes } from "../routes/reports";
import { reviewRoutes } from "../routes/reviews";
import { scheduledRoutes } from "../routes/scheduled";
import { sessionRoutes } from "../routes/sessions";
import { usageRoutes } from "../routes/usage";
import { webhookRoutes } from "../routes/webhooks";
import type { ApiDeps, Env } from "./env";
import { annotateOperations, routeScopes } from "./operations";
import { validationHook } from "./validation";

export type { ApiConfig, ApiDeps, Env } from "./env";

export const BASE = "/api/v2";

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/**
 * The API under `/api/v2`: one route file per resource, chained by prefix, so the type carries every
 * route (`hc<AppType>(`${origin}/api/v2`)` is a typed client) and the OpenAPI document merges them.
 */
export const apiRoutes = (auth: MiddlewareHandler<Env>) => {
  const api = new OpenAPIHono<Env>({ defaultHook: validationHook });
  api.use("*", auth);
  return api
    .route("/usage", usageRoutes())
    .route("/sessions", sessionRoutes())
    .route("/custom-groups", groupRoutes())
    .route("/bulk-send", bulkRoutes())
    .route("/opt-outs", optOutRoutes())
    .route("/scheduled-messages", scheduledRoutes())
    .route("/reports", reportRoutes())
    .route("/messages", messageRoutes())
    .route("/conversations", conversationRoutes())
    .route("/webhooks", webhookRoutes())
    .route("/groups", monitoredGroupRoutes())
    .route("/leads", leadRoutes())
    .route("/reviews", reviewRoutes())
    .route("/api-keys", apiKeyRoutes())
    .route("/auth", authRoutes())
    .route("/billing", billingRoutes());
};

/** The OpenAPI 3.1 document of the routes under `/api/v2`. */
const documentOf = (api: ReturnType<typeof apiRoutes>) => {
  api.openAPIRegistry.registerComponent("securitySchemes", "ApiKey", { type: "apiKey", in: "header", name: "X-API-Key" });
  api.openAPIRegistry.registerComponent("securitySchemes", "Bearer", { type: "http", scheme: "bearer" });
  const doc = api.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Outreach API",
      version: "2.0.0",
      description: "WhatsApp campaign engine, compatible with the MoltFlow outreach API.",
      license: { name: "MIT", url: "https://opensource.org/license/mit" },
    },
    servers: [{ url: BASE }],
    security: [{ ApiKey: [] }, { Bearer: [] }],
  });
  const scopes = routeScopes(api.routes);
  return annotateOperations(doc, (key) => scopes.get(key));
};

/** The OpenAPI document without an app or its dependencies (the typed client is generated from it). */
export const openApiDocument = () => documentOf(apiRoutes(async (_c, next) => next()));

/** Every route of the API with its request and response types, for `hono/client`'s `hc<AppType>`. */
export type AppType = ReturnType<typeof apiRoutes>;

/** The Hono app: the whole HTTP API, served by Node locally and by Lambda (streaming) on AWS. */
export const createApp = (deps: ApiDeps, opts: { extend?: (app: OpenAPIHono<Env>) => void } = {}) => {
  // Members, opt-outs, pairing and report recipients are phone numbers: their tables load at the first
  // request that reads one (a chunk of their own in the Lambda's bundle), not at a cold start.
  providePhoneTables(() => import("@outreach/core/phone").then((m) => m.normalize));
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });

  app.use("*", async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : deps.ids.next("req");
    const log = deps.logger.child({ request_id: requestId });
    c.set("deps", deps);
    c.set("requestId", requestId);
    c.set("log", log);
    const started = performance.now();
    await next();
    c.header("X-Request-Id", requestId);
    log.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started), tenant_id: c.get("tenantId") },
      "request",
    );
  });
  app.onError((e, c) => toResponse(c, e, (obj, msg) => c.get("log")?.error(obj, msg)));
  app.notFound((c) => c.json(errorBody("route.not_found", `No route ${c.req.method} ${c.req.path}. See /docs for the API reference.`), 404));
  app.use("*", bodyLimit({ maxSize: 2 * 1024 * 1024, onError: (c) => c.json(errorBody("request.too_large", "The request body is larger than 2 MB."), 413) }));

  // Unauthenticated: the fleet is read at most once a second per process, whatever the request rate.
  let fleet: { at: number; workers: Promise<unknown> } | undefined;
  const health = async (c: { json: (v: unknown) => Response }) => {
    const now = deps.clock.now();
    if (!fleet || now - fleet.at > 1000) fleet = { at: now, workers: fleetStatus(deps, now).catch(() => null) };
    const workers = await fleet.workers;
    // *(ours)* `workers`: each live worker's id and shards (nothing about sessions or tenants); null when the store cannot be read.
    return c.json({ status: "ok", workers });
  };
  app.get("/health", health);
  app.get(`${BASE}/health`, health);

  const auth = authMiddleware();
  const open = publicRateLimit();
  const api = apiRoutes(async (c, next) => {
    if (c.req.path === `${BASE}/openapi.json` || c.req.path === `${BASE}/docs`) return next();
    if (c.req.path === `${BASE}/billing/plans` && c.req.method === "GET") return open(c, next);
    return auth(c, next);
  });
  app.route(BASE, api);

  let cached: ReturnType<typeof documentOf> | undefined;
  const doc = () => {
    if (!cached) cached = documentOf(api);
    return cached;
  };
  const openapi = (c: { json: (v: unknown) => Response }) => c.json(doc());
  app.get("/openapi.json", openapi);
  app.get(`${BASE}/openapi.json`, openapi);
  const docs = (c: { html: (v: string) => Response | Promise<Response> }) => c.html(docsPage(doc()));
  app.get("/docs", docs);
  app.get(`${BASE}/docs`, docs);

  // Agents: the Model Context Protocol on the same keys, scopes and rate limit (src/mcp).
  const mcpAuth = authMiddleware();
  app.all("/mcp", async (c, next) => {
    try {
      await mcpAuth(c, next);
    } catch (e) {
      // MCP clients look for the challenge of a 401.
      if (e instanceof DomainError && e.kind === "unauthorized") c.header("WWW-Authenticate", 'Bearer realm="outreach", error="invalid_token"');
      throw e;
    }
  });
  // Loaded at the first MCP request: processes (and Lambda cold starts) that never serve one never load the SDK.
  let mcp: Promise<ReturnType<typeof import("../mcp").mcpHandler>> | undefined;
  app.all("/mcp", async (c) => {
    mcp ??= import("../mcp").then((m) => m.mcpHandler(doc));
    return (await mcp)(c);
  });

  // The web console: a single-page app on this same API (packages/console).
  if (deps.config.console) {
    app.route("/console", consoleRoutes(deps.config.console));
  }

  opts.extend?.(app);
  return app;
};
