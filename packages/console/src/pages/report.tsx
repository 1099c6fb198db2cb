import { useEffect, useRef, useState } from "preact/hooks";
import { api, download, ok, raw, type Schema } from "../api";
import { Action, ErrorText, Loading, Page, StatusBadge, useLoad, when } from "../ui";

type Execution = Schema<"ReportExecution">;

const DROP = "script,iframe,frame,object,embed,link,meta,base,form,input,button,textarea,select";

/**
 * The report's own HTML page (`?format=html`, the chart included), shown inside a shadow root so its
 * stylesheet stays its own. It is parsed inert (DOMParser runs nothing), scripts and event handlers
 * are dropped, and its styles are applied through the CSSOM — the page's CSP allows no inline style
 * or script, and needs no exception for this.
 */
const RenderedReport = ({ html }: { html: string }) => {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const doc = new DOMParser().parseFromString(html, "text/html");
    const css = [...doc.querySelectorAll("style")].map((s) => s.textContent ?? "").join("\n");
    for (const bad of doc.querySelectorAll(DROP)) bad.remove();
    const styled: [Element, string][] = [];
    for (const node of doc.body.querySelectorAll("*")) {
      for (const a of [...node.attributes]) {
        if (a.name.startsWith("on") || /^\s*javascript:/i.test(a.value)) node.removeAttribute(a.name);
      }
      const style = node.getAttribute("style");
      if (style !== null) {
        styled.push([node, style]);
        node.removeAttribute("style");
      }
    }
    const root = el.shadowRoot ?? el.attachShadow({ mode: "open" });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css.replace(/@import[^;]*;/g, "").replace(/\bbody\b/g, ":host"));
    root.adoptedStyleSheets = [sheet];
    root.replaceChildren(...[...doc.body.childNodes].map((n) => document.importNode(n, true)));
    // Inline styles again, through the CSSOM, on the imported copies (same order as the originals).
    const copies = root.querySelectorAll("*");
    const originals = [...doc.body.querySelectorAll("*")];
    copies.forEach((c, i) => {
      const hit = styled.find(([o]) => o === originals[i]);
      if (hit) (c as HTMLElement | SVGElement).style.cssText = hit[1];
    });
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
                <Action class="secondary" run={() => download(`/reports/${encodeURIComponent(id)}/history/${encodeURIComponent(exe.id)}?format=csv`, `${exe.id}.csv`)}>
                  Download CSV
                </Action>
                <Action class="secondary" run={() => download(`/reports/${encodeURIComponent(id)}/history/${encodeURIComponent(exe.id)}?format=json`, `${exe.id}.json`)}>
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
