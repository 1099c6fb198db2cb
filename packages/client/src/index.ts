import createFetchClient, { type ClientOptions } from "openapi-fetch";
import type { components, operations, paths } from "./openapi";

export { sseData } from "./sse";
export type { components, operations, paths };

/** A schema of the API by its OpenAPI name: `Schema<"BulkSend">`, `Schema<"CustomGroup">`. */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];

export interface OutreachClientOptions {
  /** The server's base URL, without `/api/v2` (as `OUTREACH_API_URL`): `http://localhost:3000`. */
  url: string;
  /** An API key (as `OUTREACH_API_KEY`). */
  key: string;
  /** Anything else openapi-fetch takes (a custom `fetch`, more headers). */
  options?: Omit<ClientOptions, "baseUrl">;
}

/**
 * A typed client of the Outreach HTTP API (openapi-fetch over the generated `paths`):
 * `await client.POST("/custom-groups", { body: { name } })` gives `{ data, error, response }` with the
 * route's own types, `data` on 2xx and the `{ error: { code, message } }` body otherwise.
 */
export const createOutreachClient = ({ url, key, options }: OutreachClientOptions) =>
  createFetchClient<paths>({
    ...options,
    baseUrl: `${url.replace(/\/+$/, "")}/api/v2`,
    headers: { "X-API-Key": key, ...(options?.headers as Record<string, string> | undefined) },
  });

export type OutreachClient = ReturnType<typeof createOutreachClient>;
