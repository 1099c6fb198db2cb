import { esc } from "@outreach/core/html";

type Doc = {
  info?: { title?: string; description?: string };
  paths?: Record<
    string,
    Record<
      string,
      {
        summary?: string;
        tags?: string[];
        parameters?: { name: string; in: string; required?: boolean }[];
        requestBody?: { content?: Record<string, { schema?: unknown }> };
        responses?: Record<string, { description?: string }>;
      }
    >
  >;
};

/** A self-contained API reference page rendered from the OpenAPI document (no external scripts or fonts). */
export const docsPage = (doc: unknown) => {
  const d = doc as Doc;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(d.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = op.tags?.[0] ?? "Other";
      const params = (op.parameters ?? []).map((p) => `<code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ", required" : ""})`).join(", ");
      const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
      const responses = Object.entries(op.responses ?? {})
        .filter(([s]) => s.startsWith("2") || s === "409")
        .map(([s, r]) => `${esc(s)} ${esc(r.description)}`)
        .join("; ");
      const html = `<section><h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>/api/v2${esc(path)}</code></h3>
<p>${esc(op.summary)}</p>${params ? `<p>Parameters: ${params}</p>` : ""}${bodySchema ? `<details><summary>Request body</summary><pre>${esc(JSON.stringify(bodySchema, null, 2))}</pre></details>` : ""}<p class="r">Responses: ${responses}</p></section>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const body = [...byTag].map(([tag, ops]) => `<h2>${esc(tag)}</h2>${ops.join("")}`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(d.info?.title)} reference</title><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;color:#222}code,pre{font-family:ui-monospace,monospace}
pre{background:#f5f5f5;padding:.5rem;overflow:auto;font-size:12px}section{border-top:1px solid #ddd;padding:.25rem 0}
.m{font-size:12px;padding:2px 6px;border-radius:4px;color:#fff;background:#555}.get{background:#2a7}.post{background:#27c}.patch{background:#c82}.delete{background:#c33}.r{color:#555;font-size:13px}
</style></head><body><h1>${esc(d.info?.title)}</h1><p>${esc(d.info?.description)}</p>
<p>Authenticate with <code>X-API-Key: &lt;key&gt;</code> or <code>Authorization: Bearer &lt;key&gt;</code>. Errors are <code>{"error":{"code","message","details"}}</code>. The machine-readable document is at <a href="/openapi.json">/openapi.json</a>.</p>
${body}</body></html>`;
};
