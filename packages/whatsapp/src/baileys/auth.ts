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
 * Values longer than this are written in parts. DynamoDB takes at most 400 KB per item, and the
 * sealed value is base64 of the ciphertext (×4/3): 100,000 characters stay well under it. Only the
 * app-state sync version (its `indexValueMap` grows with every chat) gets this big.
 */
export const CHUNK_CHARS = 100_000;
const CHUNKED = "app-state-sync-version";
const partId = (id: string, i: number) => `${id}~part~${i}`;
const manifestOf = (v: string): number | undefined => {
  const m = /^\{"\$parts":(\d+)\}$/.exec(v);
  return m ? Number(m[1]) : undefined;
};

export interface StoredAuth {
  state: AuthenticationState;
  /** Queues a credential save: saves run one at a time, each writing the latest credentials, retried. */
  saveCreds: () => Promise<void>;
  /** Settles once every queued save has been written (or given up on). */
  flush: () => Promise<void>;
  fresh: boolean;
}

/**
 * Baileys auth state on an AuthStore instead of files: credentials and every key type Baileys v7
 * stores, serialized with BufferJSON; `keys.set` writes all changed keys in batches. A new process
 * reading the same store resumes the session without a new QR. Credential saves are serialized (a
 * slow write never lands after a newer one) and retried, so after pairing — when WhatsApp demands an
 * immediate restart (515) — the store holds the pairing before the session's lease can be released.
 */
export const useStoredAuthState = async (
  store: AuthStore,
  sessionId: string,
  opts: { retries?: number; retryMs?: number; onSaveFailed?: (err: unknown) => void } = {},
): Promise<StoredAuth> => {
  const stored = await store.getCreds(sessionId);
  const creds: AuthenticationCreds = stored ? decode(stored) : initAuthCreds();
  const retries = opts.retries ?? 5;
  const retryMs = opts.retryMs ?? 200;

  let chain: Promise<void> = Promise.resolve();
  const writeCreds = async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await store.setCreds(sessionId, encode(creds));
      } catch (e) {
        if (attempt >= retries) throw e;
        await new Promise((r) => setTimeout(r, retryMs * 2 ** attempt));
      }
    }
  };
  const saveCreds = () => {
    const next = chain.then(writeCreds);
    chain = next.catch((e) => opts.onSaveFailed?.(e));
    return next;
  };

  const getKeys = async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
    const raw = await store.getKeys(sessionId, type, ids);
    if (type === CHUNKED) {
      for (const [id, value] of Object.entries(raw)) {
        const parts = manifestOf(value);
        if (parts === undefined) continue;
        const ps = Array.from({ length: parts }, (_, i) => partId(id, i));
        const got = await store.getKeys(sessionId, type, ps);
        if (ps.some((p) => got[p] === undefined)) delete raw[id];
        else raw[id] = ps.map((p) => got[p]).join("");
      }
    }
    const out: { [id: string]: SignalDataTypeMap[T] } = {};
    for (const [id, value] of Object.entries(raw)) {
      let v = decode<SignalDataTypeMap[T]>(value);
      if (type === "app-state-sync-key" && v) v = proto.Message.AppStateSyncKeyData.fromObject(v as object) as unknown as SignalDataTypeMap[T];
      out[id] = v;
    }
    return out;
  };

  const setKeys = async (data: SignalDataSet) => {
    const entries: { type: string; id: string; value: string | null }[] = [];
    for (const [type, byId] of Object.entries(data)) {
      for (const [id, value] of Object.entries(byId ?? {})) {
        const text = value === null || value === undefined ? null : encode(value);
        if (type !== CHUNKED) {
          entries.push({ type, id, value: text });
          continue;
        }
        // The parts of an older, longer value are dropped with it.
        const old = (await store.getKeys(sessionId, type, [id]))[id];
        const oldParts = old ? (manifestOf(old) ?? 0) : 0;
        const parts = text && text.length > CHUNK_CHARS ? Math.ceil(text.length / CHUNK_CHARS) : 0;
        for (let i = 0; i < parts; i++) entries.push({ type, id: partId(id, i), value: (text as string).slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS) });
        for (let i = parts; i < oldParts; i++) entries.push({ type, id: partId(id, i), value: null });
        entries.push({ type, id, value: parts ? `{"$parts":${parts}}` : text });
      }
    }
    if (entries.length) await store.setKeys(sessionId, entries);
  };

  return {
    fresh: !stored,
    state: {
      creds,
      keys: {
        get: getKeys,
        set: setKeys,
        async clear() {
          await store.clear(sessionId);
        },
      },
    },
    saveCreds,
    flush: () => chain,
  };
};
