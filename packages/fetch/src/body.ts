import type { IncomingMessage } from "node:http";
import { FetchError } from "@outreach/core/net";
import { failure } from "./request";

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/**
 * The whole body, refused as soon as it is known to exceed `max` bytes: at once when Content-Length
 * announces more, otherwise when the bytes read pass it (the connection is dropped there).
 */
export const readCapped = (res: IncomingMessage, max: number, host: string, signal: AbortSignal): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const tooLarge = () => new FetchError("too_large", `the file is larger than the ${mb(max)} allowed for it`);
    const announced = Number(res.headers["content-length"]);
    if (Number.isFinite(announced) && announced > max) {
      res.destroy();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      signal.removeEventListener("abort", onAbort);
      fn();
    };
    const onAbort = () => res.destroy(signal.reason as Error);
    if (signal.aborted) return finish(() => reject(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        res.destroy();
        return finish(() => reject(tooLarge()));
      }
      chunks.push(chunk);
    });
    res.on("end", () => finish(() => resolve(Buffer.concat(chunks, size))));
    res.on("error", (e) => finish(() => reject(failure(e, signal, host))));
    res.on("close", () => finish(() => reject(failure(new Error("the connection closed before the body ended"), signal, host))));
  });
