import { getOpenApiMetadata, OpenAPIRegistry, OpenApiGeneratorV3, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import type * as Upstream from "@hono/zod-openapi";
import { zValidator } from "@hono/zod-validator";
import { type Context, type Env, Hono, type MiddlewareHandler, type Schema } from "hono";
import { HTTPException } from "hono/http-exception";
import type { BlankSchema } from "hono/types";
import { mergePath } from "hono/utils/url";
import type { ZodType } from "zod";
import "./z";

/*
 * The route layer of the API: `OpenAPIHono` and `createRoute` with the types and the behaviour of
 * `@hono/zod-openapi`, built here on the same parts (`@asteasolutions/zod-to-openapi`'s registry and
 * generators, `@hono/zod-validator`, Hono); zod with `.openapi()` is `./z`. Why not the package
 * itself: on loading, it gives zod's whole namespace to `extendZodWithOpenApi`, so a bundle must keep
 * every export of zod, among them its ~40 locales, which the API never uses (≈ 260 KiB minified at
 * each API cold start). The types are the package's (a type-only import), so the app's type and the
 * typed client (`hc<AppType>`) are unchanged. What the API does not use (`doc`, `doc31`,
 * `openapiRoutes`) is left out.
 */
export type { Hook, RouteConfig, RouteHandler } from "@hono/zod-openapi";

type RouteConfig = Upstream.RouteConfig;
type AnyHook = (result: { success: boolean; target: string; data?: unknown; error?: unknown }, c: Context) => unknown;
type Init = ConstructorParameters<typeof Hono>[0] & { defaultHook?: AnyHook };
type DocumentConfig<G extends { generateDocument: (config: never) => unknown }> = Parameters<G["generateDocument"]>[0];
type GeneratorOptions = ConstructorParameters<typeof OpenApiGeneratorV31>[1];

const JSON_TYPE = /^application\/([a-z-.]+\+)?json/i;
const JSON_REQUEST = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;
const MULTIPART_REQUEST = /^multipart\/form-data(;\s?boundary=[a-zA-Z0-9'"()+_,\-./:=?]+)?$/i;
const FORM_REQUEST = /^application\/x-www-form-urlencoded(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;
const isJson = (mediaType: string) => JSON_TYPE.test(mediaType);
const isForm = (mediaType: string) => /^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(mediaType);
const isZod = (x: unknown): x is ZodType =>
  typeof x === "object" &&
  x !== null &&
  ["parse", "safeParse", "parseAsync", "safeParseAsync"].every((f) => typeof (x as Record<string, unknown>)[f] === "function");

/** Whether a request's `content-type` is one the route declares (`*\/*` and `type/*` ranges included). */
const accepts = (contentType: string, mediaType: string) => {
  if (mediaType === "*/*") return true;
  if (isJson(mediaType)) return JSON_REQUEST.test(contentType);
  if (isForm(mediaType)) return MULTIPART_REQUEST.test(contentType) || FORM_REQUEST.test(contentType);
  const essence = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return mediaType.endsWith("/*") ? essence.startsWith(mediaType.slice(0, -1).toLowerCase()) : essence === mediaType.toLowerCase();
};

/** A body without a `content-type` is refused only when it has bytes (an empty POST stays valid). */
const hasBody = async (c: Context) => {
  const raw = c.req.raw;
  if (raw.body === null) return false;
  if (raw.bodyUsed) return (await c.req.arrayBuffer()).byteLength > 0;
  const reader = raw.clone().body?.getReader();
  if (!reader) return false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return false;
      if (value.byteLength > 0) return true;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
};

const toOpenApiPath = (path: string) => path.replaceAll(/:([^/]+)/g, "{$1}");
const toHonoPath = (path: string) => path.replaceAll(/\/{(.+?)}/g, "/:$1");

/** The validators of one route, in the package's order: query, path, headers, cookies, then the body. */
const validatorsOf = (route: RouteConfig, hook: AnyHook): MiddlewareHandler[] => {
  const request = route.request;
  const out: MiddlewareHandler[] = [];
  const v = (target: Parameters<typeof zValidator>[0], schema: unknown) => zValidator(target, schema as never, hook as never) as MiddlewareHandler;
  if (request?.query) out.push(v("query", request.query));
  if (request?.params) out.push(v("param", request.params));
  if (request?.headers) out.push(v("header", request.headers));
  if (request?.cookies) out.push(v("cookie", request.cookies));
  const content = request?.body?.content;
  if (!content) return out;
  const schemaOf = (mediaType: string) => (content[mediaType] as { schema?: unknown } | undefined)?.schema;
  const declared = Object.keys(content);
  if (declared.some((t) => isZod(schemaOf(t)) && (isJson(t) || isForm(t))))
    out.push(async (c, next) => {
      const type = c.req.header("content-type");
      if (type ? !declared.some((t) => accepts(type, t)) : await hasBody(c)) throw new HTTPException(415, { message: "Unsupported Media Type" });
      await next();
    });
  for (const mediaType of declared) {
    const schema = schemaOf(mediaType);
    if (!isZod(schema)) continue;
    for (const [target, matches] of [
      ["json", isJson],
      ["form", isForm],
    ] as const) {
      if (!matches(mediaType)) continue;
      const validator = v(target, schema);
      if (request?.body?.required) out.push(validator);
      else
        out.push(async (c, next) => {
          const type = c.req.header("content-type");
          if (type && matches(type)) return validator(c, next);
          c.req.addValidatedData(target, {});
          await next();
        });
    }
  }
  return out;
};

// Typed through `OpenAPIHono` below, as the package types it.
class RouteLayer extends Hono<any, any, any> {
  openAPIRegistry = new OpenAPIRegistry();
  defaultHook: AnyHook | undefined;
  #parent: RouteLayer | undefined;

  constructor(init?: Init) {
    super(init);
    this.defaultHook = init?.defaultHook;
  }

  /** The hook of this app, else of the nearest app it was mounted under (`route()`). */
  #hook(): AnyHook | undefined {
    const seen = new Set<RouteLayer>();
    for (let app: RouteLayer | undefined = this; app && !seen.has(app); app = app.#parent) {
      if (app.defaultHook) return app.defaultHook;
      seen.add(app);
    }
    return undefined;
  }

  /** Registers the route for the document and serves it: its middleware, its validators, the handler. */
  openapi = ({ middleware, hide, ...route }: RouteConfig, handler: MiddlewareHandler, hook?: AnyHook) => {
    if (!hide) this.openAPIRegistry.registerPath(route);
    const effective: AnyHook = hook ?? ((result, c) => this.#hook()?.(result, c));
    const before = middleware ? (Array.isArray(middleware) ? middleware : [middleware]) : [];
    this.on([route.method], [toHonoPath(route.path)], ...(before as MiddlewareHandler[]), ...validatorsOf(route, effective), handler);
    return this;
  };

  getOpenAPIDocument = (object: DocumentConfig<OpenApiGeneratorV3>, options?: GeneratorOptions) =>
    this.#withBase(new OpenApiGeneratorV3(this.openAPIRegistry.definitions, options).generateDocument(object));

  getOpenAPI31Document = (object: DocumentConfig<OpenApiGeneratorV31>, options?: GeneratorOptions) =>
    this.#withBase(new OpenApiGeneratorV31(this.openAPIRegistry.definitions, options).generateDocument(object));

  #withBase<D extends { paths?: Record<string, unknown> }>(document: D): D {
    const base = (this as unknown as { _basePath: string })._basePath;
    if (!base || base === "/") return document;
    const paths = Object.fromEntries(Object.entries(document.paths ?? {}).map(([p, item]) => [mergePath(toOpenApiPath(base), p), item]));
    return { ...document, paths };
  }

  /** Mounts `app` at `path`; its routes, components and schemas join this app's document under that prefix. */
  override route(path: string, app: Hono<any, any, any>): any {
    super.route(path, app);
    if (!(app instanceof RouteLayer)) return this;
    app.#parent ??= this;
    const prefix = toOpenApiPath(path);
    const base = toOpenApiPath((app as unknown as { _basePath: string })._basePath);
    for (const def of app.openAPIRegistry.definitions) {
      if (def.type === "component") this.openAPIRegistry.registerComponent(def.componentType, def.name, def.component as never);
      else if (def.type === "route") this.openAPIRegistry.registerPath({ ...def.route, path: mergePath(prefix, base, def.route.path) });
      else if (def.type === "webhook") this.openAPIRegistry.registerWebhook({ ...def.webhook, path: mergePath(prefix, base, def.webhook.path) });
      else if (def.type === "schema") this.openAPIRegistry.register(getOpenApiMetadata(def.schema)._internal?.refId as string, def.schema);
      else if (def.type === "parameter") this.openAPIRegistry.registerParameter(getOpenApiMetadata(def.schema)._internal?.refId as string, def.schema);
      else throw new Error(`Unknown registry type: ${(def as { type: string }).type}`);
    }
    return this;
  }

  /** Hono's copy under a prefix (Hono's own `route()` mounts through it), kept a route layer. */
  override basePath(path: string) {
    const cloned = super.basePath(path) as unknown as Record<string, unknown>;
    const next = new RouteLayer({ defaultHook: this.defaultHook });
    Object.assign(next, {
      router: cloned.router,
      routes: cloned.routes,
      getPath: cloned.getPath,
      errorHandler: cloned.errorHandler,
      _basePath: cloned._basePath,
    });
    return next;
  }
}

/** `@hono/zod-openapi`'s `OpenAPIHono` (its type), served by `RouteLayer`. */
export const OpenAPIHono = RouteLayer as unknown as typeof Upstream.OpenAPIHono;
export type OpenAPIHono<E extends Env = Env, S extends Schema = BlankSchema, B extends string = "/"> = Upstream.OpenAPIHono<E, S, B>;

/** A route definition (`getRoutingPath` not enumerable, as the package does it). */
export const createRoute: typeof Upstream.createRoute = (config) =>
  Object.defineProperty({ ...config, getRoutingPath: () => toHonoPath(config.path) }, "getRoutingPath", { enumerable: false }) as never;
