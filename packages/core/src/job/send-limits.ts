/** The send path's limits and waits (the sender, the reconciler and the tests read them). */

/** A claim older than this is taken to be a crash between send and record (the recipient becomes `unknown`). */
export const LEASE_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 3;
/** Sent messages recorded together, of any jobs (`markSentMany`: their recipients, each job's counters and the shared items in as few transactions as fit). */
export const RECORD_BATCH = 32;
/**
 * How long a sent message waits for others before it is recorded (the crash window grows by as much):
 * long enough that a worker's paced messages, a few a second across its sessions, share a record.
 */
export const RECORD_LINGER_MS = 400;

/**
 * The longest a send may take (the media download is capped at 60 s before it). A send that takes
 * longer ends as `unknown` — WhatsApp may still deliver it, so it is never retried — and its lane moves on.
 */
export const SEND_TIMEOUT_MS = 120_000;
/** A message the session's policy holds back longer than this goes back to the queue instead of waiting in memory. */
export const HOLD_MS = 60_000;
/** How soon a send for a session hosted elsewhere comes back (on AWS the owner's poller usually takes it first). */
export const HAND_BACK_S = 2;
/**
 * How long a send waits in its lane for a session whose shard this worker holds but whose lease it
 * does not yet (a takeover: the previous holder's lease runs out within its 30 s) before going back
 * to the queue.
 */
export const SOON_MS = 40_000;
