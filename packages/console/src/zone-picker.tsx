import { useMemo } from "preact/hooks";
import { Field } from "./ui";

/** Place names whose zone id drops their accents (ids are ASCII): shown and searched with them. */
const ACCENTED: Record<string, string> = {
  Sao_Paulo: "São Paulo",
  Bogota: "Bogotá",
  Asuncion: "Asunción",
  Cordoba: "Córdoba",
  Merida: "Mérida",
  Reykjavik: "Reykjavík",
  Zurich: "Zürich",
  Noronha: "Fernando de Noronha",
  Cancun: "Cancún",
};

const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[_/]+/g, " ");

/** Every IANA zone the browser knows, with the place a person would call it ("São Paulo"). */
const zones = () => {
  const ids: string[] = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
  const all = ids.includes("UTC") ? ids : ["UTC", ...ids];
  return all.map((id) => {
    const last = id.split("/").pop() ?? id;
    return { id, place: ACCENTED[last] ?? last.replace(/_/g, " ") };
  });
};

/** "Mondays 09:00 (São Paulo)": the place of a zone, for rows and summaries. */
export const placeOf = (zone: string) => {
  const last = zone.split("/").pop() ?? zone;
  return ACCENTED[last] ?? last.replace(/_/g, " ");
};

export const isZone = (zone: string) => zones().some((z) => z.id === zone);

/**
 * A searchable time-zone picker: type any part of a place or zone, accents optional ("São", "sao",
 * "paulo" all find America/Sao_Paulo), and choose from the matching zones listed under the box.
 */
export const ZonePicker = ({ value, onChange }: { value: string; onChange: (zone: string) => void }) => {
  const all = useMemo(zones, []);
  const exact = all.some((z) => z.id === value);
  const q = fold(value.trim());
  const matches = exact || !q ? [] : all.filter((z) => fold(`${z.id} ${z.place}`).includes(q)).slice(0, 8);
  return (
    <div class="zone-picker">
      <Field label="Time zone" hint={exact ? placeOf(value) : "Type a city or region, e.g. São Paulo, then choose it below."}>
        <input value={value} onInput={(e) => onChange(e.currentTarget.value)} required maxLength={64} autocomplete="off" aria-invalid={!exact} />
      </Field>
      {matches.length ? (
        <Field label="Matching time zones">
          <select size={Math.min(6, Math.max(2, matches.length))} onChange={(e) => onChange(e.currentTarget.value)}>
            {matches.map((z) => (
              <option key={z.id} value={z.id}>
                {z.place} ({z.id})
              </option>
            ))}
          </select>
        </Field>
      ) : !exact && q ? (
        <p class="error">No time zone matches “{value}”.</p>
      ) : null}
    </div>
  );
};
