import { type AuthenticationCreds, type AuthenticationState, BufferJSON, initAuthCreds, proto, type SignalDataSet, type SignalDataTypeMap } from "baileys";

/** Where auth state lives: opaque strings per session (DynamoDB in production, `@outreach/aws` store). */
export interface AuthStore {
  getCreds(sessionId: string): Promise<string | undefined>;
  setCreds(sessionId: string, value: string): Promise<void>;
  getKeys(sessionId: string, type: string, ids: string[]): Promise<Record<string, string>>;
  setKeys(sessionId: string, entries: { type: string; id: string; value: string | null }[]): Promise<void>;
  clear(sessionId: string): Promise<void>;
}

const encode = (v: unknown) => JSON.stringify(v, BufferJSON.replacer);
const decode = <T>(s: string): T => JSON.parse(s, BufferJSON.reviver) as T;

/**
 * Baileys auth state on an AuthStore instead of files: credentials and every key type Baileys v7
 * stores, serialized with BufferJSON; `keys.set` writes all changed keys in batches. A new process
 * reading the same store resumes the session without a new QR.
 */
export const useStoredAuthState = async (
  store: AuthStore,
  sessionId: string,
): Promise<{ state: AuthenticationState; saveCreds: () => Promise<void>; fresh: boolean }> => {
  const stored = await store.getCreds(sessionId);
  const creds: AuthenticationCreds = stored ? decode(stored) : initAuthCreds();
  return {
    fresh: !stored,
    state: {
      creds,
      keys: {
        async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
          const raw = await store.getKeys(sessionId, type, ids);
          const out: { [id: string]: SignalDataTypeMap[T] } = {};
          for (const [id, value] of Object.entries(raw)) {
            let v = decode<SignalDataTypeMap[T]>(value);
            if (type === "app-state-sync-key" && v) v = proto.Message.AppStateSyncKeyData.fromObject(v as object) as unknown as SignalDataTypeMap[T];
            out[id] = v;
          }
          return out;
        },
        async set(data: SignalDataSet) {
          const entries: { type: string; id: string; value: string | null }[] = [];
          for (const [type, byId] of Object.entries(data)) {
            for (const [id, value] of Object.entries(byId ?? {}))
              entries.push({ type, id, value: value === null || value === undefined ? null : encode(value) });
          }
          if (entries.length) await store.setKeys(sessionId, entries);
        },
        async clear() {
          await store.clear(sessionId);
        },
      },
    },
    saveCreds: () => store.setCreds(sessionId, encode(creds)),
  };
};
