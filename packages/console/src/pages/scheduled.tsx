import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { Link } from "../router";
import { emptyTiming, NextRuns, type TimingDraft, TimingFields, timingBody } from "../timing";
import { Action, ErrorText, Field, Form, Loading, Page, StatusBadge, TableWrap, useLoad, viewerZone, when } from "../ui";
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

const Create = ({ onCreated }: { onCreated: () => void }) => {
  const [name, setName] = useState("");
  const [draft, setDraft] = useState<MessageDraft>(emptyDraft);
  const [timing, setTiming] = useState<TimingDraft>(emptyTiming);
  return (
    <Form
      label="New scheduled message"
      onSubmit={async () => {
        await ok(api().POST("/scheduled-messages", { body: { name, ...draftBody(draft), ...timingBody(timing) } as never }));
        setName("");
        onCreated();
      }}
    >
      <h2>New scheduled message</h2>
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
                  <td>
                    {s.schedule_type.replace("_", " ")}
                    {s.cron_expression ? <code class="block">{s.cron_expression}</code> : s.time_of_day ? ` at ${s.time_of_day}` : ""}
                  </td>
                  <td>{when(s.next_run_at, s.timezone)}</td>
                  <td>{when(s.next_run_at, mine)}</td>
                  <td class="actions">
                    {s.status === "active" ? <Action run={act(s.id, "pause")}>Pause</Action> : null}
                    {s.status === "paused" ? <Action run={act(s.id, "resume")}>Resume</Action> : null}
                    {s.status === "active" || s.status === "paused" ? (
                      <Action class="danger" run={act(s.id, "cancel")}>
                        Cancel
                      </Action>
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
                  </td>
                </tr>
                {open === s.id ? (
                  <tr>
                    <td colSpan={6}>
                      <History id={s.id} />
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
