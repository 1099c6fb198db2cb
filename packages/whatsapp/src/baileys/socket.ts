import type { AuthenticationState, CacheStore, proto, WAMessageKey } from "baileys";
import type { OnWhatsApp } from "./resolve";

/** The part of Baileys' socket (`makeWASocket`'s result) this adapter uses: the narrow boundary tests fake. */
export interface SocketLike {
  ev: { on(event: string, listener: (arg: any) => void): void };
  user?: { id: string; lid?: string } | null;
  sendMessage(jid: string, content: any, opts?: { messageId?: string }): Promise<{ message?: proto.IMessage | null } | undefined | unknown>;
  sendPresenceUpdate(type: "composing" | "paused" | "available" | "unavailable", jid?: string): Promise<void>;
  /** Subscribes to a contact's presence (WhatsApp Web does this when a chat is opened). */
  presenceSubscribe(jid: string): Promise<void>;
  onWhatsApp: OnWhatsApp;
  groupFetchAllParticipating(): Promise<Record<string, { id: string; subject?: string; participants?: any[] }>>;
  requestPairingCode(phone: string): Promise<string>;
  readMessages(keys: any[]): Promise<void>;
  /** The reach-out time lock (`Socket/socket.js`): whether it is active and when it ends. */
  fetchAccountReachoutTimelock?(): Promise<{ isActive: boolean; timeEnforcementEnds?: Date }>;
  /** Baileys 7 keeps the LID ↔ phone-number mapping WhatsApp shares with the device here. */
  signalRepository?: { lidMapping?: { getPNForLID(lid: string): Promise<string | null> } };
  logout(msg?: string): Promise<void>;
  end(error: Error | undefined): unknown;
}

/** The options of `makeWASocket` the adapter sets. */
export interface SocketOptions {
  auth: AuthenticationState;
  logger: any;
  markOnlineOnConnect: boolean;
  syncFullHistory: boolean;
  browser?: [string, string, string];
  /** The WhatsApp Web version (`OUTREACH_WA_VERSION`); absent: Baileys' built-in one. */
  version?: [number, number, number];
  /** Retry counts per message, shared by every socket of the process so a reconnect does not reset them. */
  msgRetryCounterCache: CacheStore;
  /** Answers a retry receipt: the message we sent under that id. */
  getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>;
}

export type MakeSocket = (opts: SocketOptions) => SocketLike;
