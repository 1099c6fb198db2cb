import { normalize } from "@outreach/core/phone";
import { type Outbound, TransportError, type WaGroup, type WaParticipant } from "@outreach/core/port";
import { isJidGroup, isJidStatusBroadcast, isLidUser, isPnUser, jidDecode } from "baileys";
import type { Media } from "../media";

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

type Key = { remoteJid?: string | null; remoteJidAlt?: string | null; fromMe?: boolean | null; id?: string | null; participant?: string | null };
type Msg = {
  key: Key;
  message?: { conversation?: string | null; extendedTextMessage?: { text?: string | null } | null; imageMessage?: { caption?: string | null } | null } | null;
};

/** An inbound message worth reporting: not ours, not a status broadcast, not in a group, with text. */
export const inboundOf = (m: Msg): { from: string; text: string; id: string } | undefined => {
  const jid = m.key.remoteJid ?? undefined;
  if (!jid || m.key.fromMe || isJidStatusBroadcast(jid) || isJidGroup(jid)) return undefined;
  const from = phoneOf(jid) ?? phoneOf(m.key.remoteJidAlt);
  const text = m.message?.conversation ?? m.message?.extendedTextMessage?.text ?? m.message?.imageMessage?.caption ?? undefined;
  if (!from || !text) return undefined;
  return { from, text, id: m.key.id ?? "" };
};

/** Baileys message status: 3 = delivered to the device, 4 = read, 5 = played. */
export const receiptOf = (u: { key: Key; update: { status?: number | null } }): { messageId: string; state: "delivered" | "read" } | undefined => {
  if (!u.key.fromMe || !u.key.id || u.update.status === undefined || u.update.status === null) return undefined;
  if (u.update.status >= 4) return { messageId: u.key.id, state: "read" };
  if (u.update.status === 3) return { messageId: u.key.id, state: "delivered" };
  return undefined;
};

export { type MediaKind, mediaKindOf } from "../media";

/** What `sock.sendMessage` gets for our outbound message; media goes as the bytes we downloaded, never as a URL. */
export const contentOf = (m: Outbound, media?: Media) => {
  if (m.kind === "text") return { text: m.text };
  if (!media) throw new TransportError("permanent", "media not sent: it was not downloaded");
  const file = media.buffer;
  switch (media.kind) {
    case "image":
      return { image: file, caption: m.caption };
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
