import { useEffect, useState } from "preact/hooks";
import { api, followProgress, ok, type Progress, type Schema } from "../api";
import { Link } from "../router";
import { Action, ActionFeedback, ErrorText, Loading, NextPage, num, Page, StatusBadge, StatusFilter, TableWrap, useLoad, when } from "../ui";
import { DelayedAction } from "../undo";

type Job = Schema<"BulkSend">;
type Recipient = Schema<"Recipient">;
const RECIPIENT_STATUSES = ["pending", "sent", "delivered", "read", "failed", "skipped", "cancelled", "unknown"] as const;
/** The filter's choices: the API's statuses, and who replied (read from the same list). */
const FILTERS = [...RECIPIENT_STATUSES, "replied"] as const;
const FINAL = new Set(["completed", "cancelled", "failed"]);

/** The job's counters as the progress stream carries them (the job itself before the first event). */
const countsOf = (j: Job): Progress => ({
  job_id: j.id,
  status: j.status,
  total: j.total_recipients,
  sent: j.sent_count,
  delivered: j.delivered_count,
  read: j.read_count,
  failed: j.failed_count,
  skipped: j.skipped_count,
  pending: j.pending_count,
  cancelled: j.cancelled_count,
  unknown: j.unknown_count,
  replied: j.replied_count,
  reply_rate: j.reply_rate,
  estimated_finish_at: j.estimated_finish_at,
  next_send_at: j.next_send_at,
  waiting_reason: j.waiting_reason,
});

const Recipients = ({ id, version }: { id: string; version: number }) => {
  const [status, setStatus] = useState<(typeof FILTERS)[number] | "">("");
  const [cursor, setCursor] = useState<string>();
  const list = useLoad(async () => {
    const query = { limit: status === "replied" ? 200 : 50, cursor, ...(status && status !== "replied" ? { status } : {}) };
    const page = (await ok(api().GET("/bulk-send/{id}/recipients", { params: { path: { id }, query } }))) as {
      recipients: Recipient[];
      next_cursor: string | null;
    };
    return status === "replied" ? { ...page, recipients: page.recipients.filter((r) => r.replied_at) } : page;
  }, [id, status, cursor, version]);
  return (
    <section aria-labelledby="recipients-h">
      <h2 id="recipients-h">Recipients</h2>
      <StatusFilter
        label="Show recipients with status"
        value={status}
        statuses={FILTERS}
        onChange={(s) => {
          setStatus(s);
          setCursor(undefined);
        }}
      />
      <ErrorText error={list.error} />
      {!list.data ? (
        <Loading what="recipients" />
      ) : (
        <TableWrap label="Recipients">
          <caption>Recipients{status ? ` (${status})` : ""}</caption>
          <thead>
            <tr>
              <th scope="col">Phone</th>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Sent</th>
              <th scope="col">Error</th>
              <th scope="col">Reply</th>
            </tr>
          </thead>
          <tbody>
            {list.data.recipients.map((r) => (
              <tr key={r.phone}>
                <td>{r.phone}</td>
                <td>{r.name ?? ""}</td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{when(r.sent_at)}</td>
                <td>{r.error ?? ""}</td>
                <td>{r.replied_at ? <Link to={`/inbox?phone=${encodeURIComponent(r.phone)}`}>replied {when(r.replied_at)}</Link> : ""}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <NextPage cursor={list.data?.next_cursor} onNext={setCursor} />
    </section>
  );
};

/** A share as people read it: one decimal, the same rounding everywhere (12.5 % stays 12.5 %). */
export const pctOf = (part: number, whole: number) => (whole > 0 ? `${(Math.round((part / whole) * 1000) / 10).toLocaleString("en-US")} %` : "–");

const COUNTERS: [keyof Progress, string][] = [
  ["sent", "Sent"],
  ["delivered", "Delivered"],
  ["read", "Read"],
  ["failed", "Failed"],
  ["skipped", "Skipped"],
  ["replied", "Replied"],
  ["pending", "Pending"],
  ["cancelled", "Cancelled"],
];

export const Job = ({ params }: { params: Record<string, string> }) => {
  const id = params.id!;
  const job = useLoad(async () => (await ok(api().GET("/bulk-send/{id}", { params: { path: { id } } }))) as Job, [id]);
  const [live, setLive] = useState<Progress>();
  const [streamError, setStreamError] = useState<unknown>();
  const [version, setVersion] = useState(0);
  const [rows, setRows] = useState(0);
  // Opt-outs it caused (STOPs that answered it), read again as replies and recipients move.
  const optedOut = useLoad(
    async () => ((await ok(api().GET("/bulk-send/{id}", { params: { path: { id } } }))) as Job).opted_out_count,
    [id, live?.replied, Math.floor(rows / 5)],
  );
  // Follows the progress stream while the job is not final; a pause/resume/retry starts it again.
  const status = live?.status ?? job.data?.status;
  useEffect(() => {
    if (!status || FINAL.has(status)) return;
    const ctl = new AbortController();
    followProgress(
      id,
      (p) => {
        setLive((old) => {
          // The recipients table follows the counters: a change in them reloads it.
          if (old && (old.sent !== p.sent || old.delivered !== p.delivered || old.read !== p.read || old.failed !== p.failed || old.replied !== p.replied))
            setRows((r) => r + 1);
          return p;
        });
        if (FINAL.has(p.status)) {
          void job.reload();
          setVersion((v) => v + 1);
        }
      },
      ctl.signal,
    ).catch(setStreamError);
    return () => ctl.abort();
  }, [id, status === undefined || FINAL.has(status), version]);

  // Receipts (delivered, read) keep arriving after the last send: a final job is read again for a minute.
  const finalNow = status !== undefined && FINAL.has(status);
  useEffect(() => {
    if (!finalNow) return;
    let n = 0;
    const t = setInterval(() => {
      if (++n > 20) clearInterval(t);
      void job.reload();
      setRows((r) => r + 1);
    }, 3000);
    return () => clearInterval(t);
  }, [finalNow, job.reload]);

  if (!job.data) return <Page title="Bulk send">{job.error ? <ErrorText error={job.error} /> : <Loading what="the bulk send" />}</Page>;
  const p = live && !FINAL.has(live.status) ? live : countsOf(job.data);
  const done = p.total - p.pending;
  const pct = p.total === 0 ? 100 : Math.floor((done / p.total) * 100);
  const act = (path: "pause" | "resume" | "cancel" | "retry-failed") => async () => {
    const j = (await ok(api().POST(`/bulk-send/{id}/${path}`, { params: { path: { id } } }))) as Job;
    setLive(countsOf(j));
    await job.reload();
    setVersion((v) => v + 1);
  };
  return (
    <Page title={job.data.name ?? "Bulk send"}>
      <p>
        <StatusBadge status={p.status} /> {job.data.pause_reason ? <span>paused by {job.data.pause_reason}</span> : null}{" "}
        <small>
          {id} · created {when(job.data.created_at)}
        </small>
      </p>
      {job.data.pause_detail ? (
        <p role="status">
          {job.data.pause_detail}
          {job.data.restricted_until ? ` Restricted until ${when(job.data.restricted_until)}.` : ""}
        </p>
      ) : null}
      {job.data.message_content ? <blockquote class="bubble">{job.data.message_content}</blockquote> : null}
      <div class="progress-line">
        <progress id="job-progress" max={Math.max(1, p.total)} value={p.total === 0 ? 1 : done} aria-label="Sending progress" aria-valuetext={`${pct} %`} />
        <span class="pct" aria-hidden="true">
          {pct} %
        </span>
      </div>
      <dl class="counters">
        {COUNTERS.map(([k, label]) => (
          <div key={k} data-counter={k}>
            <dt>{label}</dt>
            <dd>{num(p[k] as number)}</dd>
          </div>
        ))}
        <div data-counter="total">
          <dt>Total</dt>
          <dd>{num(p.total)}</dd>
        </div>
        <div data-rate="reply">
          <dt>Reply rate</dt>
          <dd>{pctOf(p.replied, p.sent)}</dd>
        </div>
        <div data-counter-extra="opted_out">
          <dt>Opted out (STOP)</dt>
          <dd>
            {optedOut.data ? (
              <Link to={`/usage?bulk_send_id=${encodeURIComponent(id)}`} aria-label={`${num(optedOut.data)} opted out: show them`}>
                {num(optedOut.data)}
              </Link>
            ) : (
              num(optedOut.data ?? job.data?.opted_out_count ?? 0)
            )}
          </dd>
        </div>
      </dl>
      {p.waiting_reason ? (
        <p class="muted">
          Waiting ({p.waiting_reason}) until {when(p.next_send_at)}
        </p>
      ) : null}
      {!FINAL.has(p.status) && p.estimated_finish_at ? <p>Estimated finish: {when(p.estimated_finish_at)}</p> : null}
      <ErrorText error={streamError} />
      <div class="actions">
        <ActionFeedback />
        {p.status === "running" || p.status === "pending" ? (
          <Action run={act("pause")} done="Paused.">
            Pause
          </Action>
        ) : null}
        {p.status === "paused" ? (
          <Action run={act("resume")} done="Resumed.">
            Resume
          </Action>
        ) : null}
        {!FINAL.has(p.status) ? (
          <DelayedAction
            class="danger"
            ask={`Cancel this send? The ${num(p.pending)} recipients not reached yet will not get the message; this cannot be resumed.`}
            pending="Cancelling in 5 s…"
            done="Cancelled."
            run={act("cancel")}
          >
            Cancel
          </DelayedAction>
        ) : null}
        {p.failed > 0 ? (
          <Action class="secondary" run={act("retry-failed")} done="Failed recipients are sent again.">
            Retry failed
          </Action>
        ) : null}
      </div>
      <Recipients id={id} version={version * 100_000 + rows} />
    </Page>
  );
};
