/** Session status model of the API: starting → qr → working; failed; stopped. */
export type SessionStatus = "starting" | "qr" | "working" | "failed" | "stopped";

export type Outbound =
  | { kind: "text"; to: string; text: string; messageId: string }
  | { kind: "media"; to: string; url: string; caption?: string; messageId: string };

export interface WaParticipant {
  /** E.164 when WhatsApp told us the number; absent for LID-only participants. */
  phone?: string;
  lid?: string;
  name?: string;
}

export interface WaGroup {
  waGroupId: string;
  name: string;
  participants: WaParticipant[];
}

export interface StatusEvent {
  sessionId: string;
  status: SessionStatus;
  reason?: string | null;
  phone?: string;
  qr?: string | null;
  /** The QR as a PNG data URL, for the API's `png_data_url`. */
  qrPngDataUrl?: string | null;
  pairingCode?: string | null;
}

/**
 * A message a contact wrote in a 1:1 chat, or in a group the session is in (`waGroupId`); the
 * transport leaves out status broadcasts, channels and our own messages. `from` is the contact's E.164, resolved from a LID by the transport; `messageId` is
 * WhatsApp's id (stable across redeliveries); `at` the message's time (WhatsApp's timestamp where
 * there is one); `text` the text or the media's caption ("" for media without one).
 */
export interface InboundEvent {
  sessionId: string;
  from: string;
  text: string;
  at: number;
  messageId: string;
  mediaType?: "image" | "video" | "audio" | "document" | "sticker";
  /** The name the contact gave themselves in WhatsApp (push name), when known. */
  name?: string;
  /**
   * A message in a WhatsApp group the session is in (`…@g.us`): `from` is the member who wrote it
   * (E.164; "" when WhatsApp named them only by a LID the transport could not resolve, then `fromLid`).
   * Only monitored groups' messages are stored.
   */
  waGroupId?: string;
  fromLid?: string;
  /**
   * Who a group message @-mentions: E.164 numbers where the transport knows them (the session's own
   * LID becomes its own number), raw LIDs otherwise. The `mentions` monitor mode reads it.
   */
  mentions?: string[];
}

/**
 * A receipt of one of our messages. `failed`: WhatsApp refused it after the send resolved (Baileys'
 * `messages.update` with status 0, ERROR): `code` is WhatsApp's (e.g. "463"), `reason` says it for a person.
 */
export type ReceiptEvent =
  | { sessionId: string; messageId: string; state: "delivered" | "read"; at: number }
  | { sessionId: string; messageId: string; state: "failed"; code: string; reason: string; at: number };

/**
 * WhatsApp restricted the account (463: no new chats; the reach-out time lock): the session's jobs
 * pause until a person resumes them. `until`: when WhatsApp says the restriction ends (epoch ms), if it does.
 */
export interface RestrictionEvent {
  sessionId: string;
  code: string;
  reason: string;
  until: number | null;
}

/** Callbacks a transport reports to; the session host maps them into the store. */
export interface TransportEvents {
  status(e: StatusEvent): Promise<void>;
  receipt(e: ReceiptEvent): Promise<void>;
  restricted(e: RestrictionEvent): Promise<void>;
  inbound(e: InboundEvent): Promise<void>;
  groups(e: { sessionId: string; groups: WaGroup[] }): Promise<void>;
  contacts(e: { sessionId: string; contacts: { phone: string; name?: string }[] }): Promise<void>;
  /**
   * What we sent under one of our message ids, rebuilt from the store (the job's content for that
   * recipient): WhatsApp asks for it again when a recipient's device could not decrypt it (a retry receipt).
   */
  sentContent(e: { sessionId: string; messageId: string }): Promise<Outbound | undefined>;
}

export type TransportErrorKind = "transient" | "permanent" | "logout" | "offline";

/**
 * A send that did not happen. `transient` may be retried; `permanent` will fail again; `logout` ends
 * the session; `offline`: the session is (re)connecting, so nothing was attempted — the send goes back
 * to the queue without spending an attempt.
 */
export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Transport port: one WhatsApp connection per session. Adapters: `baileys` (real WhatsApp Web)
 * and `sandbox` (simulated, for local use and tests).
 */
export interface Transport {
  readonly name: "sandbox" | "baileys";
  start(session: { tenantId: string; sessionId: string }): Promise<void>;
  /** Close the connection; `logout` also unlinks the device and forgets its credentials. */
  stop(sessionId: string, opts: { logout: boolean }): Promise<void>;
  /** Resolves once WhatsApp (or the sandbox's durable record) has the message. */
  send(sessionId: string, message: Outbound): Promise<{ messageId: string }>;
  requestPairingCode(sessionId: string, phone: string): Promise<string>;
  isRunning(sessionId: string): boolean;
  /** Whether the session is connected to WhatsApp right now (absent: always); a send waits in the queue until it is. */
  ready?(sessionId: string): boolean;
}

/** Transport events nobody listens to: a sandbox that hosts no session, tests and benchmarks of a transport alone. */
export const ignoredTransportEvents: TransportEvents = {
  status: async () => {},
  receipt: async () => {},
  inbound: async () => {},
  groups: async () => {},
  contacts: async () => {},
  restricted: async () => {},
  sentContent: async () => undefined,
};
