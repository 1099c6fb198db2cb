import { useEffect, useRef, useState } from "preact/hooks";
import { api, download, ok, raw, type Schema } from "../api";
import { Action, ErrorText, Loading, Page, StatusBadge, useLoad, when } from "../ui";

type Execution = Schema<"ReportExecution">;

const DROP = "script,style,iframe,frame,object,embed,link,meta,base,form,input,button,textarea,select";

/**
 * The report's own HTML page (`?format=html`, the chart included), shown inside a shadow root so its
 * stylesheet stays its own. Its `<style>` block and `style` attributes are taken out of the text
 * before it is parsed (a parser meeting them under this page's CSP reports violations) and applied
 * through the CSSOM instead, which the CSP allows; it is parsed inert (DOMParser runs nothing), and
 * scripts, event handlers and `javascript:` URLs are dropped.
 */
export const RenderedReport = ({ html }: { html: string }) => {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const css: string[] = [];
    const text = html
      .replace(/<style[^>]*>([\s\S]*?)<\/style>/gi, (_m, block: string) => {
        css.push(block);
        return "";
      })
      .replace(/\sstyle="/gi, ' data-report-style="');
    const doc = new DOMParser().parseFromString(text, "text/html");
    for (const bad of doc.querySelectorAll(DROP)) bad.remove();
    for (const node of doc.body.querySelectorAll("*")) {
      for (const a of [...node.attributes]) {
        if (a.name.startsWith("on") || /^\s*javascript:/i.test(a.value)) node.removeAttribute(a.name);
      }
    }
    const root = el.shadowRoot ?? el.attachShadow({ mode: "open" });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(
      css
        .join("\n")
        .replace(/@import[^;]*;/g, "")
        .replace(/\bbody\b/g, ":host"),
    );
    root.adoptedStyleSheets = [sheet];
    root.replaceChildren(...[...doc.body.childNodes].map((n) => document.importNode(n, true)));
    for (const node of root.querySelectorAll<HTMLElement | SVGElement>("[data-report-style]")) {
      node.style.cssText = node.getAttribute("data-report-style") ?? "";
      node.removeAttribute("data-report-style");
    }
  }, [html]);
  return <div class="report-frame" ref={host} />;
};

export const ReportDetail = ({ params }: { params: Record<string, string> }) => {
  const id = params.id!;
  const report = useLoad(async () => (await ok(api().GET("/reports/{id}", { params: { path: { id } } }))) as Schema<"Report">, [id]);
  const history = useLoad(
    async () => (await ok(api().GET("/reports/{id}/history", { params: { path: { id }, query: { limit: 20 } } }))) as { executions: Execution[] },
    [id],
  );
  const [selected, setSelected] = useState<string>();
  const current = selected ?? history.data?.executions[0]?.id;
  const html = useLoad(
    async () => (current ? (await raw(`/reports/${encodeURIComponent(id)}/history/${encodeURIComponent(current)}?format=html`)).text() : undefined),
    [id, current],
  );
  const exe = history.data?.executions.find((e) => e.id === current);
  return (
    <Page
      title={report.data ? report.data.name : "Report"}
      actions={
        <Action
          run={async () => {
            const e = (await ok(api().POST("/reports/{id}/run", { params: { path: { id } } }))) as Execution;
            setSelected(e.id);
            await history.reload();
          }}
        >
          Run now
        </Action>
      }
    >
      <ErrorText error={report.error ?? history.error} />
      {report.data ? (
        <p>
          <StatusBadge status={report.data.status} /> {report.data.template_id} · next run {when(report.data.next_run_at, report.data.timezone)}
        </p>
      ) : null}
      {!history.data ? (
        <Loading what="executions" />
      ) : history.data.executions.length === 0 ? (
        <p>No executions yet: run it now.</p>
      ) : (
        <div class="split">
          <nav aria-label="Executions" class="executions">
            <h2>Executions</h2>
            <ul>
              {history.data.executions.map((e) => (
                <li key={e.id}>
                  <button type="button" class="link" aria-pressed={e.id === current} onClick={() => setSelected(e.id)}>
                    {when(e.generated_at)}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <section aria-label="Execution" class="execution">
            {exe ? (
              <div class="actions">
                <Action
                  class="secondary"
                  run={() => download(`/reports/${encodeURIComponent(id)}/history/${encodeURIComponent(exe.id)}?format=csv`, `${exe.id}.csv`)}
                >
                  Download CSV
                </Action>
                <Action
                  class="secondary"
                  run={() => download(`/reports/${encodeURIComponent(id)}/history/${encodeURIComponent(exe.id)}?format=json`, `${exe.id}.json`)}
                >
                  Download JSON
                </Action>
              </div>
            ) : null}
            <ErrorText error={html.error} />
            {html.data ? <RenderedReport html={html.data} /> : <Loading what="the report" />}
          </section>
        </div>
      )}
    </Page>
  );
};
