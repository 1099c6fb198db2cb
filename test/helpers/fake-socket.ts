import { EventEmitter } from "node:events";
import type { SocketLike, SocketOptions } from "../../packages/whatsapp/src/baileys";

/**
 * WhatsApp's servers cannot be reached here: the adapter is driven through a fake socket at
 * makeWASocket's boundary. Its helpers emit the event sequences Baileys 7.0.0-rc14 itself emits
 * (node_modules/baileys/lib; each helper names the file and function it follows), so a test fails
 * where real WhatsApp would.
 */
export class FakeSocket implements SocketLike {
  emitter = new EventEmitter();
  ev = { on: (e: string, l: (a: any) => void) => void this.emitter.on(e, l) };
  user: { id: string } | null = { id: "5511999990000:7@s.whatsapp.net" };
  calls: [string, ...unknown[]][] = [];
  groups: Record<string, { id: string; subject?: string; participants?: any[] }> = {};
  failSend?: Error;
  /** Numbers with a WhatsApp account (digits) → the JID WhatsApp answers with (a Brazilian number may lack its ninth digit). */
  accounts: Record<string, string> | "all" = "all";
  /** WhatsApp answers the USync query with something other than a result. */
  usyncUnanswered = false;
  /** The reach-out time lock `fetchAccountReachoutTimelock` answers with. */
  timelock: { isActive: boolean; timeEnforcementEnds?: Date } = { isActive: false };
  /** LID → phone-number JID, as WhatsApp shares them with the device (Baileys' LID mapping store). */
  lids: Record<string, string> = {};
  signalRepository = { lidMapping: { getPNForLID: async (lid: string) => this.lids[lid] ?? null } };
  closed = false;

  constructor(readonly opts?: SocketOptions) {
    // `Socket/socket.js` registers this listener first: every creds.update is merged into the socket's credentials.
    this.emitter.on("creds.update", (update: object) => {
      if (this.opts) Object.assign(this.opts.auth.creds, update);
    });
  }

  async sendMessage(jid: string, content: any, opts?: { messageId?: string }) {
    this.calls.push(["sendMessage", jid, content, opts]);
    if (this.failSend) throw this.failSend;
    // Baileys resolves with the WAMessage it relayed (`Socket/messages-send.js` sendMessage).
    return {
      key: { remoteJid: jid, fromMe: true, id: opts?.messageId },
      message: content.text ? { extendedTextMessage: { text: content.text } } : { imageMessage: {} },
    };
  }
  async sendPresenceUpdate(type: string, jid?: string) {
    this.calls.push(["presence", type, jid]);
  }
  async presenceSubscribe(jid: string) {
    this.calls.push(["presenceSubscribe", jid]);
  }
  /** `Socket/socket.js` onWhatsApp: a USync contact query; only numbers with an account come back, under WhatsApp's JID. */
  async onWhatsApp(...jids: string[]) {
    this.calls.push(["onWhatsApp", ...jids]);
    // `parseUSyncQueryResult` (WAUSync/USyncQuery.js) returns undefined when the result node is not `type="result"`.
    if (this.usyncUnanswered) return undefined;
    const users = jids.map((j) => j.split("@")[0] as string);
    if (this.accounts === "all") return users.map((u) => ({ jid: `${u}@s.whatsapp.net`, exists: true }));
    const accounts = this.accounts;
    return users.flatMap((u) => (accounts[u] ? [{ jid: accounts[u] as string, exists: true }] : []));
  }
  async groupFetchAllParticipating() {
    this.calls.push(["groupFetch"]);
    return this.groups;
  }
  /** `Socket/socket.js` requestPairingCode: overwrites `creds.me` with the number and emits `creds.update`. */
  async requestPairingCode(phone: string) {
    this.calls.push(["pairing", phone]);
    if (this.opts) {
      this.opts.auth.creds.me = { id: `${phone}@s.whatsapp.net`, name: "~" };
      this.emit("creds.update", this.opts.auth.creds);
    }
    return "ABCD-EFGH";
  }
  async readMessages(keys: any[]) {
    this.calls.push(["read", keys]);
  }
  async fetchAccountReachoutTimelock() {
    this.calls.push(["timelock"]);
    // `Socket/socket.js` fetchAccountReachoutTimelock also emits the result on connection.update.
    this.emit("connection.update", { reachoutTimeLock: this.timelock });
    return this.timelock;
  }
  async logout() {
    this.calls.push(["logout"]);
  }
  /** `Socket/socket.js` end(): the close event once, then the emitter's connection.update listeners are removed. */
  end(error?: Error) {
    this.calls.push(["end"]);
    if (this.closed) return;
    this.closed = true;
    this.emitter.emit("connection.update", { connection: "close", lastDisconnect: { error, date: new Date() } });
    this.emitter.removeAllListeners("connection.update");
  }
  emit(event: string, arg: unknown) {
    if (this.closed && event === "connection.update") return;
    this.emitter.emit(event, arg);
  }

  // --- sequences Baileys emits -------------------------------------------------------------------

  /** `CB:success` (`Socket/socket.js`): creds.update with the LID, then `connection: "open"`. */
  open() {
    this.emit("creds.update", { me: { id: this.user?.id, lid: "999999999@lid" } });
    this.emit("connection.update", { connection: "open" });
  }
  /** `CB:stream:error` → `getErrorCodeFromStreamError` (`Utils/generics.js`): `attrs.code`, else "conflict" → 440, else 500. */
  streamError(attrs: { code?: string } = {}, reasonTag?: string) {
    const reason = reasonTag ?? "unknown";
    let statusCode = +(attrs.code || (reason === "conflict" ? 440 : 0) || 500);
    const text = statusCode === 515 ? "restart required" : reason;
    if (Number.isNaN(statusCode)) statusCode = 500;
    this.end(boom(statusCode, `Stream Errored (${text})`));
  }
  /** `CB:failure` (`Socket/socket.js`): `Connection Failure` with `attrs.reason` (401 logged out, 403, 405 update required), 500 without. */
  failure(reason?: string) {
    this.end(boom(+(reason || 500), "Connection Failure"));
  }
  /** `ws.on('close')` (`Socket/socket.js`): 428 Connection Terminated. */
  terminated() {
    this.end(boom(428, "Connection Terminated"));
  }
  /** `mapWebSocketError` → `getCodeFromWSError` (`Utils/generics.js`): ETIMEDOUT and friends are 408, anything else 500. */
  wsError(message: string, code?: string) {
    this.end(boom(code?.startsWith("E") || message.includes("timed out") ? 408 : 500, `WebSocket Error (${message})`));
  }
  /** `genPairQR` (`Socket/socket.js`): one `qr` per ref, then 408 "QR refs attempts ended" once the refs run out. */
  qrUntilExpired(refs = 2) {
    for (let i = 0; i < refs; i++) this.emit("connection.update", { qr: `2@ref${i},noise,identity,adv` });
    this.end(boom(408, "QR refs attempts ended"));
  }
  /** `CB:iq,,pair-success` (`Socket/socket.js`): creds.update with the account, `isNewLogin`, then the server's 515 stream error. */
  pairSuccess(jid = "5511999990000:7@s.whatsapp.net") {
    this.emit("creds.update", { me: { id: jid, name: "Outreach", lid: "999999999:7@lid" }, platform: "smba", account: { details: "x" } });
    this.emit("connection.update", { isNewLogin: true, qr: undefined });
    this.streamError({ code: "515" });
  }
  /**
   * `handleBadAck` (`Socket/messages-recv.js`): an ack with an error for a message we sent becomes a
   * `messages.update` with status 0 (ERROR) and the code in `messageStubParameters`; 463 (the
   * `SenderReachoutTimelocked` code) adds `ACCOUNT_RESTRICTED_TEXT`.
   */
  badAck(id: string, to: string, error: string) {
    const key = { remoteJid: to, fromMe: true, id };
    this.emit("messages.update", [
      { key, update: { status: 0, messageStubParameters: error === "463" ? [error, "Your account has been restricted"] : [error] } },
    ]);
  }
  /** `handleReachoutTimelockNotification` (`Socket/messages-recv.js`): the time lock arrives on connection.update. */
  timelockNotification(ends: Date) {
    this.emit("connection.update", { reachoutTimeLock: { isActive: true, timeEnforcementEnds: ends, enforcementType: "DEFAULT" } });
  }
  /** `handleMessage` with `node.attrs.offline` (`Socket/messages-recv.js`): messages that came while offline are upserted as `append`. */
  offline(messages: unknown[]) {
    this.emit("messages.upsert", { messages, type: "append" });
  }
  /** `sendMessagesAgain` (`Socket/messages-recv.js`): a retry receipt asks `config.getMessage` for each message id. */
  retryReceipt(id: string, from: string) {
    return this.opts?.getMessage({ remoteJid: from, fromMe: true, id });
  }
}

/** A Baileys close error: Boom with an HTTP-like status code. */
export const boom = (statusCode: number, message = `closed ${statusCode}`) => Object.assign(new Error(message), { output: { statusCode } });
export const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
