import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { ErrorText, Field, Loading, NextPage, Page, StatusFilter, TableWrap, useLoad, when } from "../ui";

type Lead = Schema<"Lead">;
const STATUSES = ["new", "contacted", "qualified", "converted", "lost"] as const;

/** Leads from monitored groups and replies to bulk sends; each status change is kept in the lead's history. */
export const Leads = () => {
  const [status, setStatus] = useState<(typeof STATUSES)[number] | "">("");
  const [cursor, setCursor] = useState<string>();
  const list = useLoad(
    async () => await ok(api().GET("/leads", { params: { query: { limit: 50, cursor, ...(status ? { status } : {}) } } })),
    [status, cursor],
  );
  const [error, setError] = useState<unknown>();
  return (
    <Page title="Leads">
      <div class="row">
        <StatusFilter
          label="Status"
          value={status}
          statuses={STATUSES}
          onChange={(s) => {
            setCursor(undefined);
            setStatus(s);
          }}
        />
      </div>
      <ErrorText error={list.error ?? error} />
      {!list.data ? (
        <Loading what="leads" />
      ) : list.data.leads.length === 0 ? (
        <p>No leads{status ? ` with status ${status}` : ""} yet.</p>
      ) : (
        <TableWrap label="Leads">
          <caption>{list.data.total} leads, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Contact</th>
              <th scope="col">Source</th>
              <th scope="col">Detected</th>
              <th scope="col">Auto-response</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.data.leads.map((l: Lead) => (
              <tr key={l.id} data-lead={l.id}>
                <td>
                  {l.contact_name ?? l.contact_phone}
                  {l.contact_name ? <small class="block">{l.contact_phone}</small> : null}
                </td>
                <td>
                  {l.source === "group" ? "monitored group" : "reply to a bulk send"}
                  {l.keyword ? <small class="block">keyword: {l.keyword}</small> : null}
                </td>
                <td>{when(l.created_at)}</td>
                <td>{l.responded_at ? `sent ${when(l.responded_at)}` : l.response_error ? `not sent (${l.response_error})` : "–"}</td>
                <td>
                  <Field label={`Status of ${l.contact_name ?? l.contact_phone}`}>
                    <select
                      value={l.status}
                      onChange={async (e) => {
                        setError(undefined);
                        try {
                          await ok(
                            api().PATCH("/leads/{id}/status", {
                              params: { path: { id: l.id } },
                              body: { status: e.currentTarget.value as (typeof STATUSES)[number] },
                            }),
                          );
                          await list.reload();
                        } catch (err) {
                          setError(err);
                        }
                      }}
                    >
                      {STATUSES.map((s) => (
                        <option key={s}>{s}</option>
                      ))}
                    </select>
                  </Field>
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <NextPage cursor={list.data?.next_cursor} onNext={setCursor} />
    </Page>
  );
};
