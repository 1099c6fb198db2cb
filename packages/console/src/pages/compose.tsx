import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { navigate } from "../router";
import { ErrorText, Field, Form, num, Page, useLoad } from "../ui";
import { type Preview, PreviewPanel, type SampleAt, summaryOf, usePreview } from "./compose-preview";
import { ConfirmSend } from "./confirm-send";

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
          {/* Keyed on the options arriving: a value set before its option exists (an edited schedule) is applied again. */}
          <select key={options.data ? "loaded" : "loading"} value={draft.session_id} onChange={field("session_id")} required>
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
          <select key={options.data ? "loaded" : "loading"} value={draft.custom_group_id} onChange={field("custom_group_id")} required>
            <option value="">Choose a group</option>
            {options.data?.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name} ({num(g.member_count)})
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field
        label="Message"
        hint="{{name}}, {{first_name}}, {{phone}} and a CSV column as {{fields.city}} are replaced per contact; {{first_name|there}} gives a fallback."
      >
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

export const Compose = () => {
  const [draft, setDraft] = useState<MessageDraft>(() => {
    const group = new URLSearchParams(location.search).get("group");
    return { ...emptyDraft(), custom_group_id: group ?? "" };
  });
  const [name, setName] = useState("");
  const [at, setAt] = useState<SampleAt>({ query: "", offset: 0 });
  // One idempotency key per confirmation: a retried "Send now" (a lost answer) never makes a second job.
  const [confirming, setConfirming] = useState<{ preview: Preview; key: string }>();
  const state = usePreview(draft, at);
  const body = () => ({ ...draftBody(draft), ...(name.trim() ? { name: name.trim() } : {}) });
  return (
    <Page title="New bulk send">
      <div class="split">
        <Form
          label="Compose a bulk send"
          onSubmit={async () => {
            if (!draft.message_content && !draft.media_url) throw new Error("Write a message or give a media URL.");
            // What the confirmation shows is asked for now, not taken from a preview that may be stale.
            const preview = (await ok(api().POST("/bulk-send/preview", { body: body() }))) as Preview;
            setConfirming({ preview, key: [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("") });
          }}
        >
          <Field label="Campaign name (optional)" hint="Shown in lists, on the campaign's page and on report charts.">
            <input maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <DraftFields draft={draft} set={setDraft} />
          {state.preview ? (
            <p class="send-summary" data-testid="send-summary">
              {summaryOf(state.preview)}
            </p>
          ) : null}
          <button type="submit">Start sending…</button>
        </Form>
        <PreviewPanel state={state} at={at} setAt={setAt} />
      </div>
      {confirming ? (
        <ConfirmSend
          preview={confirming.preview}
          onClose={() => setConfirming(undefined)}
          onSend={async () => {
            const job = (await ok(api().POST("/bulk-send", { body: body(), headers: { "Idempotency-Key": confirming.key } }))) as Schema<"BulkSend">;
            navigate(`/sends/${job.id}`);
          }}
        />
      ) : null}
    </Page>
  );
};
