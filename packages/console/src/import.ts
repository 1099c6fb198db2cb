import { type ColumnMapping, parseContacts } from "@outreach/cli/csv";

/** Rows per request: the API's limit for `POST /custom-groups/{id}/members/add`. */
export const CHUNK = 1000;
/** The most rows one import takes. */
export const MAX_ROWS = 100_000;

export interface AddResult {
  added: number;
  duplicates: number;
  invalid: { phone: string; reason: string }[];
}

export interface ImportOutcome {
  rows: number;
  added: number;
  duplicates: number;
  /** Rows that are not contacts, by the file's own row numbers (1-based, as a spreadsheet shows them). */
  invalid: { row: number; value: string; reason: string }[];
  /**
   * Rows repeating a number of an earlier row of the file (same digits), with that row; the rest of
   * `duplicates` were already in the group.
   */
  repeated: { row: number; value: string; first_row: number }[];
}

/**
 * Imports a CSV (`phone,name`, and with a header any other column as a custom field; header optional; `,` `;` or tab; byte-order mark; what spreadsheets
 * export) the way the CLI's `import-csv` reads it: rows go up in requests of 1,000 and each invalid
 * number the server reports is traced back to its row.
 */
export const importCsv = async (
  text: string,
  add: (contacts: { phone: string; name?: string; fields?: Record<string, string> }[]) => Promise<AddResult>,
  onProgress: (sent: number, total: number) => void = () => {},
  mapping: ColumnMapping = {},
): Promise<ImportOutcome> => {
  const parsed = parseContacts(text, mapping);
  const total = parsed.contacts.length + parsed.invalid.length;
  if (total > MAX_ROWS) throw new Error(`This file has ${total.toLocaleString("en-US")} rows; one import takes at most ${MAX_ROWS.toLocaleString("en-US")}.`);
  const out: ImportOutcome = {
    rows: total,
    added: 0,
    duplicates: 0,
    invalid: parsed.invalid.map((i) => ({ row: i.line, value: i.value, reason: i.reason })),
    repeated: [],
  };
  const firstRow = new Map<string, number>();
  for (const c of parsed.contacts) {
    const digits = c.phone.replace(/\D/g, "").replace(/^00/, "");
    const first = firstRow.get(digits);
    if (first === undefined) firstRow.set(digits, c.line);
    else out.repeated.push({ row: c.line, value: c.phone, first_row: first });
  }
  onProgress(0, parsed.contacts.length);
  for (let i = 0; i < parsed.contacts.length; i += CHUNK) {
    const chunk = parsed.contacts.slice(i, i + CHUNK);
    const r = await add(chunk.map((c) => ({ phone: c.phone, ...(c.name ? { name: c.name } : {}), ...(c.fields ? { fields: c.fields } : {}) })));
    out.added += r.added;
    out.duplicates += r.duplicates;
    const lines = new Map<string, number[]>();
    for (const c of chunk) lines.set(c.phone, [...(lines.get(c.phone) ?? []), c.line]);
    for (const bad of r.invalid) {
      const row = lines.get(bad.phone)?.shift() ?? 0;
      out.invalid.push({ row, value: bad.phone, reason: bad.reason });
    }
    onProgress(Math.min(i + CHUNK, parsed.contacts.length), parsed.contacts.length);
  }
  out.invalid.sort((a, b) => a.row - b.row);
  return out;
};
