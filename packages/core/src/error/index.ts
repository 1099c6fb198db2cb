/**
 * Typed domain errors. Domain code throws these for expected cases; the API maps `kind` to a status
 * with one exhaustive table, queue consumers use `kind` to decide between retry and record.
 */
export type ErrorKind =
  | "invalid" // 400: malformed request
  | "unauthorized" // 401
  | "forbidden" // 403: scope, plan feature, plan limit
  | "not_found" // 404
  | "conflict" // 409: state conflict
  | "unprocessable" // 422: missing parameter or a domain rule refuses
  | "rate_limited" // 429
  | "unavailable"; // 503: a backing service is unreachable

export class DomainError extends Error {
  override readonly name = "DomainError";
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

export const notFound = (what: string, id: string) =>
  new DomainError("not_found", `${what}.not_found`, `${capitalize(what.replace(/_/g, " "))} ${id} not found.`);

export const conflict = (code: string, message: string, details?: unknown) => new DomainError("conflict", code, message, details);

export const unprocessable = (code: string, message: string, details?: unknown) => new DomainError("unprocessable", code, message, details);

export const invalid = (code: string, message: string, details?: unknown) => new DomainError("invalid", code, message, details);

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const forbidden = (code: string, message: string, details?: unknown) => new DomainError("forbidden", code, message, details);
