/**
 * Renders `{{name}}`, `{{phone}}` and `{{name|fallback}}` for one recipient. Unknown placeholders are
 * left as they are, so a typo is visible in a test send rather than silently dropped.
 */
export const render = (template: string, r: { name: string | null; phone: string }) =>
  template.replace(/\{\{\s*(name|phone)\s*(?:\|([^}]*))?\}\}/g, (_m, field: string, fallback: string | undefined) => {
    if (field === "phone") return r.phone;
    const name = r.name?.trim();
    return name ? name : (fallback ?? "").trim();
  });
