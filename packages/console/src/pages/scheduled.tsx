import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Link } from "../router";
import { describeTiming, emptyTiming, NextRuns, type TimingDraft, TimingFields, timingBody } from "../timing";
import { Action, ErrorText, Field, Form, Loading, Page, StatusBadge, TableWrap, useLoad, viewerZone, when } from "../ui";
import { DelayedAction } from "../undo";
import { DraftFields, draftBody, emptyDraft, type MessageDraft } from "./compose";

type Scheduled = Schema<"ScheduledMessage">;

const History = ({ id }: { id: string }) => {
  const h = useLoad(
    async () =>
      (await ok(api().GET("/scheduled-messages/{id}/history", { params: { path: { id }, query: { limit: 20 } } }))) as { executions: Schema<"ScheduleRun">[] },
    [id],
  );
  if (!h.data) return h.error ? <ErrorText error={h.error} /> : <Loading what="history" />;
  if (h.data.executions.length === 0) return <p class="muted">No runs yet.</p>;
  return (
    <ul class="history">
      {h.data.executions.map((e) => (
        <li key={e.run_at}>
          {when(e.run_at)} · <StatusBadge status={e.status} />
          {e.bulk_send_id ? (
            <>
              {" "}
              · <Link to={`/sends/${e.bulk_send_id}`}>its bulk send</Link>
            </>
          ) : null}
          {e.error ? ` · ${e.error}` : ""}
        </li>
      ))}
    </ul>
  );
};

const text = (n: number | null | undefined, fallback: string) => (n === null || n === undefined ? fallback : String(n));

/** A saved schedule as the form's drafts (for editing it in place). */
const draftsOf = (s: Scheduled): { draft: MessageDraft; timing: TimingDraft } => ({
  draft: {
    session_id: s.session_id,
    custom_group_id: s.custom_group_id,
    message_content: s.message_content ?? "",
    media_url: s.media_url ?? "",
    min_delay_seconds: text(s.min_delay_seconds, "30"),
    max_delay_seconds: text(s.max_delay_seconds, "120"),
    daily_limit: text(s.daily_limit, ""),
  },
  timing: {
    ...emptyTiming(),
    schedule_type: s.schedule_type,
    timezone: s.timezone,
    scheduled_time: s.scheduled_time ? s.scheduled_time.slice(0, 16) : "",
    time_of_day: s.time_of_day ?? "09:00",
    days_of_week: s.days_of_week ?? ["mon"],
    day_of_month: text(s.day_of_month, "1"),
    cron_expression: s.cron_expression ?? emptyTiming().cron_expression,
  },
});

/** The form of a new schedule, or of `editing` (saved with PATCH, in place in its row). */
const Create = ({ onCreated, editing }: { onCreated: () => void; editing?: Scheduled }) => {
  const initial = editing ? draftsOf(editing) : undefined;
  const [name, setName] = useState(editing?.name ?? "");
  const [draft, setDraft] = useState<MessageDraft>(initial?.draft ?? emptyDraft);
  const [timing, setTiming] = useState<TimingDraft>(initial?.timing ?? emptyTiming);
  return (
    <Form
      label={editing ? `Edit ${editing.name}` : "New scheduled message"}
      onSubmit={async () => {
        const body = { name, ...draftBody(draft), ...timingBody(timing) } as never;
        if (editing) await ok(api().PATCH("/scheduled-messages/{id}", { params: { path: { id: editing.id } }, body }));
        else await ok(api().POST("/scheduled-messages", { body }));
        setName("");
        onCreated();
      }}
    >
      <h2>{editing ? `Edit “${editing.name}”` : "New scheduled message"}</h2>
      <Field label="Name">
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={255} />
      </Field>
      <DraftFields draft={draft} set={setDraft} />
      <TimingFields t={timing} set={setTiming} />
      <NextRuns t={timing} />
      <button type="submit">Save schedule</button>
    </Form>
  );
};

export const Scheduled = () => {
  const list = useLoad(async () => (await ok(api().GET("/scheduled-messages", { params: { query: { limit: 100 } } }))) as { messages: Scheduled[] });
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string>();
  const [editing, setEditing] = useState<string>();
  const mine = viewerZone();
  const act = (id: string, what: "pause" | "resume" | "cancel") => async () => {
    await ok(api().POST(`/scheduled-messages/{id}/${what}`, { params: { path: { id } } }));
    await list.reload();
  };
  return (
    <Page
      title="Scheduled messages"
      actions={
        <button type="button" aria-expanded={creating} onClick={() => setCreating(!creating)}>
          {creating ? "Close" : "New scheduled message"}
        </button>
      }
    >
      {creating ? (
        <Create
          onCreated={() => {
            setCreating(false);
            void list.reload();
          }}
        />
      ) : null}
      <ErrorText error={list.error} />
      {!list.data ? (
        <Loading what="scheduled messages" />
      ) : list.data.messages.length === 0 ? (
        <p>No scheduled messages yet.</p>
      ) : (
        <TableWrap label="Scheduled messages">
          <caption>Scheduled messages</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Repeats</th>
              <th scope="col">Next run (schedule's zone)</th>
              <th scope="col">Next run (yours)</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data.messages.map((s) => (
              <Fragment key={s.id}>
                <tr>
                  <td>{s.name}</td>
                  <td>
                    <StatusBadge status={s.status} />
                  </td>
                  <td>{describeTiming(s)}</td>
                  <td>{when(s.next_run_at, s.timezone)}</td>
                  <td>{when(s.next_run_at, mine)}</td>
                  <td class="actions">
                    {s.status === "active" ? <Action run={act(s.id, "pause")}>Pause</Action> : null}
                    {s.status === "paused" ? <Action run={act(s.id, "resume")}>Resume</Action> : null}
                    {s.status === "active" || s.status === "paused" ? (
                      <DelayedAction
                        class="danger"
                        ask={`Cancel "${s.name}"? No further runs will happen.`}
                        pending="Cancelling in 5 s…"
                        done="Schedule cancelled."
                        run={act(s.id, "cancel")}
                      >
                        Cancel
                      </DelayedAction>
                    ) : (
                      <Action
                        class="danger"
                        run={async () => {
                          await ok(api().DELETE("/scheduled-messages/{id}", { params: { path: { id: s.id } } }));
                          await list.reload();
                        }}
                      >
                        Delete
                      </Action>
                    )}
                    <button type="button" class="secondary" aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? undefined : s.id)}>
                      History
                    </button>
                    {s.status === "active" || s.status === "paused" ? (
                      <button
                        type="button"
                        class="secondary"
                        aria-expanded={editing === s.id}
                        aria-label={`Edit ${s.name}`}
                        onClick={() => setEditing(editing === s.id ? undefined : s.id)}
                      >
                        Edit
                      </button>
                    ) : null}
                  </td>
                </tr>
                {open === s.id ? (
                  <tr>
                    <td colSpan={6}>
                      <History id={s.id} />
                    </td>
                  </tr>
                ) : null}
                {editing === s.id ? (
                  <tr>
                    <td colSpan={6}>
                      <Create
                        editing={s}
                        onCreated={() => {
                          setEditing(undefined);
                          void list.reload();
                        }}
                      />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </TableWrap>
      )}
    </Page>
  );
};
