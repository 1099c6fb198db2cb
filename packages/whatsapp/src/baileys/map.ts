import { normalize } from "@outreach/core/phone";
import { type Outbound, TransportError, type WaGroup, type WaParticipant } from "@outreach/core/port";
import { isJidBroadcast, isJidGroup, isJidNewsletter, isJidStatusBroadcast, isLidUser, isPnUser, jidDecode, normalizeMessageContent } from "baileys";
import type { Media } from "../media";
import { rejectionReason } from "./reasons";

export { rejectionReason, restrictionReason } from "./reasons";

/** E.164 from a phone-number JID (`5511999998888@s.whatsapp.net`, with or without a device). */
export const phoneOf = (jid: string | undefined | null): string | undefined => {
  if (!jid || !isPnUser(jid)) return undefined;
  const user = jidDecode(jid)?.user;
  if (!user) return undefined;
  const r = normalize(`+${user}`);
  return r.ok ? r.e164 : undefined;
};

export const jidOf = (e164: string) => `${e164.replace(/^\+/, "")}@s.whatsapp.net`;

/** A group participant: its id may be a LID or a phone JID; Baileys 7 adds `phoneNumber` / `lid` when known. */
export const participant = (p: { id: string; lid?: string; phoneNumber?: string; name?: string; notify?: string }): WaParticipant => {
  const phone = phoneOf(p.phoneNumber) ?? phoneOf(p.id);
  const lid = p.lid ?? (isLidUser(p.id) ? p.id : undefined);
  const name = p.name ?? p.notify;
  return { ...(phone ? { phone } : {}), ...(lid ? { lid } : {}), ...(name ? { name } : {}) };
};

export const groupOf = (g: { id: string; subject?: string; participants?: Parameters<typeof participant>[0][] }): WaGroup => ({
  waGroupId: g.id,
  name: g.subject ?? g.id,
  participants: (g.participants ?? []).map(participant),
});

type Key = {
  remoteJid?: string | null;
  remoteJidAlt?: string | null;
  fromMe?: boolean | null;
  id?: string | null;
  participant?: string | null;
  participantAlt?: string | null;
};
type Mentioning = { contextInfo?: { mentionedJid?: (string | null)[] | null } | null };
type Captioned = ({ caption?: string | null } & Mentioning) | null | undefined;
type Content = {
  conversation?: string | null;
  extendedTextMessage?: ({ text?: string | null } & Mentioning) | null;
  imageMessage?: Captioned;
  videoMessage?: Captioned;
  audioMessage?: object | null;
  documentMessage?: Captioned;
  stickerMessage?: object | null;
  protocolMessage?: object | null;
  reactionMessage?: object | null;
};
type Msg = {
  key: Key;
  message?: Content | null;
  messageTimestamp?: number | { toNumber(): number } | string | null;
  pushName?: string | null;
};

export type MediaType = "image" | "video" | "audio" | "document" | "sticker";

/** A message's text and media: the text (or the caption) and what kind of media it carries, if any. */
export const inboundContentOf = (message: Msg["message"]): { text: string; mediaType?: MediaType } | undefined => {
  // Disappearing, view-once, edited and captioned-document wrappers hold the real content.
  const m = normalizeMessageContent(message as never) as Content | undefined;
  if (!m || m.protocolMessage || m.reactionMessage) return undefined;
  const text = m.conversation ?? m.extendedTextMessage?.text;
  if (text) return { text };
  if (m.imageMessage) return { text: m.imageMessage.caption ?? "", mediaType: "image" };
  if (m.videoMessage) return { text: m.videoMessage.caption ?? "", mediaType: "video" };
  if (m.documentMessage) return { text: m.documentMessage.caption ?? "", mediaType: "document" };
  if (m.audioMessage) return { text: "", mediaType: "audio" };
  if (m.stickerMessage) return { text: "", mediaType: "sticker" };
  return undefined;
};

/** The JIDs or LIDs a message @-mentions (its `contextInfo.mentionedJid`, text or captioned media). */
export const mentionsOf = (message: Msg["message"]): string[] => {
  const m = normalizeMessageContent(message as never) as Content | undefined;
  const holder = m?.extendedTextMessage ?? m?.imageMessage ?? m?.videoMessage ?? m?.documentMessage;
  return (holder?.contextInfo?.mentionedJid ?? []).filter((j): j is string => typeof j === "string" && j.length > 0);
};

/** WhatsApp's timestamp of a message (seconds, a number or a Long) in epoch ms; `fallback` when it has none. */
export const timestampOf = (m: Pick<Msg, "messageTimestamp">, fallback: number) => {
  const t = m.messageTimestamp;
  const s = typeof t === "number" ? t : typeof t === "string" ? Number(t) : t && typeof t.toNumber === "function" ? t.toNumber() : Number.NaN;
  return Number.isFinite(s) && s > 0 ? s * 1000 : fallback;
};

export interface Inbound {
  /** A group message: the group's JID (`…@g.us`); `from`/`lid` are then the member who wrote it. */
  waGroupId?: string;
  /** E.164, or undefined when WhatsApp named the sender only by a LID (resolve `lid` then). */
  from?: string;
  lid?: string;
  text: string;
  mediaType?: MediaType;
  id: string;
  at: number;
  name?: string;
  /** Group messages: the JIDs/LIDs it @-mentions. */
  mentions?: string[];
}

/**
 * An inbound message worth reporting: not ours, not a status broadcast, not in a group or a channel,
 * text or media. A LID sender's number comes from `remoteJidAlt` when WhatsApp sends it; otherwise
 * `lid` is set for the adapter to resolve through its LID mapping.
 */
export const inboundOf = (m: Msg, now = Date.now()): Inbound | undefined => {
  const jid = m.key.remoteJid ?? undefined;
  if (jid && !m.key.fromMe && isJidGroup(jid)) return groupInboundOf(m, jid, now);
  if (!jid || m.key.fromMe || isJidStatusBroadcast(jid) || isJidGroup(jid) || isJidBroadcast(jid) || isJidNewsletter(jid)) return undefined;
  const content = inboundContentOf(m.message);
  if (!content) return undefined;
  const from = phoneOf(jid) ?? phoneOf(m.key.remoteJidAlt);
  const lid = !from && isLidUser(jid) ? jid : undefined;
  if (!from && !lid) return undefined;
  return {
    ...(from ? { from } : {}),
    ...(lid ? { lid } : {}),
    ...content,
    id: m.key.id ?? "",
    at: timestampOf(m, now),
    ...(m.pushName ? { name: m.pushName } : {}),
  };
};

/**
 * A message in a group the session is in: the member is `key.participant` (a phone JID or a LID;
 * Baileys 7 gives the other form in `participantAlt` when it knows it).
 */
const groupInboundOf = (m: Msg, jid: string, now: number): Inbound | undefined => {
  const content = inboundContentOf(m.message);
  if (!content) return undefined;
  const p = m.key.participant ?? undefined;
  const alt = m.key.participantAlt ?? undefined;
  const from = phoneOf(p) ?? phoneOf(alt);
  const lid = [p, alt].find((x) => x && isLidUser(x));
  if (!from && !lid) return undefined;
  const mentions = mentionsOf(m.message);
  return {
    ...(mentions.length > 0 ? { mentions } : {}),
    waGroupId: jid,
    ...(from ? { from } : {}),
    ...(lid ? { lid } : {}),
    ...content,
    id: m.key.id ?? "",
    at: timestampOf(m, now),
    ...(m.pushName ? { name: m.pushName } : {}),
  };
};

/** Baileys' `ACCOUNT_RESTRICTED_TEXT` (`Utils/decode-wa-message.js`), the second stub parameter of a reach-out time lock. */
export const ACCOUNT_RESTRICTED_TEXT = "Your account has been restricted";

export type Receipt =
  | { messageId: string; state: "delivered" | "read" }
  | { messageId: string; state: "failed"; code: string; reason: string; restricted: boolean };

/**
 * Baileys message status: 3 = delivered to the device, 4 = read, 5 = played; 0 = ERROR, which
 * `handleBadAck` (`Socket/messages-recv.js`) emits when WhatsApp refuses a message after the send
 * resolved, with the code in `messageStubParameters` (and `ACCOUNT_RESTRICTED_TEXT` for a time lock).
 */
export const receiptOf = (u: { key: Key; update: { status?: number | null; messageStubParameters?: (string | null)[] | null } }): Receipt | undefined => {
  if (!u.key.fromMe || !u.key.id || u.update.status === undefined || u.update.status === null) return undefined;
  if (u.update.status >= 4) return { messageId: u.key.id, state: "read" };
  if (u.update.status === 3) return { messageId: u.key.id, state: "delivered" };
  if (u.update.status === 0) {
    const params = u.update.messageStubParameters ?? [];
    const code = String(params[0] ?? "unknown");
    const restricted = code === "463" || params.includes(ACCOUNT_RESTRICTED_TEXT);
    return { messageId: u.key.id, state: "failed", code, reason: rejectionReason(code), restricted };
  }
  return undefined;
};

export { type MediaKind, mediaKindOf } from "../media";

/** What `sock.sendMessage` gets for our outbound message; media goes as the bytes we downloaded, never as a URL. */
export const contentOf = (m: Outbound, media?: Media, thumb?: { jpegThumbnail: string; width: number; height: number }) => {
  if (m.kind === "text") return { text: m.text };
  if (!media) throw new TransportError("permanent", "media not sent: it was not downloaded");
  const file = media.buffer;
  switch (media.kind) {
    case "image":
      return { image: file, caption: m.caption, ...(thumb ?? {}) };
    case "video":
      return { video: file, caption: m.caption };
    case "audio":
      return { audio: file, mimetype: media.mimetype ?? "audio/mpeg" };
    case "document":
      return { document: file, mimetype: media.mimetype ?? "application/octet-stream", fileName: media.fileName, caption: m.caption };
  }
};

/** "typing…" time before a message: proportional to its length, like a person, capped. */
export const typingMs = (text: string | undefined) => Math.min(6000, 800 + (text?.length ?? 0) * 35);
