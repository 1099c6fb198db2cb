import { useEffect, useRef, useState } from "preact/hooks";
import { api, ok, type Schema } from "../api";
import { ErrorText, num, when } from "../ui";
import { type Preview, summaryOf } from "./compose-preview";

/**
 * The only way a send starts from the console: a modal that says to whom, from which number, at what
 * pace and until when, before any job exists. "Back" (or Escape) creates nothing.
 */
export const ConfirmSend = ({ preview, onSend, onClose }: { preview: Preview; onSend: () => Promise<unknown>; onClose: () => void }) => {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [session, setSession] = useState<Schema<"Session">>();
  useEffect(() => {
    ref.current?.showModal();
    ok(api().GET("/sessions/{id}", { params: { path: { id: preview.session_id } } }))
      .then((s) => setSession(s as Schema<"Session">))
      .catch(() => {});
  }, [preview.session_id]);
  const from = session ? `${session.name}${session.phone ? ` (${session.phone})` : ""}` : preview.session_id;
  const pace = preview.pacing;
  return (
    <dialog ref={ref} class="card once confirm" aria-labelledby="confirm-h" onClose={onClose}>
      <h2 id="confirm-h">
        Send to {num(preview.recipients)} recipient{preview.recipients === 1 ? "" : "s"}?
      </h2>
      <p data-testid="confirm-summary">
        {summaryOf(preview)} from {from}
      </p>
      <ul>
        <li>
          Pace: one message every {num(pace.min_delay_seconds)}–{num(pace.max_delay_seconds)} s
          {pace.effective_min_gap_seconds > pace.min_delay_seconds ? ` (at least ${num(pace.effective_min_gap_seconds)} s on this number)` : ""}
          {pace.daily_limit ? `, at most ${num(pace.daily_limit)} a day` : ""}.
        </li>
        <li>
          Starts {when(preview.starts_at)}; estimated finish {when(preview.estimated_finish_at)}.
        </li>
        <li>
          Uses {num(preview.quota.would_use)} of {preview.quota.remaining === null ? "unlimited" : num(preview.quota.remaining)} messages left this month.
        </li>
        {preview.fallback_count ? <li class="warnings">{num(preview.fallback_count)} get a fallback or a blank placeholder.</li> : null}
      </ul>
      {preview.blocked_by.length ? (
        <ul class="error">
          {preview.blocked_by.map((b) => (
            <li key={b.code}>{b.message}</li>
          ))}
        </ul>
      ) : null}
      <ErrorText error={error} />
      <div class="row">
        <button
          type="button"
          disabled={busy || !preview.can_send}
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            try {
              await onSend();
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          Send now
        </button>
        <button type="button" class="secondary" onClick={() => ref.current?.close()}>
          Back
        </button>
      </div>
    </dialog>
  );
};
