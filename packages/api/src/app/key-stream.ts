import { DomainError } from "@outreach/core/error";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import * as z from "../openapi/z";
import { type Env, STREAM_MAX_SECONDS } from "./env";

/** The query of a route that streams or answers one snapshot. */
export const StreamQuery = z.object({ stream: z.enum(["true", "false"]).optional() });

/** Its 200: an event stream, or one JSON snapshot of `schema`. */
export const streamOrSnapshot = <T extends z.ZodTypeAny>(schema: T) => ({
  content: { "text/event-stream": { schema: z.string() }, "application/json": { schema } },
  description: "Event stream, or one snapshot",
});

/** The client asked for the stream: `Accept: text/event-stream` (EventSource, `curl -H`) or `?stream=true`. */
export const wantsStream = (c: Context, stream: string | undefined) =>
  stream === "true" || (c.req.header("accept") ?? "").toLowerCase().includes("text/event-stream");

/** What a stream's step gives: the event's data, and whether it is the last (the stream ends after it). */
export type StreamStep = { data: string; last?: boolean };

/**
 * A Server-Sent Events stream held against its API key: at most `streamsPerKey` open at once (the next
 * gets 429 `rate_limit.streams` with Retry-After), ended at its maximum life (the client reconnects),
 * when the client goes or after a `last` step. `step` runs every `everyMs`; its data is sent when it
 * changed, and every 15 s anyway (a comment-free keep-alive that also proves the state).
 */
export const keyStream = async (c: Context<Env>, step: () => Promise<StreamStep>, everyMs = 1000) => {
  const deps = c.get("deps");
  const key = c.get("apiKey");
  const streamId = deps.ids.next("req");
  const maxMs = (deps.config.streamMaxSeconds ?? STREAM_MAX_SECONDS) * 1000;
  const limit = deps.config.streamsPerKey ?? 5;
  const opened = deps.clock.now();
  if (!(await deps.store.tenants.openStream(key.id, streamId, opened + maxMs, limit, opened))) {
    throw new DomainError(
      "rate_limited",
      "rate_limit.streams",
      `This key already holds ${limit} open streams (progress or conversations); close one or poll without streaming.`,
      { retry_after: 30 },
    );
  }
  return streamSSE(c, async (s) => {
    let last = "";
    let lastAt = 0;
    let aborted = false;
    s.onAbort(() => {
      aborted = true;
    });
    try {
      while (!aborted && deps.clock.now() - opened < maxMs) {
        const next = await step();
        if (next.data !== last || Date.now() - lastAt >= 15_000) {
          await s.writeSSE({ data: next.data });
          last = next.data;
          lastAt = Date.now();
        }
        if (next.last) break;
        await s.sleep(everyMs);
      }
    } finally {
      await deps.store.tenants.closeStream(key.id, streamId).catch(() => {});
    }
  });
};
