import { EventEmitter } from "node:events";
import type { SocketLike } from "../../packages/whatsapp/src/baileys";

/** WhatsApp's servers cannot be reached here: the adapter is driven through a fake socket at makeWASocket's boundary. */
export class FakeSocket implements SocketLike {
  emitter = new EventEmitter();
  ev = { on: (e: string, l: (a: any) => void) => void this.emitter.on(e, l) };
  user: { id: string } | null = { id: "5511999990000:7@s.whatsapp.net" };
  calls: [string, ...unknown[]][] = [];
  groups: Record<string, { id: string; subject?: string; participants?: any[] }> = {};
  failSend?: Error;
  /** LID → phone-number JID, as WhatsApp shares them with the device (Baileys' LID mapping store). */
  lids: Record<string, string> = {};
  signalRepository = { lidMapping: { getPNForLID: async (lid: string) => this.lids[lid] ?? null } };
  async sendMessage(jid: string, content: any, opts?: { messageId?: string }) {
    this.calls.push(["sendMessage", jid, content, opts]);
    if (this.failSend) throw this.failSend;
    return {};
  }
  async sendPresenceUpdate(type: string, jid?: string) {
    this.calls.push(["presence", type, jid]);
  }
  async groupFetchAllParticipating() {
    this.calls.push(["groupFetch"]);
    return this.groups;
  }
  async requestPairingCode(phone: string) {
    this.calls.push(["pairing", phone]);
    return "ABCD-EFGH";
  }
  async readMessages(keys: any[]) {
    this.calls.push(["read", keys]);
  }
  async logout() {
    this.calls.push(["logout"]);
  }
  end() {
    this.calls.push(["end"]);
  }
  emit(event: string, arg: unknown) {
    this.emitter.emit(event, arg);
  }
}

/** A Baileys close error: Boom with an HTTP-like status code. */
export const boom = (statusCode: number, message = `closed ${statusCode}`) => Object.assign(new Error(message), { output: { statusCode } });
export const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
