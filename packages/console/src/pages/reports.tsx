import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Link, navigate } from "../router";
import { emptyTiming, NextRuns, type TimingDraft, TimingFields, timingBody } from "../timing";
import { Action, ErrorText, Field, Form, Loading, Page, StatusBadge, TableWrap, useLoad, when } from "../ui";
import { PeriodField, TemplateField } from "./report-fields";
import { RunOnce } from "./report-once";

type Report = Schema<"Report">;
type Template = { id: string; name: string; description: string };

const PERIODS = ["since_last_run", "last_day", "last_7_days", "last_30_days"] as const;

export const Reports = () => {
  const templates = useLoad(async () => (await ok(api().GET("/reports/templates"))) as Template[]);
  const list = useLoad(async () => (await ok(api().GET("/reports", { params: { query: { limit: 100 } } }))) as { reports: Report[] });
  const [name, setName] = useState("");
  const [template, setTemplate] = useState("");
  const [period, setPeriod] = useState<(typeof PERIODS)[number]>("last_7_days");
  const [timing, setTiming] = useState<TimingDraft>(emptyTiming);
  return (
    <Page title="Reports">
      <RunOnce templates={templates.data ?? []} />
      <Form
        label="New report"
        onSubmit={async () => {
          const r = (await ok(
            api().POST("/reports", { body: { name, template_id: template, period, delivery_method: "dashboard", ...timingBody(timing) } as never }),
          )) as Report;
          navigate(`/reports/${r.id}`);
        }}
      >
        <h2>New report</h2>
        <div class="row">
          <Field label="Name">
            <input value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={255} />
          </Field>
          <TemplateField label="Template" value={template} set={setTemplate} templates={templates.data ?? []} />
          <PeriodField label="Period" value={period} set={setPeriod} periods={PERIODS} />
        </div>
        {template ? <p class="muted">{templates.data?.find((t) => t.id === template)?.description}</p> : null}
        <TimingFields t={timing} set={setTiming} />
        <NextRuns t={timing} />
        <button type="submit">Create report</button>
      </Form>
      <ErrorText error={templates.error ?? list.error} />
      {!list.data ? (
        <Loading what="reports" />
      ) : list.data.reports.length === 0 ? (
        <p>No reports yet.</p>
      ) : (
        <TableWrap label="Reports">
          <caption>Reports</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Template</th>
              <th scope="col">Status</th>
              <th scope="col">Next run</th>
              <th scope="col">Last run</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data.reports.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/reports/${r.id}`}>{r.name}</Link>
                </td>
                <td>{r.template_id}</td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{when(r.next_run_at, r.timezone)}</td>
                <td>{when(r.last_run_at)}</td>
                <td class="actions">
                  <Action
                    run={async () => {
                      await ok(api().POST("/reports/{id}/run", { params: { path: { id: r.id } } }));
                      navigate(`/reports/${r.id}`);
                    }}
                  >
                    Run now
                  </Action>
                  {r.status === "active" ? (
                    <Action
                      class="secondary"
                      run={async () => {
                        await ok(api().POST("/reports/{id}/pause", { params: { path: { id: r.id } } }));
                        await list.reload();
                      }}
                    >
                      Pause
                    </Action>
                  ) : r.status === "paused" ? (
                    <Action
                      class="secondary"
                      run={async () => {
                        await ok(api().POST("/reports/{id}/resume", { params: { path: { id: r.id } } }));
                        await list.reload();
                      }}
                    >
                      Resume
                    </Action>
                  ) : null}
                  <Action
                    class="danger"
                    run={async () => {
                      if (!confirm(`Delete report "${r.name}" and its executions?`)) return;
                      await ok(api().DELETE("/reports/{id}", { params: { path: { id: r.id } } }));
                      await list.reload();
                    }}
                  >
                    Delete
                  </Action>
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </Page>
  );
};
