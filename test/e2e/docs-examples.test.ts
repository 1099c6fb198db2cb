import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { newTenant, sandbox, waitFor } from "../helpers/api";
import { bashBlocks, fences, readText, runBlocks } from "../helpers/markdown";

const ROOT = resolve(import.meta.dirname, "../..");
const README = readText(join(ROOT, "README.md"));
const PAGES = readdirSync(join(ROOT, "docs"))
  .filter((f) => f.endsWith(".md"))
  .sort();

/** The README's tour: its bash blocks, run verbatim as a newcomer pastes them. */
const TOUR = bashBlocks(README);

/** Runs blocks after the tour, for a fresh business tenant, against the test runtime. */
const runAfterTour = async (blocks: string[]) => {
  const t = await newTenant("business");
  const run = await runBlocks([...TOUR, ...blocks], { OUTREACH_API_URL: inject("runtimeUrl"), OUTREACH_API_KEY: t.key });
  return { t, run };
};

describe("the README's five-minute tour", () => {
  it("runs verbatim: a session, a group, a paced send streamed to its end, a schedule, a report", async () => {
    expect(TOUR.length).toBeGreaterThanOrEqual(6);
    const { t, run } = await runAfterTour([]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain("::done");

    // The progress stream printed events and ended with the send.
    expect(run.stdout).toMatch(/^data: .*"status":"completed"/m);
    const [job] = (await t.api.get("/bulk-send")).body.jobs;
    expect(job).toMatchObject({ status: "completed", total_recipients: 3, sent_count: 3 });
    // What the simulated phones received, with the names filled in.
    const outbox = (await sandbox().get(`/sandbox/api/messages?session_id=${job.session_id}`)).body.messages;
    expect(outbox.map((m: { text: string }) => m.text).sort()).toEqual([
      "Hi Ana, welcome to the tour!",
      "Hi Bruno, welcome to the tour!",
      "Hi there, welcome to the tour!",
    ]);
    expect(run.stdout).toContain("+5511999990001: Hi Ana, welcome to the tour!");
    // The schedule waits for its Monday; the report ran.
    const [schedule] = (await t.api.get("/scheduled-messages")).body.messages;
    expect(schedule).toMatchObject({ name: "Monday reminder", status: "active" });
    expect(new Date(schedule.next_run_at).getUTCDay()).toBe(1);
    const [report] = (await t.api.get("/reports")).body.reports;
    expect((await t.api.get(`/reports/${report.id}/history`)).body.executions ?? []).not.toHaveLength(0);
  }, 120_000);
});

describe("docs/ examples", () => {
  it("every code block is run here or marked `norun` (deploys, AWS, real phones), and the test lists those", () => {
    const notRun: string[] = [];
    for (const [file, text] of [["README.md", README], ...PAGES.map((p) => [`docs/${p}`, readText(join(ROOT, "docs", p))])] as const) {
      for (const f of fences(text)) {
        // bash: run below; js/python receivers: run by test/integration/docs-webhook-receivers.test.ts; json and mermaid are not commands.
        if (f.info === "bash" || f.info === "json" || f.info === "mermaid" || / receiver$/.test(f.info)) continue;
        expect(f.info, `${file}: a \`\`\`${f.info} block must be \`\`\`bash (run) or marked norun`).toMatch(/\bnorun\b/);
        notRun.push(`${file}: ${f.info}: ${f.code.split("\n")[0]}`);
      }
    }
    console.log(`examples not run here (${notRun.length}):\n${notRun.join("\n")}`);
    expect(notRun.length).toBeLessThan(30);
  });

  const pages = PAGES.filter((p) => bashBlocks(readText(join(ROOT, "docs", p))).length > 0);
  it("has bash examples on the feature pages", () => {
    expect(pages).toEqual(
      expect.arrayContaining(["bulk-sends-and-pacing.md", "conversations-and-messages.md", "groups-and-contacts.md", "schedules.md", "webhooks.md"]),
    );
  });

  // Each page runs for its own tenant and session: the pages go side by side (each mostly waits on the tour's paced send).
  for (const page of pages) {
    it.concurrent(`runs every bash block of docs/${page} after the tour, each curl answered 2xx`, async ({ expect }) => {
      const { t, run } = await runAfterTour(bashBlocks(readText(join(ROOT, "docs", page))));
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain("::done");
      if (page === "monitoring-leads-reviews.md") {
        const leads = await waitFor(async () => (await t.api.get("/leads")).body.leads.length > 0 && (await t.api.get("/leads")).body.leads);
        expect(leads).toEqual([expect.objectContaining({ contact_phone: "+5511999990004", source: "group", keyword: "price" })]);
      }
      if (page === "conversations-and-messages.md") {
        expect(run.stdout).toContain("Can I bring a friend?");
        const sent = await waitFor(async () =>
          (await sandbox().get("/sandbox/api/messages?to=%2B5511999990001")).body.messages.find((m: { text: string }) => m.text === "Of course!"),
        );
        expect(sent).toBeTruthy();
      }
      if (page === "groups-and-contacts.md")
        expect((await t.api.get("/opt-outs")).body.opt_outs.map((o: { phone: string }) => o.phone)).toEqual(["+5511999990012"]);
    }, 120_000);
  }
});
