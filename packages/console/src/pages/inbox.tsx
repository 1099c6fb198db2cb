import { useEffect, useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { ErrorText, Field, Form, Loading, Page, useLoad, when } from "../ui";

type Conversation = Schema<"Conversation">;

const Thread = ({ c, onSent }: { c: Conversation; onSent: () => void }) => {
  const thread = useLoad(
    async () =>
      (await ok(
        api().GET("/conversations/{phone}/messages", { params: { path: { phone: c.phone }, query: { session_id: c.session_id, order: "asc", limit: 100 } } }),
      )) as { messages: Schema<"ConversationMessage">[] },
    [c.phone, c.session_id],
  );
  const [text, setText] = useState("");
  const [queued, setQueued] = useState<string>();
  // A reply is queued, then sent through the session's lane: the thread is read again until it shows.
  useEffect(() => {
    if (!queued) return;
    let n = 0;
    const t = setInterval(() => {
      if (++n > 15) {
        clearInterval(t);
        setQueued(undefined);
      }
      void thread.reload();
    }, 2000);
    return () => clearInterval(t);
  }, [queued, thread.reload]);
  useEffect(() => {
    if (queued && thread.data?.messages.some((m) => m.message_id === queued)) setQueued(undefined);
  }, [queued, thread.data]);
  return (
    <section class="thread" aria-label={`Conversation with ${c.name ?? c.phone}`}>
      <h2>
        {c.name ?? c.phone} <small>{c.phone}</small>
      </h2>
      <ErrorText error={thread.error} />
      {!thread.data ? (
        <Loading what="messages" />
      ) : (
        <ol class="messages">
          {thread.data.messages.map((m) => (
            <li key={m.id} class={m.direction}>
              <span class="bubble">{m.text ?? (m.media_type ? `(${m.media_type})` : "")}</span>
              <small>
                {when(m.timestamp)}
                {m.status ? ` · ${m.status}` : ""}
              </small>
            </li>
          ))}
        </ol>
      )}
      {c.opted_out ? (
        <p class="muted">This contact opted out: no message can be sent to them.</p>
      ) : (
        <Form
          class="reply"
          label="Reply"
          onSubmit={async () => {
            const m = await ok(api().POST("/messages/send", { body: { session_id: c.session_id, phone: c.phone, message: text } }));
            setText("");
            setQueued((m as { id: string }).id);
            onSent();
          }}
        >
          <Field label="Your reply">
            <textarea rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} required maxLength={4096} />
          </Field>
          <button type="submit">Send reply</button>
          {queued ? <span class="muted"> Queued; it shows here once sent.</span> : null}
        </Form>
      )}
    </section>
  );
};

export const Inbox = () => {
  const [status, setStatus] = useState<"unanswered" | "answered" | "all">("unanswered");
  const list = useLoad(
    async () => (await ok(api().GET("/conversations", { params: { query: { status, limit: 100 } } }))) as { conversations: Conversation[] },
    [status],
  );
  const [open, setOpen] = useState<Conversation>();
  return (
    <Page title="Inbox">
      <Field label="Show">
        <select value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
          <option value="unanswered">unanswered</option>
          <option value="answered">answered</option>
          <option value="all">all</option>
        </select>
      </Field>
      <ErrorText error={list.error} />
      <div class="split">
        {!list.data ? (
          <Loading what="conversations" />
        ) : list.data.conversations.length === 0 ? (
          <p>No {status === "all" ? "" : `${status} `}conversations.</p>
        ) : (
          <ul class="conversations" aria-label="Conversations">
            {list.data.conversations.map((c) => (
              <li key={`${c.session_id} ${c.phone}`}>
                <button
                  type="button"
                  class="conversation"
                  aria-pressed={open?.phone === c.phone && open.session_id === c.session_id}
                  onClick={() => setOpen(c)}
                >
                  <strong>{c.name ?? c.phone}</strong>
                  <span class="muted">{c.last_text ?? ""}</span>
                  <small>{when(c.last_inbound_at ?? c.last_outbound_at)}</small>
                </button>
              </li>
            ))}
          </ul>
        )}
        {open ? <Thread key={`${open.session_id} ${open.phone}`} c={open} onSent={() => void list.reload()} /> : null}
      </div>
    </Page>
  );
};
