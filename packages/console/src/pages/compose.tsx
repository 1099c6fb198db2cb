import { useEffect, useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { navigate } from "../router";
import { ErrorText, Field, Form, num, Page, useDebounced, useLoad, when } from "../ui";

type Preview = Schema<"BulkSendPreview">;

/** The fields a bulk send and a scheduled message share: what to send, to whom, from which number, how fast. */
export interface MessageDraft {
  session_id: string;
  custom_group_id: string;
  message_content: string;
  media_url: string;
  min_delay_seconds: string;
  max_delay_seconds: string;
  daily_limit: string;
}

export const emptyDraft = (): MessageDraft => ({
  session_id: "",
  custom_group_id: "",
  message_content: "",
  media_url: "",
  min_delay_seconds: "30",
  max_delay_seconds: "120",
  daily_limit: "",
});

/** The API body of a draft (empty fields left out). */
export const draftBody = (d: MessageDraft) => ({
  session_id: d.session_id,
  custom_group_id: d.custom_group_id,
  message_type: d.media_url ? ("media" as const) : ("text" as const),
  ...(d.message_content ? { message_content: d.message_content } : {}),
  ...(d.media_url ? { media_url: d.media_url } : {}),
  ...(d.min_delay_seconds !== "" ? { min_delay_seconds: Number(d.min_delay_seconds) } : {}),
  ...(d.max_delay_seconds !== "" ? { max_delay_seconds: Number(d.max_delay_seconds) } : {}),
  ...(d.daily_limit !== "" ? { daily_limit: Number(d.daily_limit) } : {}),
});

/** Session, group, message and pacing fields. */
export const DraftFields = ({ draft, set }: { draft: MessageDraft; set: (d: MessageDraft) => void }) => {
  const options = useLoad(async () => {
    const [sessions, groups] = await Promise.all([ok(api().GET("/sessions")), ok(api().GET("/custom-groups", { params: { query: { limit: 200 } } }))]);
    return { sessions: sessions as Schema<"Session">[], groups: (groups as { groups: Schema<"CustomGroup">[] }).groups };
  });
  const field = (k: keyof MessageDraft) => (e: { currentTarget: { value: string } }) => set({ ...draft, [k]: e.currentTarget.value });
  return (
    <>
      <ErrorText error={options.error} />
      <div class="row">
        <Field label="Session">
          <select value={draft.session_id} onChange={field("session_id")} required>
            <option value="">Choose a session</option>
            {options.data?.sessions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.status}
                {s.phone ? `, ${s.phone}` : ""})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Group">
          <select value={draft.custom_group_id} onChange={field("custom_group_id")} required>
            <option value="">Choose a group</option>
            {options.data?.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name} ({num(g.member_count)})
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="Message" hint="{{name}}, {{phone}} and {{name|there}} (with a fallback) are replaced per contact.">
        <textarea rows={4} maxLength={4096} value={draft.message_content} onInput={field("message_content")} />
      </Field>
      <Field label="Media URL (optional)" hint="http or https; the message becomes its caption.">
        <input type="url" value={draft.media_url} onInput={field("media_url")} />
      </Field>
      <fieldset>
        <legend>Pacing</legend>
        <div class="row">
          <Field label="Minimum delay (s)">
            <input type="number" min={0} max={3600} value={draft.min_delay_seconds} onInput={field("min_delay_seconds")} />
          </Field>
          <Field label="Maximum delay (s)">
            <input type="number" min={0} max={3600} value={draft.max_delay_seconds} onInput={field("max_delay_seconds")} />
          </Field>
          <Field label="Daily limit" hint="empty: none">
            <input type="number" min={1} value={draft.daily_limit} onInput={field("daily_limit")} />
          </Field>
        </div>
      </fieldset>
    </>
  );
};

/** What the server would do with this draft: the first three members' messages, quota, the estimated finish. */
const PreviewPanel = ({ draft }: { draft: MessageDraft }) => {
  const settled = useDebounced(JSON.stringify(draftBody(draft)), 350);
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
  const p = state.preview;
  return (
    <section class="card preview" aria-labelledby="preview-h" aria-live="polite">
      <h2 id="preview-h">Preview</h2>
      <ErrorText error={state.error} />
      {!p ? (
        <p class="muted">Choose a session and a group and write a message to see it as the first three members will.</p>
      ) : (
        <>
          <ul class="samples">
            {p.sample.map((s) => (
              <li key={s.phone} class="sample">
                <span class="to">
                  {s.name ?? "(no name)"} · {s.phone}
                </span>
                <span class="bubble">{s.text ?? ""}</span>
                {s.media_url ? <span class="muted"> + media {s.media_url}</span> : null}
              </li>
            ))}
          </ul>
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

export const Compose = () => {
  const [draft, setDraft] = useState<MessageDraft>(() => {
    const group = new URLSearchParams(location.search).get("group");
    return { ...emptyDraft(), custom_group_id: group ?? "" };
  });
  return (
    <Page title="New bulk send">
      <div class="split">
        <Form
          label="Compose a bulk send"
          onSubmit={async () => {
            if (!draft.message_content && !draft.media_url) throw new Error("Write a message or give a media URL.");
            const job = (await ok(api().POST("/bulk-send", { body: draftBody(draft) }))) as Schema<"BulkSend">;
            navigate(`/sends/${job.id}`);
          }}
        >
          <DraftFields draft={draft} set={setDraft} />
          <button type="submit">Start sending</button>
        </Form>
        <PreviewPanel draft={draft} />
      </div>
    </Page>
  );
};
