/**
 * One RFC 4180 CSV row. A cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
 * `@`, tab or carriage return) is prefixed with `'` (OWASP's CSV-injection advice). Phones in E.164
 * start with `+` too, but they are our own normalized values, never user formulas.
 */
export const csvRow = (cells: string[], opts: { trusted?: number[] } = { trusted: [0, 2] }) =>
  `${cells
    .map((v, i) => {
      let s = v;
      if (!opts.trusted?.includes(i) && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
      return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(",")}\r\n`;
