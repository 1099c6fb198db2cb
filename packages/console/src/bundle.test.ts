import { describe, expect, it } from "vitest";
import { buildConsole } from "../build.mjs";

describe("the console's bundle", () => {
  it("stays under 150 KB of gzipped JavaScript, with no inline script or style in its page", async () => {
    const assets = await buildConsole();
    expect(assets.sizes.js_gzip).toBeLessThan(150 * 1024);
    expect(assets.index).not.toMatch(/<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=/i);
    expect(Object.keys(assets.files).filter((f) => f.endsWith(".js"))).toHaveLength(1);
  });
});
