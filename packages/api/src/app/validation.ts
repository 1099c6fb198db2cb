import type { Hook } from "@hono/zod-openapi";
import { errorBody } from "../errors";

type Issue = { code: string; path: PropertyKey[]; message: string; input?: unknown };

/**
 * Request validation failures: a missing required field is 422 (API.md), anything else malformed
 * (wrong type, unknown enum value, too long) is 400. The message names the field.
 */
export const validationHook: Hook<any, any, any, any> = (result, c) => {
  if (result.success) return;
  const issues = (result.error as { issues: Issue[] }).issues;
  const missing = issues.filter((i) => i.code === "invalid_type" && / received undefined$/.test(i.message));
  const describe = (i: Issue) => `${i.path.length ? i.path.join(".") : result.target}: ${i.message}`;
  if (missing.length > 0 && missing.length === issues.length) {
    return c.json(
      errorBody("request.missing_field", `Missing required field: ${missing.map((i) => i.path.join(".") || result.target).join(", ")}.`, {
        fields: missing.map((i) => i.path.join(".")),
      }),
      422,
    );
  }
  const shown = issues.slice(0, 5).map(describe);
  return c.json(
    errorBody("request.invalid", `Invalid request: ${shown.join("; ")}.`, {
      issues: issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    }),
    400,
  );
};
