import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, waitFor } from "../helpers/api";
import { axe, launchChromium } from "../helpers/browser";
import { type RuntimeProcess, removeDir, startRuntimeProcess } from "../helpers/runtime";

/**
 * The web console (issue 19) in headless Chromium against a local runtime of its own (started as
 * `npm start` starts, so it also shows a fresh start builds the console), signed in with that
 * runtime's development key: the whole path a person takes, with an axe-core check and a screenshot
 * of every page (test-results/console/). Its own runtime keeps the shared one's development tenant
 * untouched for the suites that read it.
 */
const OUT = resolve(import.meta.dirname, "../../test-results/console");
const XSS = "<img src=x onerror=alert(1)>";

let browser: Browser;
let rt: RuntimeProcess;
beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  rt = await startRuntimeProcess({ env: { OUTREACH_RATE_LIMIT: "0" } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  if (rt) {
    await rt.stop();
    removeDir(rt.dataDir);
  }
});

describe("the web console", () => {
  it("walks sign-in → session → CSV import → send with preview → live progress → pause/resume → schedule → report, every page accessible", async () => {
    const base = `${rt.url}/console`;
    const key = rt.key;
    const api = client(rt.url, key);
    const sandbox = () => client(rt.url);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => {
      const g = globalThis as any;
      g.__csp = [];
      g.document.addEventListener("securitypolicyviolation", (e: any) => g.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", async (d) => {
      if (d.type() === "confirm") return d.accept();
      dialogs.push(d.message());
      await d.dismiss();
    });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const violations: Record<string, unknown[]> = {};
    const check = async (name: string) => {
      await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
      const v = await axe(page);
      if (v.length) violations[name] = v;
    };
    const nav = (label: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).click();

    // Sign in with the development key; the key is kept in sessionStorage only.
    const first = await page.goto(`${base}/`);
    expect(first?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await page.getByLabel("API key", { exact: true }).fill(key);
    await check("sign-in");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: "Sessions" }).waitFor();
    expect(
      await page.evaluate(() => [(globalThis as any).localStorage.length, (globalThis as any).sessionStorage.getItem("outreach.api_key")?.length]),
    ).toEqual([0, key.length]);
    expect(page.url()).not.toContain(key);

    // A sandbox session: working at once.
    await page.getByLabel("Session name", { exact: true }).fill("console phone");
    await page.getByRole("button", { name: "Create session" }).click();
    const sessionRow = page.locator("tr", { hasText: "console phone" }).first();
    await sessionRow.getByText("working").waitFor();
    const sessionId = (await sessionRow.getAttribute("data-session")) as string;
    await check("sessions");

    // A group and a 250-row CSV (semicolons, BOM, header) with 3 bad rows and a contact named like markup.
    await nav("Groups");
    await page.getByLabel("Group name", { exact: true }).waitFor();
    await check("groups");
    await page.getByLabel("Group name", { exact: true }).fill("Console import");
    await page.getByRole("button", { name: "Create group" }).click();
    await page.getByRole("heading", { level: 1, name: "Console import" }).waitFor();
    const prefix = String(Math.floor(Math.random() * 9000) + 1000);
    const rows = Array.from({ length: 250 }, (_, i) => `+55119${prefix}${String(i).padStart(4, "0")};${i === 0 ? XSS : `Person ${i}`}`);
    rows[9] = "12345;too short";
    rows[99] = "+55 11 9999;short too";
    rows[199] = "12ab34;letters";
    await page
      .getByLabel("CSV file", { exact: true })
      .setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(`\uFEFFphone;name\r\n${rows.join("\r\n")}\r\n`) });
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByText("247 added").waitFor();
    expect(await page.locator("tr.invalid-row td:first-child").allTextContents()).toEqual(["11", "101", "201"]);
    expect(await page.locator("#import-progress").evaluate((p: any) => [p.value, p.max])).toEqual([250, 250]);
    const groupId = page.url().split("/").pop() as string;
    expect((await api.get(`/custom-groups/${groupId}`)).body.member_count).toBe(247);
    // The contact named like markup is shown as text: no element made of it, no script ran.
    await page.getByLabel("Search this page", { exact: true }).fill("onerror");
    await expect.poll(() => page.locator("td.member-name").allTextContents()).toEqual([XSS]);
    expect(await page.locator("main img").count()).toBe(0);
    await check("group");
    await page.getByLabel("Search this page", { exact: true }).fill("");

    // Compose with a live preview of the first three members, short delays.
    await nav("Bulk sends");
    await page.getByRole("heading", { level: 1, name: "Bulk sends" }).waitFor();
    await check("sends");
    await page.getByRole("link", { name: "New bulk send" }).click();
    await page.getByLabel("Session", { exact: true }).selectOption(sessionId);
    await page.getByLabel("Group", { exact: true }).selectOption(groupId);
    await page.getByLabel("Message", { exact: true }).fill("Hi {{name|there}}, the console says hello");
    await page.getByLabel("Minimum delay (s)", { exact: true }).fill("0");
    await page.getByLabel("Maximum delay (s)", { exact: true }).fill("0");
    await expect
      .poll(() => page.locator(".sample .bubble").allTextContents(), { timeout: 10_000 })
      .toEqual([`Hi ${XSS}, the console says hello`, "Hi Person 1, the console says hello", "Hi Person 2, the console says hello"]);
    await page.locator(".eta").waitFor();
    await check("compose");
    await page.getByRole("button", { name: "Start sending" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Send now" }).click();
    await page.getByRole("heading", { level: 1, name: "Bulk send", exact: true }).waitFor();
    const jobId = page.url().split("/").pop() as string;

    // Live progress to 100 %, then the counters match the API (receipts included).
    await page.locator(".pct", { hasText: "100 %" }).waitFor({ timeout: 120_000 });
    await page.locator(".badge", { hasText: "completed" }).first().waitFor();
    const counters = async () =>
      Object.fromEntries(
        await page
          .locator("[data-counter]")
          .evaluateAll((els) => els.map((e) => [e.getAttribute("data-counter"), Number(e.querySelector("dd")?.textContent?.replace(/,/g, ""))])),
      );
    const fromApi = async () => {
      const j = (await api.get(`/bulk-send/${jobId}`)).body;
      return {
        sent: j.sent_count,
        delivered: j.delivered_count,
        read: j.read_count,
        failed: j.failed_count,
        skipped: j.skipped_count,
        replied: j.replied_count,
        pending: j.pending_count,
        cancelled: j.cancelled_count,
        total: j.total_recipients,
      };
    };
    // Receipts keep arriving after the last send; the page reads the job again until they settle.
    let seen: unknown;
    await waitFor(
      async () => {
        const [shown, truth] = [await counters(), await fromApi()];
        seen = { shown, truth };
        return JSON.stringify(shown) === JSON.stringify(truth) && truth.delivered === truth.sent;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: "the page's counters to match the API" },
    ).catch((e) => {
      throw new Error(`${e.message} ${JSON.stringify(seen)}`);
    });
    expect((await fromApi()).sent).toBe(247);
    await check("job");
    await page.setViewportSize({ width: 360, height: 800 });
    await page.screenshot({ path: join(OUT, "job-360.png"), fullPage: true });
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axe(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });

    // A second job, slow: pause and resume it from its page (then cancel, to let it go).
    await nav("Bulk sends");
    await page.getByRole("link", { name: "New bulk send" }).click();
    await page.getByLabel("Session", { exact: true }).selectOption(sessionId);
    await page.getByLabel("Group", { exact: true }).selectOption(groupId);
    await page.getByLabel("Message", { exact: true }).fill("Second {{name}}");
    await page.getByLabel("Minimum delay (s)", { exact: true }).fill("600");
    await page.getByLabel("Maximum delay (s)", { exact: true }).fill("900");
    await page.getByRole("button", { name: "Start sending" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Send now" }).click();
    await page.getByRole("heading", { level: 1, name: "Bulk send", exact: true }).waitFor();
    await page.getByRole("button", { name: "Pause" }).click();
    await page.getByRole("button", { name: "Resume" }).waitFor();
    const second = page.url().split("/").pop() as string;
    expect((await api.get(`/bulk-send/${second}`)).body.status).toBe("paused");
    await page.getByRole("button", { name: "Resume" }).click();
    await page.getByRole("button", { name: "Pause" }).waitFor();
    expect(["running", "pending"]).toContain((await api.get(`/bulk-send/${second}`)).body.status);
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.locator(".badge", { hasText: "cancelled" }).first().waitFor();
    await page.getByLabel("Show recipients with status", { exact: true }).selectOption("cancelled");
    await expect.poll(() => page.locator("table[aria-label], .table-wrap tbody tr").count()).toBeGreaterThan(0);

    // A daily schedule: the next five runs are shown before saving, as the server computes them.
    await nav("Scheduled");
    await page.getByRole("button", { name: "New scheduled message" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Console morning");
    await page.getByLabel("Session", { exact: true }).selectOption(sessionId);
    await page.getByLabel("Group", { exact: true }).selectOption(groupId);
    await page.getByLabel("Message", { exact: true }).fill("Good morning {{name|there}}");
    await page.getByLabel("Time zone", { exact: true }).fill("Asia/Shanghai");
    await page.getByLabel("Time of day", { exact: true }).fill("08:15");
    const expected = (await api.get("/scheduled-messages/preview?schedule_type=daily&time_of_day=08:15&timezone=Asia/Shanghai")).body.runs as {
      run_at: string;
    }[];
    // Shown in the schedule's zone (and the viewer's): five runs at 08:15 Shanghai time.
    expect(expected).toHaveLength(5);
    await expect
      .poll(() => page.locator(".next-runs li").evaluateAll((els) => els.map((e) => e.getAttribute("data-run-at"))), { timeout: 10_000 })
      .toEqual(expected.map((r) => r.run_at));
    // With their weekday and the zone's place ("Tue, Dec 8, 08:15 (Shanghai)").
    for (const text of await page.locator(".next-runs li > span").allTextContents())
      expect(text).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \w{3} \d{1,2}, 08:15 \(Shanghai\)$/);
    await check("scheduled-new");
    await page.getByRole("button", { name: "Save schedule" }).click();
    const schedRow = page.locator("tr", { hasText: "Console morning" });
    await schedRow.waitFor();
    const created = ((await api.get("/scheduled-messages?limit=200")).body.messages as { name: string; next_run_at: string }[]).find(
      (m) => m.name === "Console morning",
    );
    expect(created?.next_run_at).toBe(expected[0]?.run_at);
    await check("scheduled");

    // A report run now, rendered with its chart (the existing HTML, inside the page).
    await nav("Reports");
    await page.getByLabel("Template", { exact: true }).locator("option").nth(1).waitFor({ state: "attached" });
    await check("reports");
    await page.getByLabel("Name", { exact: true }).fill("Console sends");
    await page.getByLabel("Template", { exact: true }).selectOption("bulk_send_progress");
    await page.getByLabel("Period", { exact: true }).selectOption("last_7_days");
    await page.getByRole("button", { name: "Create report" }).click();
    await page.getByRole("heading", { level: 1, name: "Console sends" }).waitFor();
    await page.getByRole("button", { name: "Run now" }).click();
    await expect.poll(() => page.locator(".report-frame svg .bar-group").count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await check("report");

    // The inbox: a contact named like markup writes markup; both show as text, and a reply goes out.
    const contact = `+55119${prefix}0001`;
    await sandbox().post("/sandbox/api/inbound", { session_id: sessionId, from: contact, text: "<script>alert(2)</script> hi", name: XSS });
    await nav("Inbox");
    await page.locator(".conversation", { hasText: "<script>alert(2)</script> hi" }).click();
    await page.getByRole("textbox", { name: "Your reply" }).fill("Thanks for writing");
    await page.getByRole("button", { name: "Send reply" }).click();
    await page.locator(".messages .outbound", { hasText: "Thanks for writing" }).waitFor();
    await check("inbox");

    // A monitored WhatsApp group (MoltFlow's default mode) with an auto-response; a member's first message is a lead, answered once.
    const wa = `120363${prefix}00001@g.us`;
    const member = `+55119${prefix}0002`;
    await sandbox().post("/sandbox/api/wa-groups", { session_id: sessionId, wa_group_id: wa, name: "Console group", participants: [{ phone: member }] });
    await nav("Monitored groups");
    await page.getByLabel("WhatsApp group", { exact: true }).locator("option", { hasText: "Console group" }).waitFor({ state: "attached" });
    await page.getByLabel("WhatsApp group", { exact: true }).selectOption(wa);
    await page.getByLabel("Auto-response", { exact: true }).fill("Hi {{name}}, thanks for writing in {{group_name}}");
    await page.getByRole("button", { name: "Monitor group" }).click();
    await page.locator("tr", { hasText: "Console group" }).getByText("first_message").waitFor();
    await check("monitored");
    await sandbox().post("/sandbox/api/inbound", { session_id: sessionId, from: member, name: "Rita", text: "hello", wa_group_id: wa });
    await nav("Leads");
    const leadRow = page.locator("tr", { hasText: "Rita" });
    await expect
      .poll(
        async () => {
          await nav("Leads");
          return leadRow.getByText(/^sent /).count();
        },
        { timeout: 15_000 },
      )
      .toBe(1);
    await leadRow.getByRole("combobox").selectOption("contacted");
    await expect
      .poll(async () => ((await api.get("/leads?status=contacted")).body.leads as { contact_phone: string }[]).map((l) => l.contact_phone))
      .toEqual([member]);
    await check("leads");

    await nav("Webhooks");
    await page.getByLabel("Name", { exact: true }).waitFor();
    await check("webhooks");
    await nav("Usage & opt-outs");
    await page.locator("#usage-meter").waitFor();
    // The history is a picture: 30 daily and 6 monthly bar groups, today's sends drawn (issue 30).
    await expect.poll(() => page.locator('svg[data-chart="daily"] .bar-group').count()).toBe(30);
    await expect.poll(() => page.locator('svg[data-chart="monthly"] .bar-group').count()).toBe(6);
    expect(Number(await page.locator('svg[data-chart="daily"] .bar-group').last().locator("rect.c-sent").getAttribute("height"))).toBeGreaterThan(0);
    await check("usage");

    // API keys: create with two scope checkboxes, the key shown once in a dialog, then revoked after a confirmation.
    await nav("API keys");
    await page.getByLabel("Key name", { exact: true }).fill("console bot");
    await page.getByRole("checkbox", { name: "leads:read" }).check();
    await page.getByRole("checkbox", { name: /^usage:read/ }).check();
    await page.getByRole("button", { name: "Create key" }).click();
    const dialog = page.getByRole("dialog", { name: /console bot/ });
    const secret = (await dialog.getByTestId("new-key").textContent()) as string;
    expect(secret).toMatch(/^ok_/);
    expect((await client(rt.url, secret).get("/usage/daily?days=1")).status).toBe(200);
    await check("api-key-created");
    await dialog.getByRole("button", { name: "Done" }).click();
    // Closing forgets the secret: the dialog leaves the page (its close event comes a moment after "Done").
    await dialog.waitFor({ state: "detached" });
    const keyRow = page.locator("tr", { hasText: "console bot" });
    await keyRow.getByText("leads:read, usage:read").waitFor();
    expect(await page.locator("main").textContent()).not.toContain(secret);
    await check("api-keys");
    await keyRow.getByRole("button", { name: "Revoke key console bot" }).click();
    await keyRow.waitFor({ state: "detached" });
    expect((await client(rt.url, secret).get("/usage/daily?days=1")).status).toBe(401);
    await nav("Sessions");
    await page.getByRole("button", { name: "Manage" }).first().click();
    await check("session-pacing");

    // Sign out forgets the key.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key", { exact: true }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem("outreach.api_key"))).toBeNull();

    expect(violations).toEqual({});
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => (globalThis as any).__csp)).toEqual([]);
    await context.close();
  }, 300_000);
});
