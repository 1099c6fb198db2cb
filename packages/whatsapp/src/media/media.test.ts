import { FetchError, type GuardedFetch } from "@outreach/core/net";
import { describe, expect, it } from "vitest";
import { createMediaFetcher, MEDIA_MAX_BYTES } from ".";

const failing = (e: FetchError) => {
  let calls = 0;
  const f: GuardedFetch = async () => {
    calls++;
    throw e;
  };
  return { f, calls: () => calls };
};

describe("media through the guard", () => {
  it("caps by WhatsApp's limit for the kind the response declares", async () => {
    const caps: number[] = [];
    const f: GuardedFetch = async (url, { maxBytes }) => {
      for (const contentType of ["image/png", "video/mp4", "audio/ogg", "application/pdf", null]) {
        caps.push(typeof maxBytes === "function" ? maxBytes({ contentType, url }) : maxBytes);
      }
      return { buffer: Buffer.from("x"), contentType: "image/png; charset=binary", finalUrl: url };
    };
    const m = await createMediaFetcher(f)("https://cdn.example.com/a/b%20c.bin");
    expect(caps).toEqual([MEDIA_MAX_BYTES.image, MEDIA_MAX_BYTES.video, MEDIA_MAX_BYTES.audio, MEDIA_MAX_BYTES.document, MEDIA_MAX_BYTES.document]);
    expect(caps.slice(0, 2)).toEqual([5 * 1024 * 1024, 16 * 1024 * 1024]);
    expect(m).toMatchObject({ kind: "image", mimetype: "image/png", fileName: "b c.bin" });
  });

  it.each([
    [new FetchError("forbidden", "redirect 1 was refused: its host 169.254.169.254 is in 169.254.0.0/16: link-local"), "permanent"],
    [new FetchError("too_large", "the file is larger than the 5 MB allowed for it"), "permanent"],
    [new FetchError("timeout", "the download did not finish within 60 s"), "permanent"],
    [new FetchError("http_status", "the server answered 404", 404), "permanent"],
    [new FetchError("http_status", "the server answered 503", 503), "transient"],
    [new FetchError("network", "the connection to x failed (ECONNRESET)"), "transient"],
  ])("%s → %s, with the reason", async (error, kind) => {
    await expect(createMediaFetcher(failing(error).f)("https://x.example/a.png")).rejects.toMatchObject({ kind, message: `media not sent: ${error.message}` });
  });

  it("downloads a URL once for many recipients; a permanent failure is remembered, a transient one is not", async () => {
    let calls = 0;
    const ok: GuardedFetch = async (url) => {
      calls++;
      return { buffer: Buffer.from("x"), contentType: "image/jpeg", finalUrl: url };
    };
    const media = createMediaFetcher(ok);
    await Promise.all([media("https://x.example/a.jpg"), media("https://x.example/a.jpg"), media("https://x.example/a.jpg")]);
    expect(calls).toBe(1);

    const tarpit = failing(new FetchError("timeout", "slow"));
    const m1 = createMediaFetcher(tarpit.f);
    for (let i = 0; i < 3; i++) await expect(m1("https://x.example/t.png")).rejects.toMatchObject({ kind: "permanent" });
    expect(tarpit.calls()).toBe(1);

    const flaky = failing(new FetchError("network", "reset"));
    const m2 = createMediaFetcher(flaky.f);
    for (let i = 0; i < 3; i++) await expect(m2("https://x.example/f.png")).rejects.toMatchObject({ kind: "transient" });
    expect(flaky.calls()).toBe(3);
  });

  it("expires cached downloads after the TTL", async () => {
    let calls = 0;
    const f: GuardedFetch = async (url) => {
      calls++;
      return { buffer: Buffer.from("x"), contentType: null, finalUrl: url };
    };
    const media = createMediaFetcher(f, { ttlMs: 0 });
    await media("https://x.example/a.pdf");
    await new Promise((r) => setTimeout(r, 5));
    await media("https://x.example/a.pdf");
    expect(calls).toBe(2);
  });
});
