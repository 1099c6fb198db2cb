import { useState } from "preact/hooks";
import { api, download, ok, type Schema } from "../api";
import { type ImportOutcome, importCsv } from "../import";
import { navigate } from "../router";
import { Action, ErrorText, Field, Form, Loading, NextPage, num, Page, TableWrap, useLoad, when } from "../ui";

type Detail = Schema<"CustomGroup"> & { members: Schema<"Member">[]; next_cursor: string | null };

const Import = ({ id, onDone }: { id: string; onDone: () => void }) => {
  const [file, setFile] = useState<File>();
  const [progress, setProgress] = useState<{ sent: number; total: number }>();
  const [outcome, setOutcome] = useState<ImportOutcome>();
  return (
    <Form
      label="Import a CSV file"
      onSubmit={async () => {
        if (!file) return;
        setOutcome(undefined);
        const text = await file.text();
        const r = await importCsv(
          text,
          async (contacts) => ok(api().POST("/custom-groups/{id}/members/add", { params: { path: { id } }, body: { contacts } })),
          (sent, total) => setProgress({ sent, total }),
        );
        setOutcome(r);
        onDone();
      }}
    >
      <h2>Import contacts</h2>
      <p class="muted">
        A CSV with <code>phone,name</code> rows (header optional, <code>,</code> or <code>;</code>, as spreadsheets export it), up to 100,000 rows.
      </p>
      <div class="row">
        <Field label="CSV file">
          <input type="file" accept=".csv,text/csv,text/plain" onChange={(e) => setFile(e.currentTarget.files?.[0])} required />
        </Field>
        <button type="submit" disabled={!file}>
          Import
        </button>
      </div>
      {progress ? (
        <div class="progress-line">
          <progress id="import-progress" max={Math.max(1, progress.total)} value={progress.sent} aria-label="Import progress" />
          <span>
            {num(progress.sent)} / {num(progress.total)} rows sent
          </span>
        </div>
      ) : null}
      {outcome ? (
        <div class="import-result" role="status">
          <p>
            <strong data-added={outcome.added}>{num(outcome.added)} added</strong> · {num(outcome.duplicates)} duplicates · {num(outcome.invalid.length)}{" "}
            invalid (of {num(outcome.rows)} rows)
          </p>
          {outcome.invalid.length ? (
            <TableWrap label="Invalid rows">
              <caption>Rows not imported</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Value</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {outcome.invalid.slice(0, 500).map((i) => (
                  <tr key={`${i.row}-${i.value}`} class="invalid-row">
                    <td class="num">{i.row}</td>
                    <td>{i.value}</td>
                    <td>{i.reason}</td>
                  </tr>
                ))}
              </tbody>
            </TableWrap>
          ) : null}
        </div>
      ) : null}
    </Form>
  );
};

export const GroupDetail = ({ params }: { params: Record<string, string> }) => {
  const id = params.id!;
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const [limit, setLimit] = useState(50);
  const g = useLoad(
    async () => (await ok(api().GET("/custom-groups/{id}", { params: { path: { id }, query: { limit, cursor } } }))) as Detail,
    [id, cursor, limit],
  );
  const [search, setSearch] = useState("");
  const [name, setName] = useState<string>();
  const [description, setDescription] = useState<string>();
  if (!g.data) return <Page title="Group">{g.error ? <ErrorText error={g.error} /> : <Loading what="the group" />}</Page>;
  const q = search.trim().toLowerCase();
  const members = q ? g.data.members.filter((m) => m.phone.includes(q) || (m.name ?? "").toLowerCase().includes(q)) : g.data.members;
  return (
    <Page
      title={g.data.name}
      actions={
        <>
          <Action class="secondary" run={() => download(`/custom-groups/${encodeURIComponent(id)}/export/csv`, `${id}.csv`)}>
            Export CSV
          </Action>
          <Action class="secondary" run={() => download(`/custom-groups/${encodeURIComponent(id)}/export/json`, `${id}.json`)}>
            Export JSON
          </Action>
          <Action
            class="danger"
            run={async () => {
              if (!confirm(`Delete group "${g.data!.name}" and its ${g.data!.member_count} members?`)) return;
              await ok(api().DELETE("/custom-groups/{id}", { params: { path: { id } } }));
              navigate("/groups");
            }}
          >
            Delete group
          </Action>
        </>
      }
    >
      <p>
        {num(g.data.member_count)} members{g.data.description ? ` · ${g.data.description}` : ""}
      </p>
      <Form
        label="Rename group"
        onSubmit={async () => {
          await ok(
            api().PATCH("/custom-groups/{id}", {
              params: { path: { id } },
              body: { name: name ?? g.data!.name, description: description ?? g.data!.description },
            }),
          );
          await g.reload();
        }}
      >
        <h2>Name and description</h2>
        <div class="row">
          <Field label="Name">
            <input value={name ?? g.data.name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={255} />
          </Field>
          <Field label="Description">
            <input value={description ?? g.data.description ?? ""} onInput={(e) => setDescription(e.currentTarget.value)} maxLength={2000} />
          </Field>
          <button type="submit">Save</button>
        </div>
      </Form>
      <Import id={id} onDone={() => void g.reload()} />
      <h2>Members</h2>
      <div class="row">
        <Field label="Search this page">
          <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} placeholder="name or number" />
        </Field>
        <Field label="Per page">
          <select
            value={String(limit)}
            onChange={(e) => {
              setLimit(Number(e.currentTarget.value));
              setCursors([undefined]);
            }}
          >
            {[25, 50, 100, 200].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </Field>
      </div>
      <TableWrap label="Members">
        <caption>
          Members, page {cursors.length}
          {q ? ` (filtered: ${members.length})` : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col">Phone</th>
            <th scope="col">Name</th>
            <th scope="col">Added</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <td>{m.phone}</td>
              <td class="member-name">{m.name ?? ""}</td>
              <td>{when(m.added_at)}</td>
              <td>
                <Action
                  class="link"
                  aria-label={`Remove ${m.phone}`}
                  run={async () => {
                    await ok(api().POST("/custom-groups/{id}/members/remove", { params: { path: { id } }, body: { member_ids: [m.id] } }));
                    await g.reload();
                  }}
                >
                  Remove
                </Action>
              </td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
      <div class="pager">
        {cursors.length > 1 ? (
          <button type="button" class="secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
        ) : null}
        <NextPage cursor={g.data.next_cursor} onNext={(c) => setCursors([...cursors, c])} />
      </div>
    </Page>
  );
};
