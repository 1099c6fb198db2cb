import { type ColumnMapping, type ColumnRole, parseContacts } from "@outreach/cli/csv";
import { useState } from "preact/hooks";
import { api, ok } from "../api";
import { type ImportOutcome, importCsv } from "../import";
import { Field, Form, num, TableWrap } from "../ui";

const ROLES: [ColumnRole, string][] = [
  ["phone", "phone number"],
  ["name", "name"],
  ["field", "custom field"],
  ["skip", "not imported"],
];

/** The mapping a person chose, as `parseContacts` takes it. */
const mappingOf = (roles: ColumnRole[]): ColumnMapping => ({
  phone: Math.max(0, roles.indexOf("phone")),
  name: roles.includes("name") ? roles.indexOf("name") : null,
  skip: roles.flatMap((r, i) => (r === "skip" ? [i] : [])),
});

/** Reasons as a person reads them: the server's and the parser's codes become one kind of sentence. */
const REASONS: Record<string, string> = {
  empty: "The row has no phone number.",
  too_long: "The number is too long to be a phone number.",
  invalid_characters: "The number has letters or symbols a phone number cannot have.",
  not_a_phone_number: "This is not a phone number (write it with its country code, e.g. +55 11 …).",
  invalid_number: "No phone number has these digits; check them and the country code.",
  "no phone number": "The row has no phone number.",
  "not a phone number": "This is not a phone number.",
};
const plain = (reason: string) => REASONS[reason] ?? (reason.startsWith("phone longer") ? "The number is too long to be a phone number." : reason);

/**
 * CSV import with a mapping preview: once a file is chosen its columns are shown with what each will
 * become (phone, name, custom field named by its header, or not imported), changeable before import.
 */
export const Import = ({ id, onDone }: { id: string; onDone: () => void }) => {
  const [text, setText] = useState<string>();
  const [roles, setRoles] = useState<ColumnRole[]>([]);
  const [progress, setProgress] = useState<{ sent: number; total: number }>();
  const [outcome, setOutcome] = useState<ImportOutcome>();
  const parsed = text === undefined ? undefined : parseContacts(text, roles.length ? mappingOf(roles) : {});
  return (
    <Form
      label="Import a CSV file"
      onSubmit={async () => {
        if (text === undefined) return;
        setOutcome(undefined);
        const r = await importCsv(
          text,
          async (contacts) => ok(api().POST("/custom-groups/{id}/members/add", { params: { path: { id } }, body: { contacts } })),
          (sent, total) => setProgress({ sent, total }),
          roles.length ? mappingOf(roles) : {},
        );
        setOutcome(r);
        onDone();
      }}
    >
      <h2>Import contacts</h2>
      <p class="muted">
        A CSV with <code>phone,name</code> rows (header optional, <code>,</code> or <code>;</code>, as spreadsheets export it), up to 100,000 rows. With a
        header row, other columns (a city, a plan) become custom fields for messages: <code>{"{{fields.city}}"}</code>.
      </p>
      <div class="row">
        <Field label="CSV file">
          <input
            type="file"
            accept=".csv,text/csv,text/plain"
            required
            onChange={async (e) => {
              const f = e.currentTarget.files?.[0];
              setRoles([]);
              setOutcome(undefined);
              setText(f ? await f.text() : undefined);
            }}
          />
        </Field>
        <button type="submit" disabled={text === undefined}>
          Import
        </button>
      </div>
      {parsed?.columns.length ? (
        <fieldset class="mapping">
          <legend>Columns ({num(parsed.contacts.length + parsed.invalid.length)} rows)</legend>
          {parsed.columns.map((c) => (
            <Field key={c.index} label={`Column “${c.header}”`}>
              <select
                value={c.role}
                onChange={(e) => {
                  const next = parsed.columns.map((x) => x.role);
                  const role = e.currentTarget.value as ColumnRole;
                  // One phone and one name column: choosing one elsewhere makes the old one a field.
                  if (role === "phone" || role === "name") for (let i = 0; i < next.length; i++) if (next[i] === role) next[i] = "field";
                  next[c.index] = role;
                  setRoles(next);
                }}
              >
                {ROLES.filter(([r]) => r !== "field" || parsed.header).map(([r, label]) => (
                  <option key={r} value={r}>
                    {r === "field" ? `custom field {{fields.${c.header.toLowerCase().replace(/[^a-z0-9]+/g, "_")}}}` : label}
                  </option>
                ))}
              </select>
            </Field>
          ))}
        </fieldset>
      ) : null}
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
            Of {num(outcome.rows)} rows: <strong data-added={outcome.added}>{num(outcome.added)} added</strong> · {num(outcome.duplicates)} already in the group
            or repeated in the file · {num(outcome.invalid.length)} not imported
          </p>
          {outcome.repeated.length ? (
            <details class="repeated">
              <summary>
                {num(outcome.repeated.length)} repeated in the file
                {outcome.duplicates > outcome.repeated.length ? `, ${num(outcome.duplicates - outcome.repeated.length)} already in the group` : ""}
              </summary>
              <ul>
                {outcome.repeated.slice(0, 500).map((r) => (
                  <li key={r.row} class="repeated-row">
                    Row {r.row}: {r.value} repeats row {r.first_row}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
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
                    <td>{plain(i.reason)}</td>
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
