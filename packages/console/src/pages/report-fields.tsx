import { Field } from "../ui";

/** A report template picker (the reports page's form and "run once now"). */
export const TemplateField = (p: { label: string; value: string; set: (id: string) => void; templates: { id: string; name: string }[] }) => (
  <Field label={p.label}>
    <select value={p.value} onChange={(e) => p.set(e.currentTarget.value)} required>
      <option value="">Choose a template</option>
      {p.templates.map((t) => (
        <option key={t.id} value={t.id}>
          {t.name}
        </option>
      ))}
    </select>
  </Field>
);

/** The period a report covers, from `periods` (shown with spaces for underscores). */
export const PeriodField = <P extends string>(p: { label: string; value: P; set: (period: P) => void; periods: readonly P[] }) => (
  <Field label={p.label}>
    <select value={p.value} onChange={(e) => p.set(e.currentTarget.value as P)}>
      {p.periods.map((x) => (
        <option key={x} value={x}>
          {x.replace(/_/g, " ")}
        </option>
      ))}
    </select>
  </Field>
);
