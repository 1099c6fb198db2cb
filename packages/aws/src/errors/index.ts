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

/**
 * Turns an SDK client's "cannot reach the service" errors (after its own retries) into
 * `DomainError("unavailable")`, so no caller outside this package knows the SDK's error names.
 */
export const mapUnavailable = (client: { middlewareStack: { add: (mw: any, opts: any) => void } }) => {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      try {
        return await next(args);
      } catch (e) {
        throw isUnavailable(e) ? unavailable(e) : e;
      }
    },
    { step: "initialize", name: "outreachUnavailable" },
  );
};
