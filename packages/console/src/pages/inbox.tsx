import { useEffect, useRef, useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { useInboxPulse } from "../pulse";
import { Link } from "../router";
import { ErrorText, Field, Form, Loading, Page, useLoad, when } from "../ui";
import { useCampaignLabels } from "./campaign-names";

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
                {m.job_id ? (
                  <>
                    {" · "}
                    <Link to={`/sends/${m.job_id}`}>campaign</Link>
                  </>
                ) : null}
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
  // `?phone=` (a campaign's "replied" link) opens that contact's thread among all conversations.
  const wanted = new URLSearchParams(location.search).get("phone");
  const [status, setStatus] = useState<"unanswered" | "answered" | "all">(wanted ? "all" : "unanswered");
  const list = useLoad(
    async () => (await ok(api().GET("/conversations", { params: { query: { status, limit: 100 } } }))) as { conversations: Conversation[] },
    [status],
  );
  const [open, setOpen] = useState<Conversation>();
  // Answered here: out of "unanswered" at once, before the server has sent the reply.
  const [answered, setAnswered] = useState<Set<string>>(new Set());
  // Read again whenever the changes stream says a conversation moved or the unanswered count changed.
  const pulse = useInboxPulse();
  const seen = useRef<string>();
  useEffect(() => {
    const mark = pulse ? `${pulse.latest_activity_at}|${pulse.unanswered}` : undefined;
    if (mark && seen.current !== undefined && mark !== seen.current) void list.reload();
    if (mark) seen.current = mark;
  }, [pulse, list.reload]);
  useEffect(() => {
    if (wanted && !open) {
      const c = list.data?.conversations.find((x) => x.phone === wanted);
      if (c) setOpen(c);
    }
  }, [list.data]);
  // Campaign names for the labels (a key without bulk-send:read shows none).
  const campaigns = useCampaignLabels((list.data?.conversations ?? []).map((c) => c.campaign_id));
  const shown = (list.data?.conversations ?? []).filter((c) => status !== "unanswered" || !answered.has(`${c.session_id} ${c.phone}`));
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
        ) : shown.length === 0 ? (
          <p>No {status === "all" ? "" : `${status} `}conversations.</p>
        ) : (
          <ul class="conversations" aria-label="Conversations">
            {shown.map((c) => (
              <li key={`${c.session_id} ${c.phone}`}>
                <button
                  type="button"
                  class="conversation"
                  aria-pressed={open?.phone === c.phone && open.session_id === c.session_id}
                  onClick={() => setOpen(c)}
                >
                  <strong>
                    {c.name ?? c.phone}
                    {c.opted_out ? <span class="badge s-failed"> opted out</span> : null}
                  </strong>
                  <span class="muted">{c.last_text ?? ""}</span>
                  {c.campaign_id && campaigns.data?.get(c.campaign_id) ? (
                    <small class="campaign-label">campaign: {campaigns.data.get(c.campaign_id)}</small>
                  ) : null}
                  <small>{when(c.last_inbound_at ?? c.last_outbound_at)}</small>
                </button>
              </li>
            ))}
          </ul>
        )}
        {open ? (
          <Thread
            key={`${open.session_id} ${open.phone}`}
            c={open}
            onSent={() => {
              setAnswered(new Set([...answered, `${open.session_id} ${open.phone}`]));
              void list.reload();
            }}
          />
        ) : null}
      </div>
    </Page>
  );
};
