import * as z from "zod/mini";
import { JobFinalize, JobPlan, JobSnapshot, Send } from "../job/messages";
import type { OutgoingMessage } from "../port/queue";
import { WebhookDeliver } from "../webhook/messages";

/**
 * Every queue message of the system, defined once beside its noun and collected here. Producers build
 * them with these types (`Queue.send` is typed per queue); every consumer parses with `Message` and
 * dispatches through one handler record (`dispatch`).
 */
export const GroupPurge = z.object({ type: z.literal("group.purge"), tenant_id: z.string(), group_id: z.string() });
export const SessionSync = z.object({ type: z.literal("session.sync"), tenant_id: z.string(), session_id: z.string() });
/** What a deleted session, scheduled message, report, webhook, monitored group or review collector left behind is deleted chunk by chunk (re-queued until done). */
export const Purge = z.object({
  type: z.literal("purge"),
  kind: z.enum(["session", "schedule", "report", "webhook", "monitor", "collector"]),
  tenant_id: z.string(),
  id: z.string(),
});
export const SessionPair = z.object({ type: z.literal("session.pair"), tenant_id: z.string(), session_id: z.string(), phone: z.string() });
export const TimerFire = z.object({
  type: z.literal("timer.fire"),
  kind: z.enum(["schedule", "report"]),
  tenant_id: z.string(),
  id: z.string(),
  run_at: z.string(),
});

export { JobFinalize, JobPlan, JobSnapshot, Send };

export const Message = z.discriminatedUnion("type", [
  JobSnapshot,
  JobPlan,
  JobFinalize,
  Send,
  GroupPurge,
  Purge,
  SessionSync,
  SessionPair,
  TimerFire,
  WebhookDeliver,
]);
export type Message = z.infer<typeof Message>;
export type MessageType = Message["type"];
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

/** What each queue carries. Session control reaches the session host on the sends queue (on AWS the events Lambda relays it). */
export interface QueueMessages {
  events: Exclude<Message, { type: "send" }>;
  sends: MessageOf<"send" | "session.sync" | "session.pair">;
}

export type Outgoing<Q extends keyof QueueMessages> = OutgoingMessage<QueueMessages[Q]>;

export { Deferred, type HandlerContext } from "./port";

import type { HandlerContext } from "./port";

/** One handler per message type; a role supplies the handlers of the messages it takes. */
export type Handlers = { [T in MessageType]: (m: MessageOf<T>, ctx?: HandlerContext) => Promise<unknown> };

/**
 * Parses a received body and runs its handler. A body that is not a known message, or has no handler
 * in this role, is reported to `onDropped` and acknowledged (retrying it would not help).
 */
export const dispatch =
  (handlers: Partial<Handlers>, onDropped: (body: unknown, why: string) => void) =>
  async (raw: unknown, ctx?: HandlerContext): Promise<void> => {
    const parsed = Message.safeParse(raw);
    if (!parsed.success) return onDropped(raw, "not a known message");
    const handler = handlers[parsed.data.type] as ((m: Message, ctx?: HandlerContext) => Promise<unknown>) | undefined;
    if (!handler) return onDropped(raw, `no handler for ${parsed.data.type} here`);
    await handler(parsed.data, ctx);
  };

// The domain's own handlers (`domainHandlers`) are `@outreach/core/message/handlers`, not exported
// here: this module is what every consumer loads to parse and dispatch, and the handlers reach every
// noun; a Lambda that loads them lazily must not reach them through this file (a bundle puts a file
// in the chunk of every module that imports it).
