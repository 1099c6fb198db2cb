import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { newTenant, workingSession } from "../helpers/api";
import { bashBlocks, runBlocks } from "../helpers/markdown";

const SKILL = resolve(import.meta.dirname, "../../skills/outreach/SKILL.md");

describe("skills/outreach/SKILL.md", () => {
  it("declares its name, description and required environment in the front matter", () => {
    const text = readFileSync(SKILL, "utf8");
    const front = /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? "";
    expect(front).toMatch(/^name: outreach$/m);
    expect(front).toMatch(/^description: .{80,}$/m);
    expect(front).toMatch(/env:\n\s+- OUTREACH_API_KEY\n\s+- OUTREACH_API_URL/);
  });

  it("runs every bash example against the local runtime, each curl answered 2xx", async () => {
    const blocks = bashBlocks(readFileSync(SKILL, "utf8"));
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    // A fresh account whose WhatsApp number is connected (the sandbox's sessions are, at once).
    const t = await newTenant("business");
    await workingSession(t.api, "main");
    const log = join(mkdtempSync(join(tmpdir(), "outreach-skill-")), "curl.log");
    // The blocks run in one shell, in order, as an agent would paste them; `--fail-with-body` makes any
    // non-2xx answer fail its block, and `set -e`/`pipefail` stop the script there.
    const run = await runBlocks(blocks, { OUTREACH_API_URL: inject("runtimeUrl"), OUTREACH_API_KEY: t.key }, { log });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain("::done");
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls.length).toBeGreaterThanOrEqual(blocks.length + 8);
    expect(blocks.every((b) => /\bcurl\b/.test(b))).toBe(true);

    // What the examples did is what the API now shows.
    const jobs = (await t.api.get("/bulk-send")).body.jobs;
    expect(jobs).toEqual([expect.objectContaining({ status: "cancelled", total_recipients: 3, skipped_count: 1 })]);
    expect(run.stdout).toMatch(/started bulk_\w{26}/);
    expect((await t.api.get("/scheduled-messages")).body.messages).toEqual([expect.objectContaining({ name: "Monday reminder", status: "paused" })]);
    expect((await t.api.get("/opt-outs")).body.opt_outs.map((o: { phone: string }) => o.phone)).toEqual(["+5511999990003"]);
    expect(run.stdout).toContain("bulk_send_preview\nbulk_send_create\n");
  });
});
