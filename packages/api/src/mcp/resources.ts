import * as Jobs from "@outreach/core/job";
import { hasScope, type Scope } from "@outreach/core/tenant";
import type { ToolContext } from "./tool";

export const API_REFERENCE_URI = "outreach://api/openapi.json";
const PROGRESS = /^outreach:\/\/bulk-send\/([^/]{1,100})\/progress$/;
export const PROGRESS_TEMPLATE = "outreach://bulk-send/{bulk_send_id}/progress";
const progressUri = (id: string) => `outreach://bulk-send/${id}/progress`;

/** The scopes reading `uri` needs: a job's progress needs bulk-send:read, the API reference none. */
export const resourceScopes = (uri: string): Scope[] => (PROGRESS.test(uri) ? ["bulk-send:read"] : []);

/** The API reference, and the progress of the tenant's 20 newest bulk sends (when the key may read them). */
export const listResources = async (ctx: ToolContext) => {
  const reference = {
    uri: API_REFERENCE_URI,
    name: "api-reference",
    title: "Outreach API reference",
    description: "The OpenAPI 3.1 document of the HTTP API (/api/v2): every route, its parameters and answers.",
    mimeType: "application/json",
  };
  if (!hasScope(ctx.key.scopes, "bulk-send:read")) return [reference];
  const { jobs } = await Jobs.list(ctx.deps, ctx.tenantId, undefined, { limit: 20 });
  return [
    reference,
    ...jobs.map((j) => ({
      uri: progressUri(j.id),
      name: `progress-${j.id}`,
      title: `Progress of bulk send ${j.id} (${j.status})`,
      description: "Counts and status of the send, as its progress stream reports them; read it again to follow the send.",
      mimeType: "application/json",
    })),
  ];
};

/** Reads a resource; undefined when `uri` names none. */
export const readResource = async (ctx: ToolContext, uri: string, document: () => unknown) => {
  if (uri === API_REFERENCE_URI) return { uri, mimeType: "application/json", text: JSON.stringify(document()) };
  const m = PROGRESS.exec(uri);
  if (!m) return undefined;
  const job = await Jobs.get(ctx.deps.store, ctx.tenantId, decodeURIComponent(m[1] as string), true);
  return { uri, mimeType: "application/json", text: JSON.stringify({ job_id: job.id, ...Jobs.progress(job) }) };
};
