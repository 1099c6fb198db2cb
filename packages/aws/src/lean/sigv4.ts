import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { SourceData } from "@smithy/types";

const bytes = (d: SourceData) => (typeof d === "string" ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The hash the signer asks for, on node:crypto (what the SDK's `@smithy/hash-node` does). */
class Sha256 {
  private readonly hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: SourceData) {
    this.hash = secret ? createHmac("sha256", bytes(secret)) : createHash("sha256");
  }
  update(data: Uint8Array) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

/**
 * Signs the POST requests of a JSON protocol (path `/`) with the SDK's own SigV4 signer
 * (`@smithy/signature-v4`): every header given is signed, the body's SHA-256 is sent as
 * `x-amz-content-sha256`, and the session token, when there is one (Lambda and ECS credentials always
 * carry one), as `x-amz-security-token`. `credentials` is the SDK client's memoized, refreshing provider.
 */
export const createSigner = (service: string, region: string, credentials: () => Promise<Credentials>) => {
  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256, uriEscapePath: true, applyChecksum: true });
  /** `headers` (lower-case names, `host` included) with `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` and `authorization` added. */
  return async (headers: Record<string, string>, body: string, at?: Date): Promise<Record<string, string>> => {
    const signed = await signer.sign(
      { method: "POST", protocol: "https:", hostname: headers.host ?? "", path: "/", query: {}, headers, body },
      at ? { signingDate: at } : {},
    );
    return signed.headers as Record<string, string>;
  };
};
