import { type ComponentChildren, cloneElement, isValidElement, type JSX, type VNode } from "preact";
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "./api";

/** Loads data for a page; `reload` runs it again. Errors are kept to be shown, never thrown. */
export const useLoad = <T,>(load: () => Promise<T>, deps: unknown[] = []) => {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await load();
      if (mine === seq.current) setState({ data, loading: false });
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ data: s.data, error, loading: false }));
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { ...state, reload };
};

/** Runs `fn` after `value` stopped changing for `ms`. */
export const useDebounced = <T,>(value: T, ms = 400) => {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
};

export const messageOf = (e: unknown) => (e instanceof ApiError ? `${e.message} (${e.code})` : e instanceof Error ? e.message : String(e));

export const ErrorText = ({ error }: { error: unknown }) =>
  error ? (
    <p class="error" role="alert">
      {messageOf(error)}
    </p>
  ) : null;

let announcer: ((m: string) => void) | undefined;
let nearby: ((m: string) => void) | undefined;
/**
 * Says something in the page's live region (screen readers hear it; everyone sees it). With `near`,
 * it is also shown in the page's `ActionFeedback` (beside the buttons, where the eye is).
 */
export const announce = (m: string, near = false) => {
  announcer?.(m);
  if (near) nearby?.(m);
};

/** Where an action's outcome shows next to its buttons (the live region at the top may be off-screen). */
export const ActionFeedback = () => {
  const [msg, setMsg] = useState("");
  useEffect(() => {
    nearby = setMsg;
    return () => {
      nearby = undefined;
    };
  }, []);
  return msg ? (
    <span class="feedback" data-testid="action-feedback">
      {msg}
    </span>
  ) : null;
};

export const LiveRegion = () => {
  const [msg, setMsg] = useState("");
  useEffect(() => {
    announcer = setMsg;
    return () => {
      announcer = undefined;
    };
  }, []);
  return (
    <p class="live" role="status" aria-live="polite">
      {msg}
    </p>
  );
};

/** A page's heading (focused after navigation, so keyboard and screen-reader users land on it). */
export const Page = ({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) => {
  const h = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Outreach console`;
    h.current?.focus();
  }, [title]);
  return (
    <>
      <div class="page-head">
        <h1 ref={h} tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div class="actions">{actions}</div> : null}
      </div>
      {children}
    </>
  );
};

/** A button running an async action: disabled while it runs, its error shown beside it. */
export const Action = ({
  run,
  children,
  done,
  ...rest
}: { run: () => Promise<unknown>; children: ComponentChildren; done?: string } & Omit<JSX.ButtonHTMLAttributes<HTMLButtonElement>, "onClick">) => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <>
      <button
        type="button"
        {...rest}
        disabled={busy || Boolean(rest.disabled)}
        aria-busy={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await run();
            if (done) announce(done, true);
          } catch (e) {
            setError(e);
            announce(messageOf(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        {children}
      </button>
      {error ? (
        <span class="error inline" role="alert">
          {messageOf(error)}
        </span>
      ) : null}
    </>
  );
};

/** A form whose submit runs an async action; its error is shown under it. */
export const Form = ({
  onSubmit,
  children,
  label,
  class: cls,
}: {
  onSubmit: () => Promise<unknown>;
  children: ComponentChildren;
  label: string;
  class?: string;
}) => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <form
      class={cls ?? "card"}
      aria-label={label}
      aria-busy={busy}
      onSubmit={async (e) => {
        e.preventDefault();
        if (busy) return;
        setBusy(true);
        setError(undefined);
        try {
          await onSubmit();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      {children}
      <ErrorText error={error} />
    </form>
  );
};

/** A labelled control: the label names only the control (`for`/`id`), the hint describes it. */
export const Field = ({ label, children, hint }: { label: string; children: VNode<any>; hint?: string }) => {
  const id = useId();
  const control = isValidElement(children) ? cloneElement(children, { id, "aria-describedby": hint ? `${id}-hint` : undefined }) : children;
  return (
    <div class="field">
      <label class="label" for={id}>
        {label}
      </label>
      {control}
      {hint ? <small id={`${id}-hint`}>{hint}</small> : null}
    </div>
  );
};

/**
 * A table; below ~600 px its rows become stacked cards, each cell labelled with its column's heading
 * (copied into `data-label` after each render), so no column or action is cut off. Focusable, so the
 * keyboard can scroll it where it is still wide.
 */
export const TableWrap = ({ label, children }: { label: string; children: ComponentChildren }) => {
  const ref = useRef<HTMLTableElement>(null);
  useLayoutEffect(() => {
    const t = ref.current;
    if (!t) return;
    const heads = [...t.querySelectorAll("thead th")].map((th) => th.textContent?.trim() ?? "");
    for (const row of t.querySelectorAll("tbody tr"))
      [...row.children].forEach((cell, i) => {
        if (heads[i]) cell.setAttribute("data-label", heads[i] as string);
      });
  });
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <section class="table-wrap" aria-label={label} tabIndex={0}>
      <table ref={ref} class="cards">
        {children}
      </table>
    </section>
  );
};

export const Loading = ({ what }: { what: string }) => <p class="muted">Loading {what}…</p>;

/** The "Next page" button of a list, shown while the server says there is more. */
export const NextPage = ({ cursor, onNext }: { cursor: string | null | undefined; onNext: (cursor: string) => void }) =>
  cursor ? (
    <button type="button" class="secondary" onClick={() => onNext(cursor)}>
      Next page
    </button>
  ) : null;

export const num = (n: number | null | undefined) => (n === null || n === undefined ? "–" : n.toLocaleString("en-US"));

/** An instant in the viewer's zone, or in `zone` (with the zone's name shown). */
export const when = (iso: string | null | undefined, zone?: string) => {
  if (!iso) return "–";
  try {
    return new Intl.DateTimeFormat(undefined, {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone: zone,
      timeZoneName: zone ? "short" : undefined,
    }).format(new Date(iso));
  } catch {
    return iso;
  }
};

/**
 * A nearby instant, short and with its weekday: "21:54" today (unless `always`), "Mon, Dec 7, 09:00"
 * otherwise (24 h, in the viewer's zone or in `zone`).
 */
export const day = (iso: string | null | undefined, zone?: string, always = false) => {
  if (!iso) return "–";
  try {
    const d = new Date(iso);
    const time = new Intl.DateTimeFormat("en-US", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone }).format(d);
    const date = (x: Date) => new Intl.DateTimeFormat("en-US", { weekday: "short", month: "short", day: "numeric", timeZone: zone }).format(x);
    return !always && date(d) === date(new Date()) ? time : `${date(d)}, ${time}`;
  } catch {
    return iso;
  }
};

export const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export const StatusBadge = ({ status }: { status: string }) => <span class={`badge s-${status}`}>{status}</span>;

/** A list's filter by status: "all" (the empty value) or one of `statuses`; choosing one goes back to the first page. */
export const StatusFilter = <S extends string>({
  label,
  value,
  statuses,
  onChange,
}: {
  label: string;
  value: S | "";
  statuses: readonly S[];
  onChange: (status: S | "") => void;
}) => (
  <Field label={label}>
    <select value={value} onChange={(e) => onChange(e.currentTarget.value as S | "")}>
      <option value="">all</option>
      {statuses.map((s) => (
        <option key={s}>{s}</option>
      ))}
    </select>
  </Field>
);
