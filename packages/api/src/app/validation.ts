import { errorBody } from "../errors";
import type { Hook } from "../openapi";

type Issue = { code: string; path: PropertyKey[]; message: string; input?: unknown };

/**
 * The answer to input that failed its schema: a missing required field is 422 (API.md "Errors"), anything
 * else malformed (wrong type, unknown enum value, too long) is 400. The message names the field.
 * `input` is what the client sent, to tell "missing" from "wrong" whatever the schema type (enums,
 * unions, …). The HTTP routes and the MCP tools answer with this, so both say the same.
 */
export const invalidInput = (issues: Issue[], input: unknown, target = "json") => {
  const at = (path: PropertyKey[]) => path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);
  const missing = issues.filter((i) => i.path.length > 0 && at(i.path) === undefined && i.code !== "unrecognized_keys");
  const describe = (i: Issue) => `${i.path.length ? i.path.join(".") : target}: ${i.message}`;
  if (missing.length > 0 && missing.length === issues.length) {
    return {
      status: 422 as const,
      body: errorBody("request.missing_field", `Missing required field: ${missing.map((i) => i.path.join(".") || target).join(", ")}.`, {
        fields: missing.map((i) => i.path.join(".")),
      }),
    };
  }
  const shown = issues.slice(0, 5).map(describe);
  return {
    status: 400 as const,
    body: errorBody("request.invalid", `Invalid request: ${shown.join("; ")}.`, {
      issues: issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    }),
  };
};

/** Request validation failures of the HTTP routes, answered by `invalidInput`. */
export const validationHook: Hook<any, any, any, any> = async (result, c) => {
  if (result.success) return;
  const issues = (result.error as { issues: Issue[] }).issues;
  const input: unknown =
    result.target === "json"
      ? await c.req.json().catch(() => undefined)
      : result.target === "query"
        ? c.req.query()
        : result.target === "param"
          ? c.req.param()
          : undefined;
  const { status, body } = invalidInput(issues, input, result.target);
  return c.json(body, status);
};
