import { DomainError, type ErrorKind } from "@outreach/core/error";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The one exhaustive table from error kind to HTTP status. */
export const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

export const errorBody = (code: string, message: string, details?: unknown) => ({
  error: { code, message, ...(details === undefined ? {} : { details }) },
});

/** Maps any thrown value to the API's error response. Unknown errors are logged and answered without internals. */
export const toResponse = (c: Context, e: unknown, log: (obj: object, msg: string) => void) => {
  if (e instanceof DomainError) {
    // The store and queue adapters turn "cannot reach the service" into this kind; worth a log line.
    if (e.kind === "unavailable") log({ err: e.cause ?? e }, "backing service unavailable");
    if (e.kind === "rate_limited" || e.kind === "unavailable") c.header("Retry-After", String((e.details as { retry_after?: number })?.retry_after ?? 5));
    return c.json(errorBody(e.code, e.message, e.kind === "rate_limited" ? undefined : e.details), STATUS[e.kind]);
  }
  if (e instanceof HTTPException) {
    const status = e.status;
    if (status === 400) return c.json(errorBody("request.malformed", e.message || "The request body is not valid JSON."), 400);
    if (status === 413) return c.json(errorBody("request.too_large", "The request body is too large."), 413);
    return c.json(errorBody(`http.${status}`, e.message || "Request refused."), status as ContentfulStatusCode);
  }
  log({ err: e }, "unhandled error");
  return c.json(errorBody("internal", `Something went wrong on our side. Quote request id ${c.get("requestId" as never) ?? ""} when reporting it.`), 500);
};
