import { sseData } from "@outreach/client";
import { useEffect, useState } from "preact/hooks";
import { ApiError, raw, type Schema } from "./api";

export type InboxPulse = Schema<"InboxPulse">;

/** The latest word from the inbox's changes stream, shared by the menu's count and the inbox page. */
let current: InboxPulse | undefined;
const listeners = new Set<(p: InboxPulse | undefined) => void>();

/**
 * Follows `GET /conversations/changes` while signed in: the server sends an event when a conversation
 * has new activity or the unanswered count moves; a stream ends after 5 minutes and is opened again
 * (with a backoff after errors). A key without `messages:read` gets 403: then nothing is followed.
 */
export const followInbox = async (signal: AbortSignal) => {
  // A new sign-in (perhaps another account's key) shows nothing until its own first event.
  current = undefined;
  for (const l of listeners) l(undefined);
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      const res = await raw("/conversations/changes", { headers: { Accept: "text/event-stream" }, signal });
      for await (const p of sseData<InboxPulse>(res.body as ReadableStream<Uint8Array>)) {
        attempt = 0;
        current = p;
        for (const l of listeners) l(p);
      }
    } catch (e) {
      if (signal.aborted) return;
      if (e instanceof ApiError && e.status !== 429 && e.status < 500) return;
    }
    await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** Math.min(attempt, 4))));
  }
};

/** The inbox as the changes stream last described it (undefined until its first event). */
export const useInboxPulse = () => {
  const [p, setP] = useState(current);
  useEffect(() => {
    listeners.add(setP);
    if (current) setP(current);
    return () => {
      listeners.delete(setP);
    };
  }, []);
  return p;
};
