// The low-level server, on purpose: tools are listed per key (its scopes), and arguments are validated
// here with the HTTP routes' schemas so that a refusal says exactly what the HTTP API says.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { DomainError } from "@outreach/core/error";
import { type ApiKey, hasScope, type Scope } from "@outreach/core/tenant";
import type { Context } from "hono";
import type { Env } from "../app/env";
import { invalidInput } from "../app/validation";
import { chargeCalls } from "../auth";
import { errorBody } from "../errors";
import * as z from "../openapi/z";
import { accountTools } from "./account";
import { conversationTools } from "./conversations";
import { groupTools } from "./groups";
import { listResources, PROGRESS_TEMPLATE, readResource, resourceScopes } from "./resources";
import { reportTools, scheduleTools } from "./schedules";
import { bulkTools } from "./sends";
import type { Tool, ToolContext } from "./tool";

/** Every tool, in the order clients show them. */
export const TOOLS: Tool[] = [...groupTools, ...accountTools, ...bulkTools, ...scheduleTools, ...reportTools, ...conversationTools];

const INSTRUCTIONS = `Outreach sends WhatsApp messages to contact groups for this API key's account.
Safe sending: message only people who agreed to hear from you; never re-add anyone who opted out (STOP);
keep the default pacing (30-120 s between messages of a session); always call bulk_send_preview first,
check the recipients, rendered messages and quota with the user, then bulk_send_create with its confirmation_token.
Every other tool that can send (scheduled_create, scheduled_resume, WhatsApp reports, message_send) answers a preview
and a confirmation_token when called without one; call it again with the same arguments and that token.
Follow a send with bulk_send_get or by reading its progress resource; pause it at once if replies ask to stop.
Answer people with conversations_unanswered, conversations_read and message_send (one message, once; never to an opted-out number).`;

/** Messages one JSON-RPC batch may hold. */
export const MAX_BATCH = 20;

/** JSON-RPC error code of a refusal for missing scope (the HTTP status is 403). */
export const FORBIDDEN = -32003;

const jsonSchemas = new Map<string, object>();
const inputSchema = (t: Tool) => {
  let s = jsonSchemas.get(t.name);
  if (!s) {
    const { $schema: _, ...rest } = z.toJSONSchema(t.input, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    s = { type: "object", ...rest };
    jsonSchemas.set(t.name, s);
  }
  return s as { type: "object"; [k: string]: unknown };
};

const allows = (key: ApiKey, scopes: Scope[]) => scopes.every((s) => hasScope(key.scopes, s));

const result = (value: object) => ({
  content: [{ type: "text" as const, text: JSON.stringify(value, null, 2) }],
  structuredContent: value as Record<string, unknown>,
});
const failure = (body: ReturnType<typeof errorBody>) => ({ ...result(body), isError: true });

/** A domain error as the HTTP API would answer it, as a tool result the model can read and act on. */
const toolError = (ctx: ToolContext, e: unknown) => {
  if (e instanceof DomainError) return failure(errorBody(e.code, e.message, e.kind === "rate_limited" ? undefined : e.details));
  ctx.log.error({ err: e }, "mcp tool failed");
  return failure(errorBody("internal", "Something went wrong on our side; try again, and report it if it persists."));
};

/** One stateless MCP server for one request: the tools and resources this key may use. */
export const createMcpServer = (ctx: ToolContext, document: () => unknown) => {
  const tools = TOOLS.filter((t) => allows(ctx.key, t.scopes));
  const server = new Server({ name: "outreach", version: "2.0.0" }, { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS });

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: inputSchema(t),
      annotations: { title: t.title, readOnlyHint: t.readOnly ?? false, destructiveHint: t.destructive ?? false, openWorldHint: t.destructive ?? false },
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const t = tools.find((x) => x.name === req.params.name);
    if (!t) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${req.params.name}. List the tools to see those this API key may use.`);
    const args = req.params.arguments ?? {};
    const parsed = t.input.safeParse(args);
    if (!parsed.success) return failure(invalidInput(parsed.error.issues, args).body);
    try {
      return result(await t.run(ctx, parsed.data));
    } catch (e) {
      return toolError(ctx, e);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: await listResources(ctx) }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: allows(ctx.key, ["bulk-send:read"])
      ? [
          {
            uriTemplate: PROGRESS_TEMPLATE,
            name: "bulk-send-progress",
            title: "Progress of a bulk send",
            description: "Counts and status of one bulk send; read it again to follow the send until completed, cancelled or failed.",
            mimeType: "application/json",
          },
        ]
      : [],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    try {
      const content = await readResource(ctx, req.params.uri, document);
      if (!content) throw new McpError(ErrorCode.InvalidParams, `Unknown resource: ${req.params.uri}.`);
      return { contents: [content] };
    } catch (e) {
      if (e instanceof DomainError) throw new McpError(ErrorCode.InvalidParams, e.message, errorBody(e.code, e.message).error);
      throw e;
    }
  });
  return server;
};

type Message = { jsonrpc?: string; id?: string | number | null; method?: string; params?: { name?: unknown; uri?: unknown } };

/** The scopes a JSON-RPC message needs beyond what the key has, with the message's id; undefined when allowed. */
const missingScopes = (message: Message, key: ApiKey) => {
  let needed: Scope[] = [];
  if (message.method === "tools/call") needed = TOOLS.find((t) => t.name === message.params?.name)?.scopes ?? [];
  if (message.method === "resources/read" && typeof message.params?.uri === "string") needed = resourceScopes(message.params.uri);
  const missing = needed.filter((s) => !hasScope(key.scopes, s));
  return missing.length ? { id: message.id ?? null, needed, missing } : undefined;
};

const rpcError = (id: Message["id"], code: number, message: string, data?: unknown) => ({
  jsonrpc: "2.0" as const,
  id: id ?? null,
  error: { code, message, ...(data === undefined ? {} : { data }) },
});

/**
 * `POST /mcp`: the Model Context Protocol over Streamable HTTP, stateless (each request gets its own
 * server; any API instance can answer, as on Lambda), JSON answers. Authentication and the rate limit
 * are the API's (middleware before this). A call of a tool or a read of a resource that the key's
 * scopes do not allow is refused as the MCP authorization spec says: 403 with
 * `WWW-Authenticate: Bearer error="insufficient_scope"` naming the scopes, and the HTTP API's message.
 */
export const mcpHandler = (document: () => unknown) => async (c: Context<Env>) => {
  if (c.req.method !== "POST") {
    c.header("Allow", "POST");
    return c.json(rpcError(null, -32000, "This MCP server is stateless: send JSON-RPC messages with POST (no server-sent stream, no sessions)."), 405);
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json(rpcError(null, ErrorCode.ParseError, "Parse error: the request body is not valid JSON."), 400);
  }
  const key = c.get("apiKey");
  const messages = (Array.isArray(body) ? body : [body]) as Message[];
  if (messages.length > MAX_BATCH)
    return c.json(
      rpcError(
        null,
        ErrorCode.InvalidRequest,
        `A JSON-RPC batch may hold at most ${MAX_BATCH} messages (this one has ${messages.length}); send several requests.`,
      ),
      400,
    );
  // Each call of a batch is a request for the rate limit and the month's api_calls.
  await chargeCalls(c.get("deps"), key, messages.length);
  for (const message of messages) {
    const refused = message && typeof message === "object" ? missingScopes(message, key) : undefined;
    if (!refused) continue;
    const text = `This API key lacks the ${refused.missing[0]} scope${refused.needed.length > 1 ? ` (this needs ${refused.needed.join(" and ")})` : ""}.`;
    c.header("WWW-Authenticate", `Bearer error="insufficient_scope", scope="${refused.needed.join(" ")}", error_description="${text}"`);
    return c.json(rpcError(refused.id, FORBIDDEN, text, { ...errorBody("auth.scope_missing", text).error, details: { required_scopes: refused.needed } }), 403);
  }
  const ctx: ToolContext = { deps: c.get("deps"), tenantId: c.get("tenantId"), key, log: c.get("log") };
  const server = createMcpServer(ctx, document);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(c.req.raw, { parsedBody: body });
  } finally {
    await server.close();
  }
};
