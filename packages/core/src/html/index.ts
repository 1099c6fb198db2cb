/** HTML-escapes a value for text and attribute positions (`&`, `<`, `>`, `"`, `'`); null and undefined become "". */
export const esc = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
