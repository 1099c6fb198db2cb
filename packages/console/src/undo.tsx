import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { announce, ErrorText } from "./ui";

/** How long a confirmed action that cannot be reversed waits for "Undo" before it runs. */
export const UNDO_MS = 5000;

/**
 * A button for an action the server cannot reverse (cancel a send, cancel a schedule): it asks first,
 * then waits `UNDO_MS` with an "Undo" button beside the message, then runs. Leaving the page in the
 * meantime runs it at once (it was confirmed).
 */
export const DelayedAction = ({
  ask,
  pending,
  done,
  run,
  children,
  class: cls,
}: {
  ask: string;
  pending: string;
  done: string;
  run: () => Promise<unknown>;
  children: ComponentChildren;
  class?: string;
}) => {
  const [state, setState] = useState<"idle" | "waiting" | "running">("idle");
  const [error, setError] = useState<unknown>();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const latest = useRef(run);
  latest.current = run;
  useEffect(
    () => () => {
      if (timer.current) {
        clearTimeout(timer.current);
        void latest.current().catch(() => {});
      }
    },
    [],
  );
  const go = async () => {
    timer.current = undefined;
    setState("running");
    try {
      await latest.current();
      announce(done, true);
    } catch (e) {
      setError(e);
    } finally {
      setState("idle");
    }
  };
  return (
    <>
      {state === "waiting" ? (
        <span class="undo" role="status">
          {pending}{" "}
          <button
            type="button"
            class="secondary"
            onClick={() => {
              clearTimeout(timer.current);
              timer.current = undefined;
              setState("idle");
              announce("Undone: nothing was changed.", true);
            }}
          >
            Undo
          </button>
        </span>
      ) : (
        <button
          type="button"
          class={cls}
          disabled={state === "running"}
          aria-busy={state === "running"}
          onClick={() => {
            if (!confirm(ask)) return;
            setError(undefined);
            setState("waiting");
            timer.current = setTimeout(() => void go(), UNDO_MS);
          }}
        >
          {children}
        </button>
      )}
      <ErrorText error={error} />
    </>
  );
};

/** "Removed 3 members. Undo": shown after an action that has an inverse, until undone or dismissed. */
export const UndoBar = ({ message, undo, onDone }: { message: string; undo: () => Promise<unknown>; onDone: () => void }) => {
  const [error, setError] = useState<unknown>();
  return (
    <div class="undo" role="status">
      {message}{" "}
      <button
        type="button"
        class="secondary"
        onClick={async () => {
          try {
            await undo();
            announce("Undone.", true);
            onDone();
          } catch (e) {
            setError(e);
          }
        }}
      >
        Undo
      </button>{" "}
      <button type="button" class="link" onClick={onDone}>
        Dismiss
      </button>
      <ErrorText error={error} />
    </div>
  );
};
