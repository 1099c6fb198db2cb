/** One contact row of an imported file, with the line it starts on (1-based, as an editor shows it). */
export interface CsvContact {
  line: number;
  phone: string;
  name: string | null;
  /** The row's other columns by header (with a header row only; blank cells left out). */
  fields?: Record<string, string>;
}

/** What a column of the file becomes: the phone, the name, a custom field named by its header, or nothing. */
export type ColumnRole = "phone" | "name" | "field" | "skip";

/** Which column is which, to change before importing (the mapping preview). */
export interface ColumnMapping {
  phone?: number;
  name?: number | null;
  /** Columns not to import as fields. */
  skip?: number[];
}

export interface CsvResult {
  contacts: CsvContact[];
  /** Rows that cannot be a contact, with their line and why. */
  invalid: { line: number; value: string; reason: string }[];
  separator: string;
  header: boolean;
  /** The file's columns (from its header row, else numbered) and what each became. */
  columns: { index: number; header: string; role: ColumnRole }[];
}

/** RFC 4180 records with the line each starts on: quotes, doubled quotes, CR LF or LF, newlines inside quotes. */
const records = (text: string, sep: string) => {
  const out: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (ch === sep) {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      cells.push(cell);
      out.push({ line: start, cells });
      cells = [];
      cell = "";
      line++;
      start = line;
    } else cell += ch;
  }
  if (cell !== "" || cells.length > 0) {
    cells.push(cell);
    out.push({ line: start, cells });
  }
  return out.filter((r) => r.cells.some((c) => c.trim() !== ""));
};

/** The separator of the first line: `;` (spreadsheets in many locales), tab, or `,`; quoted text does not count. */
const detectSeparator = (text: string) => {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== "") ?? "";
  const unquoted = first.replace(/"[^"]*"/g, "");
  const count = (c: string) => unquoted.split(c).length - 1;
  const best = [";", "\t", ","].map((c) => [c, count(c)] as const).sort((a, b) => b[1] - a[1])[0];
  return best && best[1] > 0 ? best[0] : ",";
};

/**
 * Reads `phone,name` rows (with a header row, any other column becomes a custom field named by its
 * header, unless `mapping.skip` leaves it out): a byte-order mark, `;` or tab separators and a header row (any first row
 * whose first cell has no digit) are handled. With a header, the `phone` and `name` columns are found
 * by name; without, the first column is the phone and the second the name. A row without a phone
 * number is reported with its line; the server decides whether the number is valid.
 */
export const parseContacts = (raw: string, mapping: ColumnMapping = {}): CsvResult => {
  const text = raw.replace(/^\uFEFF/, "");
  const separator = detectSeparator(text);
  const rows = records(text, separator);
  const first = rows[0];
  const header = first !== undefined && !/\d/.test(first.cells[0] ?? "");
  let phoneAt = 0;
  let nameAt = 1;
  if (header && first) {
    const names = first.cells.map((c) => c.trim().toLowerCase());
    const p = names.findIndex((n) => /phone|number|mobile|tel|whatsapp/.test(n));
    const n = names.findIndex((x) => /name/.test(x));
    if (p >= 0) phoneAt = p;
    if (n >= 0) nameAt = n;
    else if (p >= 0) nameAt = p === 0 ? 1 : 0;
  }
  if (mapping.phone !== undefined) phoneAt = mapping.phone;
  if (mapping.name !== undefined) nameAt = mapping.name ?? -1;
  const width = Math.max(0, ...rows.map((r) => r.cells.length));
  const columns: CsvResult["columns"] = Array.from({ length: width }, (_, index) => {
    const title = header ? (first?.cells[index] ?? "").trim() : "";
    const role: ColumnRole = index === phoneAt ? "phone" : index === nameAt ? "name" : header && title && !mapping.skip?.includes(index) ? "field" : "skip";
    return { index, header: title || `column ${index + 1}`, role };
  });
  const fieldColumns = columns.filter((c) => c.role === "field");
  const contacts: CsvContact[] = [];
  const invalid: CsvResult["invalid"] = [];
  for (const r of header ? rows.slice(1) : rows) {
    const phone = (r.cells[phoneAt] ?? "").trim();
    const name = nameAt >= 0 ? (r.cells[nameAt] ?? "").trim() : "";
    if (!/\d/.test(phone)) {
      invalid.push({ line: r.line, value: r.cells.join(separator).slice(0, 80), reason: phone ? "not a phone number" : "no phone number" });
      continue;
    }
    if (phone.length > 64) {
      invalid.push({ line: r.line, value: `${phone.slice(0, 40)}…`, reason: "phone longer than 64 characters" });
      continue;
    }
    const fields: Record<string, string> = {};
    for (const c of fieldColumns) {
      const v = (r.cells[c.index] ?? "").trim();
      if (v) fields[c.header] = v.slice(0, 500);
    }
    contacts.push({ line: r.line, phone, name: name ? name.slice(0, 255) : null, ...(Object.keys(fields).length ? { fields } : {}) });
  }
  return { contacts, invalid, separator, header, columns };
};
