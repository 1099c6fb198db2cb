import type { ApiKey, Scope } from "@outreach/core/tenant";
import type { Logger } from "@outreach/log";
import type { ApiDeps } from "../app/env";
import * as z from "../openapi/z";

/** What a tool runs with: the request's dependencies, tenant and key. */
export interface ToolContext {
  deps: ApiDeps;
  tenantId: string;
  key: ApiKey;
  log: Logger;
}

/**
 * One MCP tool. `input` is the zod schema the matching HTTP route validates with (plus the path's id),
 * so the tool's JSON Schema and its validation messages are the API's. `scopes` are the route's:
 * a key without all of them does not see the tool, and calling it is refused with 403.
 */
export interface Tool {
  name: string;
  title: string;
  /** What it does, its cost in quota, its risk: one or two sentences each. */
  description: string;
  scopes: Scope[];
  input: z.ZodType;
  /** MCP annotations: a read-only tool changes nothing; a destructive one may stop or send messages. */
  readOnly?: boolean;
  destructive?: boolean;
  run(ctx: ToolContext, args: any): Promise<object>;
}

/** Declares a tool whose `run` receives the parsed output of its own schema. */
export const tool = <S extends z.ZodType>(t: Omit<Tool, "input" | "run"> & { input: S; run(ctx: ToolContext, args: z.output<S>): Promise<object> }): Tool =>
  t as Tool;

/** An id argument, as the HTTP routes' path ids. */
export const Id = (what: string) => z.string().min(1).max(100).describe(`The ${what}'s id.`);

/** Tools that take no arguments. */
export const NoInput = z.object({});
