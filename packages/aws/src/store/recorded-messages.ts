import type { MessageRef } from "@outreach/core/job";

/** Message ids recorded by this process that `byMessageIds` answers from memory (≈ 200 bytes each). */
const RECORDED_MAX = 20_000;

/**
 * Where the message ids this process recorded lead (see `byMessageIds`): a message-id entry never
 * changes once written, and the receipts of a message come to the process that sent it (its
 * session's host), so a receipt wave mostly needs no lookup. The oldest go first past RECORDED_MAX.
 */
export const createRecordedMessages = () => {
  const recorded = new Map<string, MessageRef>();
  return {
    remember(messageId: string, ref: MessageRef) {
      recorded.set(messageId, ref);
      if (recorded.size > RECORDED_MAX) recorded.delete(recorded.keys().next().value as string);
    },
    get: (messageId: string) => recorded.get(messageId),
  };
};
