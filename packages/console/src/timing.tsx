import { useEffect, useState } from "preact/hooks";
import { api, ok, type Schema } from "./api";
import { day, ErrorText, Field, useDebounced, viewerZone } from "./ui";
import { placeOf, ZonePicker } from "./zone-picker";

const TYPES = ["one_time", "daily", "weekly", "monthly", "cron"] as const;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
type Day = (typeof DAYS)[number];

export interface TimingDraft {
  schedule_type: (typeof TYPES)[number];
  timezone: string;
  scheduled_time: string;
  time_of_day: string;
  days_of_week: Day[];
  day_of_month: string;
  cron_expression: string;
}

export const emptyTiming = (): TimingDraft => ({
  schedule_type: "daily",
  timezone: viewerZone(),
  scheduled_time: "",
  time_of_day: "09:00",
  days_of_week: ["mon"],
  day_of_month: "1",
  cron_expression: "0 9 * * MON-FRI",
});

/** The API's timing fields of a draft (only those its type uses). */
export const timingBody = (t: TimingDraft) => {
  const base = { schedule_type: t.schedule_type, timezone: t.timezone };
  switch (t.schedule_type) {
    case "one_time":
      return { ...base, scheduled_time: t.scheduled_time.length === 16 ? `${t.scheduled_time}:00` : t.scheduled_time };
    case "daily":
      return { ...base, time_of_day: t.time_of_day };
    case "weekly":
      return { ...base, time_of_day: t.time_of_day, days_of_week: t.days_of_week };
    case "monthly":
      return { ...base, time_of_day: t.time_of_day, day_of_month: Number(t.day_of_month) };
    case "cron":
      return { ...base, cron_expression: t.cron_expression };
  }
};

const CRON_PRESETS: [string, string][] = [
  ["0 9 * * MON-FRI", "Weekdays at 09:00"],
  ["30 8 * * MON", "Mondays at 08:30"],
  ["0 18 1 * *", "First of the month at 18:00"],
  ["0 */6 * * *", "Every 6 hours"],
];

/** When it runs: the type and its fields, and a cron helper with presets. */
export const TimingFields = ({ t, set }: { t: TimingDraft; set: (t: TimingDraft) => void }) => {
  const field = (k: keyof TimingDraft) => (e: { currentTarget: { value: string } }) => set({ ...t, [k]: e.currentTarget.value });
  return (
    <fieldset>
      <legend>When</legend>
      <div class="row">
        <Field label="Repeats">
          <select value={t.schedule_type} onChange={field("schedule_type")}>
            {TYPES.map((x) => (
              <option key={x} value={x}>
                {x.replace("_", " ")}
              </option>
            ))}
          </select>
        </Field>
        <ZonePicker value={t.timezone} onChange={(timezone) => set({ ...t, timezone })} />
        {t.schedule_type === "one_time" ? (
          <Field label="Date and time">
            <input type="datetime-local" value={t.scheduled_time} onInput={field("scheduled_time")} required />
          </Field>
        ) : null}
        {t.schedule_type === "daily" || t.schedule_type === "weekly" || t.schedule_type === "monthly" ? (
          <Field label="Time of day">
            <input type="time" value={t.time_of_day} onInput={field("time_of_day")} required />
          </Field>
        ) : null}
        {t.schedule_type === "monthly" ? (
          <Field label="Day of the month" hint="a shorter month runs on its last day">
            <input type="number" min={1} max={31} value={t.day_of_month} onInput={field("day_of_month")} required />
          </Field>
        ) : null}
      </div>
      {t.schedule_type === "weekly" ? (
        <fieldset class="days">
          <legend>Days</legend>
          {DAYS.map((d) => (
            <label class="check" key={d}>
              <input
                type="checkbox"
                checked={t.days_of_week.includes(d)}
                onChange={(e) => set({ ...t, days_of_week: e.currentTarget.checked ? [...t.days_of_week, d] : t.days_of_week.filter((x) => x !== d) })}
              />{" "}
              {d}
            </label>
          ))}
        </fieldset>
      ) : null}
      {t.schedule_type === "cron" ? (
        <>
          <Field label="Cron expression" hint="minute hour day-of-month month day-of-week, e.g. 0 9 * * MON-FRI; at most every 5 minutes">
            <input value={t.cron_expression} onInput={field("cron_expression")} required maxLength={200} class="mono" />
          </Field>
          <fieldset class="presets">
            <legend>Presets</legend>
            {CRON_PRESETS.map(([expr, label]) => (
              <button type="button" class="secondary small" key={expr} onClick={() => set({ ...t, cron_expression: expr })}>
                {label}
              </button>
            ))}
          </fieldset>
        </>
      ) : null}
    </fieldset>
  );
};

const DAY_NAMES: Record<string, string> = {
  mon: "Mondays",
  tue: "Tuesdays",
  wed: "Wednesdays",
  thu: "Thursdays",
  fri: "Fridays",
  sat: "Saturdays",
  sun: "Sundays",
};

/** "Mondays 09:00 (São Paulo)", "Daily 08:15 (Shanghai)", "Day 1 of each month 18:00 (UTC)": a schedule as a person says it. */
export const describeTiming = (s: {
  schedule_type: string;
  time_of_day?: string | null;
  days_of_week?: string[] | null;
  day_of_month?: number | null;
  cron_expression?: string | null;
  timezone: string;
}) => {
  const zone = ` (${placeOf(s.timezone)})`;
  const at = s.time_of_day ?? "";
  switch (s.schedule_type) {
    case "daily":
      return `Daily ${at}${zone}`;
    case "weekly":
      return `${(s.days_of_week ?? []).map((d) => DAY_NAMES[d] ?? d).join(", ")} ${at}${zone}`;
    case "monthly":
      return `Day ${s.day_of_month ?? 1} of each month ${at}${zone}`;
    case "cron":
      return `Cron ${s.cron_expression ?? ""}${zone}`;
    default:
      return `Once${zone}`;
  }
};

/** The next five runs, computed by the server (`GET /scheduled-messages/preview`) as it will run them. */
export const NextRuns = ({ t }: { t: TimingDraft }) => {
  const settled = useDebounced(JSON.stringify(timingBody(t)), 300);
  const [state, setState] = useState<{ runs?: Schema<"SchedulePreview">["runs"]; zone?: string; error?: unknown }>({});
  useEffect(() => {
    const body = JSON.parse(settled) as Record<string, unknown>;
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (v !== undefined && v !== "") query[k] = Array.isArray(v) ? v.join(",") : String(v);
    if (body.schedule_type === "weekly" && !query.days_of_week) {
      setState({ error: new Error("Pick at least one day.") });
      return;
    }
    let stale = false;
    ok(api().GET("/scheduled-messages/preview", { params: { query: query as never } }))
      .then((r) => !stale && setState({ runs: (r as Schema<"SchedulePreview">).runs, zone: (r as Schema<"SchedulePreview">).timezone }))
      .catch((error) => !stale && setState({ error }));
    return () => {
      stale = true;
    };
  }, [settled]);
  const mine = viewerZone();
  return (
    <section class="next-runs" aria-labelledby="next-runs-h" aria-live="polite">
      <h3 id="next-runs-h">Next runs</h3>
      <ErrorText error={state.error} />
      {state.runs ? (
        <ol>
          {state.runs.map((r) => (
            <li key={r.run_at} data-run-at={r.run_at}>
              <span>
                {day(r.run_at, state.zone, true)}
                {state.zone ? ` (${placeOf(state.zone)})` : ""}
              </span>
              {state.zone !== mine ? <small> · your time {day(r.run_at, mine, true)}</small> : null}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
};
