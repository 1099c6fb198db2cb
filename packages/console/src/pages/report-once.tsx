import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Form, viewerZone, when } from "../ui";
import { RenderedReport } from "./report";
import { PeriodField, TemplateField } from "./report-fields";

type Result = Schema<"ReportRunOnce">;
const PERIODS = ["last_day", "last_7_days", "last_30_days"] as const;

/** Runs a template once for a period ending now (`POST /reports/run`), no report or schedule needed; times in the viewer's zone. */
export const RunOnce = ({ templates }: { templates: { id: string; name: string }[] }) => {
  const [template, setTemplate] = useState("");
  const [period, setPeriod] = useState<(typeof PERIODS)[number]>("last_7_days");
  const [result, setResult] = useState<Result>();
  const [csvUrl, setCsvUrl] = useState<string>();
  return (
    <Form
      label="Run a report once"
      onSubmit={async () => {
        const r = (await ok(api().POST("/reports/run", { body: { template_id: template, period, timezone: viewerZone() } as never }))) as Result;
        if (csvUrl) URL.revokeObjectURL(csvUrl);
        setCsvUrl(URL.createObjectURL(new Blob([r.csv], { type: "text/csv" })));
        setResult(r);
      }}
    >
      <h2>Run once now</h2>
      <p class="muted">A report for a period ending now, without saving or scheduling anything.</p>
      <div class="row">
        <TemplateField label="Report template" value={template} set={setTemplate} templates={templates} />
        <PeriodField label="Period covered" value={period} set={setPeriod} periods={PERIODS} />
        <button type="submit">Run once now</button>
      </div>
      {result ? (
        <section aria-label="Report result" class="once-result">
          <p>
            {when(result.period_start)} – {when(result.period_end)} (your time) ·{" "}
            <a href={csvUrl} download={`${result.template_id}.csv`}>
              Download CSV
            </a>
          </p>
          <RenderedReport html={result.html} />
        </section>
      ) : null}
    </Form>
  );
};
