import { DomainError } from "@outreach/core/error";

/** AWS SDK and socket errors that mean "the store or queue cannot be reached right now". */
export const isUnavailable = (e: unknown): boolean => {
  const err = e as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  const names = [
    "TimeoutError",
    "RequestTimeout",
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "ServiceUnavailable",
    "InternalServerError",
    "RequestLimitExceeded",
  ];
  const codes = ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"];
  if (err?.name && names.includes(err.name)) return true;
  if (err?.code && codes.includes(err.code)) return true;
  if ((err?.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return err?.cause ? isUnavailable(err.cause) : false;
};

export const unavailable = (cause: unknown) =>
  Object.assign(new DomainError("unavailable", "service.unavailable", "A backing service is unreachable right now; nothing was changed. Retry shortly."), {
    cause,
  });

/** AWS refused the call for want of a permission: a deployment missing a grant (infra/grants.ts). */
export const isAccessDenied = (e: unknown): boolean =>
  /^(AccessDenied(Exception)?|AuthorizationError|UnauthorizedOperation)$/.test((e as { name?: string })?.name ?? "");

/**
 * An AccessDenied is logged at `error` where it happens, whatever the caller does with it next (some
 * callers rightly ignore a failed best-effort write): one pino-shaped JSON line on stdout, so a
 * missing grant is never silent.
 */
const reportDenied = (e: unknown, command: string | undefined) =>
  process.stdout.write(
    `${JSON.stringify({
      level: 50,
      time: Date.now(),
      msg: "AWS refused the call: the role lacks a grant (infra/grants.ts)",
      code: (e as { name?: string }).name,
      command,
      error: (e as Error).message,
    })}\n`,
  );

/**
 * Turns an SDK client's "cannot reach the service" errors (after its own retries) into
 * `DomainError("unavailable")`, so no caller outside this package knows the SDK's error names; an
 * AccessDenied is logged at `error` on its way up (never swallowed silently).
 */
export const mapUnavailable = (client: { middlewareStack: { add: (mw: any, opts: any) => void } }) => {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (e) {
        if (isAccessDenied(e)) reportDenied(e, context?.commandName);
        throw isUnavailable(e) ? unavailable(e) : e;
      }
    },
    { step: "initialize", name: "outreachUnavailable" },
  );
};
