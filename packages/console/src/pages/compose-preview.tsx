import { useEffect, useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { day, ErrorText, Field, num, useDebounced, when } from "../ui";
import { draftBody, type MessageDraft } from "./compose";

export type Preview = Schema<"BulkSendPreview">;
export interface SampleAt {
  query: string;
  offset: number;
}

/** The server's preview of a draft (debounced): the same renderer as the send, at the recipient `at` points to. */
export const usePreview = (draft: MessageDraft, at: SampleAt) => {
  const settled = useDebounced(JSON.stringify({ ...draftBody(draft), sample_query: at.query || undefined, sample_offset: at.offset }), 350);
  const [state, setState] = useState<{ preview?: Preview; error?: unknown }>({});
  useEffect(() => {
    const body = JSON.parse(settled);
    if (!body.session_id || !body.custom_group_id || (!body.message_content && !body.media_url)) {
      setState({});
      return;
    }
    let stale = false;
    ok(api().POST("/bulk-send/preview", { body }))
      .then((preview) => !stale && setState({ preview: preview as Preview }))
      .catch((error) => !stale && setState({ error }));
    return () => {
      stale = true;
    };
  }, [settled]);
  return state;
};

const minutes = (s: number) => (s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${Math.round(s / 360) / 10} h`);

/** "15 recipients (1 opted out) · ≈ 19 min · done 21:54": what the send will do, in one line. */
export const summaryOf = (p: Preview) => {
  const span = p.estimated_finish_at ? (Date.parse(p.estimated_finish_at) - Date.parse(p.starts_at)) / 1000 : 0;
  const done = p.estimated_finish_at ? ` · ≈ ${minutes(span)} · done ${day(p.estimated_finish_at)}` : "";
  return `${num(p.recipients)} recipient${p.recipients === 1 ? "" : "s"} (${num(p.opted_out)} opted out)${done}`;
};

/** The draft as the recipients will see it: search or step through any of them; fallbacks are flagged. */
export const PreviewPanel = ({ state, at, setAt }: { state: { preview?: Preview; error?: unknown }; at: SampleAt; setAt: (a: SampleAt) => void }) => {
  const p = state.preview;
  return (
    <section class="card preview" aria-labelledby="preview-h">
      <h2 id="preview-h">Preview</h2>
      <ErrorText error={state.error} />
      {!p ? (
        <p class="muted">Choose a session and a group and write a message to see it as the recipients will.</p>
      ) : (
        <>
          <Field label="Find a recipient" hint="Name, number or any field (e.g. a city).">
            <input type="search" value={at.query} onInput={(e) => setAt({ query: e.currentTarget.value, offset: 0 })} />
          </Field>
          <div class="row stepper">
            <button type="button" class="secondary" disabled={p.sample_offset === 0} onClick={() => setAt({ ...at, offset: Math.max(0, p.sample_offset - 3) })}>
              Previous
            </button>
            <span aria-live="polite">
              {p.sample_matches === 0
                ? "No recipient matches."
                : `Recipients ${num(p.sample_offset + 1)}–${num(p.sample_offset + p.sample.length)} of ${num(p.sample_matches)}${
                    p.looked_through < p.members ? ` among the first ${num(p.looked_through)} of ${num(p.members)} members` : ""
                  }`}
            </span>
            <button
              type="button"
              class="secondary"
              disabled={p.sample_offset + 3 >= p.sample_matches}
              onClick={() => setAt({ ...at, offset: p.sample_offset + 3 })}
            >
              Next
            </button>
          </div>
          <ul class="samples">
            {p.sample.map((s) => (
              <li key={s.phone} class="sample">
                <span class="to">
                  {s.name ?? "(no name)"} · {s.phone}
                  {s.fields
                    ? ` · ${Object.entries(s.fields)
                        .map(([k, v]) => `${k}: ${v}`)
                        .join(", ")}`
                    : ""}
                  {s.fallbacks ? <strong class="fallback"> · fallback used</strong> : null}
                </span>
                <span class="bubble">{s.text ?? ""}</span>
                {s.media_url ? <span class="muted"> + media {s.media_url}</span> : null}
              </li>
            ))}
          </ul>
          <p class={p.fallback_count ? "warnings" : "muted"} data-testid="fallbacks">
            {p.fallback_count
              ? `${num(p.fallback_count)} recipient${p.fallback_count === 1 ? " gets" : "s get"} a fallback or a blank placeholder${
                  p.looked_through < p.members ? ` (among the first ${num(p.looked_through)} members)` : ""
                }.`
              : p.looked_through < p.members
                ? `Every placeholder has a value for the first ${num(p.looked_through)} members.`
                : "Every placeholder has a value for every recipient."}
          </p>
          {p.fields.length ? <p class="muted">Fields you can use: {p.fields.map((f) => `{{fields.${f}}}`).join(" ")}</p> : null}
          <p>
            {num(p.recipients)} recipients ({num(p.opted_out)} opted out) · uses {num(p.quota.would_use)} of{" "}
            {p.quota.remaining === null ? "unlimited" : num(p.quota.remaining)} messages left this month
          </p>
          <p>
            Estimated finish: <strong class="eta">{when(p.estimated_finish_at)}</strong> (about {num(Math.round(p.pacing.per_message_seconds))} s a message)
          </p>
          {p.blocked_by.length ? (
            <ul class="error">
              {p.blocked_by.map((b) => (
                <li key={b.code}>{b.message}</li>
              ))}
            </ul>
          ) : null}
        </>
      )}
    </section>
  );
};
