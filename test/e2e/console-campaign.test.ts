import { describe, expect, inject, it } from "vitest";
import { groupWith, newTenant, outbox, phones, sandbox, waitFor, waitJob, workingSession } from "../helpers/api";
import { pageWidth, signIn, useConsoleBrowser } from "../helpers/browser";

/**
 * The campaign manager's flows of issue 33 in headless Chromium on the shared runtime, with a tenant
 * of its own: CSV columns as custom fields, the preview stepping through recipients, the confirmation
 * before any job exists, the campaign's name and reply rate, at 1280 px and on a 390 px phone, axe clean.
 */
const { browser, check, violations } = useConsoleBrowser();

describe("the console for the person who runs the campaign", () => {
  it("imports a CSV with a city column, previews {{first_name}} and {{fields.city}}, confirms before sending, and shows the name and reply rate", async () => {
    const { api, key } = await newTenant("business");
    const s = await workingSession(api, "Main number");
    const group = await api.post("/custom-groups", { name: "Clientes" });
    const base = `${inject("runtimeUrl")}/console`;
    const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page, base, key);

    // A CSV whose third column is a city: the mapping preview says it becomes {{fields.city}}.
    const [ana, bob, ze] = phones(3) as [string, string, string];
    await page.goto(`${base}/groups/${group.body.id}`);
    await page.getByRole("heading", { level: 1, name: "Clientes" }).waitFor();
    const csv = `nome,telefone,City\nAna Souza,${ana},Campinas\nBob,${bob},\nZé,${ze},Recife\nAna again,${ana},Campinas\nShort,12345,Natal\n`;
    await page.getByLabel("CSV file", { exact: true }).setInputFiles({ name: "c.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    const city = page.getByLabel("Column “City”", { exact: true });
    await expect.poll(() => city.locator("option:checked").textContent(), { timeout: 10_000 }).toBe("custom field {{fields.city}}");
    expect(await page.getByLabel("Column “telefone”", { exact: true }).inputValue()).toBe("phone");
    await check(page, "campaign-import");
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByText("3 added").waitFor();
    // The repeated row is named, and the counts add up to the rows read.
    expect(await page.locator(".import-result > p").textContent()).toBe("Of 5 rows: 3 added · 1 already in the group or repeated in the file · 1 not imported");
    expect(await page.locator("tr.invalid-row").allTextContents()).toEqual(["612345No phone number has these digits; check them and the country code."]);
    await page.getByText("1 repeated in the file").click();
    expect(await page.locator(".repeated-row").allTextContents()).toEqual([`Row 5: ${ana} repeats row 2`]);
    const members = (await api.get(`/custom-groups/${group.body.id}`)).body.members as { phone: string; fields?: Record<string, string> }[];
    expect(members.find((m) => m.phone === ana)?.fields).toEqual({ city: "Campinas" });

    // Compose: the preview renders the first name and the city, counts fallbacks, finds any recipient.
    await page.goto(`${base}/sends/new`);
    await page.getByLabel("Campaign name (optional)", { exact: true }).fill("Campinas promo");
    await page.getByLabel("Session", { exact: true }).selectOption(s.id);
    await page.getByLabel("Group", { exact: true }).selectOption(group.body.id);
    await page.getByLabel("Message", { exact: true }).fill("Oi {{first_name|amigo}} de {{fields.city|sua cidade}}");
    await page.getByLabel("Minimum delay (s)", { exact: true }).fill("0");
    await page.getByLabel("Maximum delay (s)", { exact: true }).fill("0");
    await expect.poll(() => page.locator(".sample .bubble").allTextContents(), { timeout: 10_000 }).toContain("Oi Ana de Campinas");
    await expect.poll(() => page.getByTestId("fallbacks").textContent(), { timeout: 10_000 }).toBe("1 recipient gets a fallback or a blank placeholder.");
    await page.getByLabel("Find a recipient", { exact: true }).fill("recife");
    await expect.poll(() => page.locator(".sample .bubble").allTextContents(), { timeout: 10_000 }).toEqual(["Oi Zé de Recife"]);
    await page.getByLabel("Find a recipient", { exact: true }).fill("");
    await expect.poll(() => page.getByTestId("send-summary").textContent(), { timeout: 10_000 }).toMatch(/^3 recipients \(0 opted out\) · ≈ /);
    await check(page, "campaign-compose");

    // Start sending asks first; going back creates nothing.
    await page.getByRole("button", { name: "Start sending…" }).click();
    const dialog = page.getByRole("dialog", { name: "Send to 3 recipients?" });
    await dialog.waitFor();
    await expect
      .poll(() => dialog.getByTestId("confirm-summary").textContent())
      .toMatch(/^3 recipients \(0 opted out\) · ≈ 0 s · done \d\d:\d\d from Main number/);
    await check(page, "campaign-confirm");
    expect((await api.get("/bulk-send")).body.jobs).toEqual([]);
    await dialog.getByRole("button", { name: "Back" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect((await api.get("/bulk-send")).body.jobs).toEqual([]);
    await page.getByRole("button", { name: "Start sending…" }).click();
    await dialog.getByRole("button", { name: "Send now" }).click();
    await page.getByRole("heading", { level: 1, name: "Campinas promo" }).waitFor();
    const jobId = page.url().split("/").pop() as string;
    await waitJob(api, jobId, ["completed"]);
    const sent = Object.fromEntries((await outbox(s.id)).map((m) => [m.to, m.text]));
    expect(sent).toEqual({ [ana]: "Oi Ana de Campinas", [bob]: "Oi Bob de sua cidade", [ze]: "Oi Zé de Recife" });

    // A reply: the page shows the reply rate and the "replied" filter links to the thread.
    await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: ana, text: "Quero!" });
    await waitFor(async () => (await api.get(`/bulk-send/${jobId}`)).body.replied_count === 1, { what: "the reply counted" });
    await expect.poll(() => page.locator('[data-rate="reply"] dd').textContent(), { timeout: 15_000 }).toBe("33.3 %");
    // Bob writes STOP: the campaign's page counts the opt-out it caused.
    await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: bob, text: "STOP" });
    await waitFor(async () => (await api.get("/opt-outs")).body.opt_outs.length === 1, { what: "the opt-out" });
    await page.reload();
    await expect.poll(() => page.locator('[data-counter-extra="opted_out"] dd').textContent(), { timeout: 10_000 }).toBe("1");
    // Its link lists that campaign's opt-outs, each with the contact's name and the campaign.
    await page.getByRole("link", { name: "1 opted out: show them" }).click();
    await page.getByTestId("optout-campaign").getByText("Campinas promo").waitFor();
    const row = page.getByRole("row", { name: new RegExp(bob.replace("+", "\\+")) });
    await row.getByRole("link", { name: "Campinas promo" }).waitFor();
    expect(await page.getByRole("table", { name: "Opted-out numbers" }).getByRole("row").count()).toBe(2);
    await page.goBack();
    await page.getByLabel("Show recipients with status", { exact: true }).selectOption("replied");
    await page.getByRole("link", { name: /^replied / }).click();
    await page.getByRole("heading", { level: 2, name: /Ana Souza/ }).waitFor();
    // The conversation says which campaign the reply belongs to.
    await page.locator(".conversation", { hasText: "Ana Souza" }).getByText("campaign: Campinas promo").waitFor();
    await check(page, "campaign-inbox");
    // While the inbox is open, a new message shows up without a reload, and the menu counts it (the changes stream, not a poll).
    await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: ze, text: "Tem desconto?" });
    await page.locator(".conversation", { hasText: "Tem desconto?" }).waitFor({ timeout: 8_000 });
    // The count follows within 10 s of a change (the server counts again at most that often).
    await expect.poll(() => page.locator("#unanswered-count").textContent(), { timeout: 15_000 }).toBe("2 unanswered");

    // The list shows the name; on a 390 px phone the menu has every section and nothing is cut off.
    await page.goto(`${base}/sends`);
    await page.getByRole("link", { name: "Campinas promo" }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    const menu = page.getByRole("button", { name: "Menu" });
    await menu.waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).isVisible()).toBe(false);
    await menu.click();
    const links = page.getByRole("navigation", { name: "Main" }).getByRole("link");
    expect(await links.count()).toBeGreaterThanOrEqual(8);
    for (const l of await links.all()) expect(await l.isVisible()).toBe(true);
    await check(page, "campaign-menu-390");
    await links.filter({ hasText: "Bulk sends" }).click();
    await page.getByRole("link", { name: "Campinas promo" }).waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await page.goto(`${base}/sends/${jobId}`);
    await page.locator('[data-rate="reply"]').waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await check(page, "campaign-job-390");
    await page.goto(`${base}/sends/new`);
    await page.getByLabel("Session", { exact: true }).selectOption(s.id);
    await page.getByLabel("Group", { exact: true }).selectOption(group.body.id);
    await page.getByLabel("Message", { exact: true }).fill("Oi {{first_name}}");
    // On a phone the recipients and the finish sit above the button.
    const summary = page.getByTestId("send-summary");
    await summary.waitFor();
    const [above, button] = [await summary.boundingBox(), await page.getByRole("button", { name: "Start sending…" }).boundingBox()];
    expect((above?.y ?? 0) + (above?.height ?? 0)).toBeLessThanOrEqual(button?.y ?? 0);
    await check(page, "campaign-compose-390");

    expect(violations).toEqual({});
    expect(errors).toEqual([]);
    await page.close();
  });

  it("finds São Paulo in the time-zone picker, shows weekdays and places in schedules, and runs a report once with the campaign's name on its chart", async () => {
    const { api, key } = await newTenant("business");
    const s = await workingSession(api, "Main number");
    const g = await groupWith(api, 2);
    const job = await api.post("/bulk-send", {
      name: "Natal 2026",
      session_id: s.id,
      custom_group_id: g.id,
      message_content: "Oi",
      min_delay_seconds: 0,
      max_delay_seconds: 0,
    });
    await waitJob(api, job.body.id, ["completed"]);
    const base = `${inject("runtimeUrl")}/console`;
    for (const width of [1280, 390]) {
      const page = await browser().newPage({ viewport: { width, height: 900 } });
      await signIn(page, base, key);
      await page.goto(`${base}/scheduled`);
      await page.getByRole("button", { name: "New scheduled message" }).click();
      await page.getByLabel("Name", { exact: true }).fill(`Weekly ${width}`);
      await page.getByLabel("Session", { exact: true }).selectOption(s.id);
      await page.getByLabel("Group", { exact: true }).selectOption(g.id);
      await page.getByLabel("Message", { exact: true }).fill("Bom dia {{first_name|}}");
      await page.getByLabel("Repeats", { exact: true }).selectOption("weekly");
      await page.getByLabel("Time zone", { exact: true }).fill("São");
      const matches = page.getByLabel("Matching time zones", { exact: true });
      await matches.locator('option[value="America/Sao_Paulo"]').waitFor({ state: "attached" });
      await matches.selectOption("America/Sao_Paulo");
      expect(await page.getByLabel("Time zone", { exact: true }).inputValue()).toBe("America/Sao_Paulo");
      await page.getByLabel("Time of day", { exact: true }).fill("09:00");
      await expect
        .poll(() => page.locator(".next-runs li > span").allTextContents(), { timeout: 10_000 })
        .toEqual(Array(5).fill(expect.stringMatching(/^Mon, \w{3} \d{1,2}, 09:00 \(São Paulo\)$/)));
      await check(page, `campaign-schedule-new-${width}`);
      await page.getByRole("button", { name: "Save schedule" }).click();
      await page.getByText(`Weekly ${width}`).waitFor();
      await page
        .locator("tr", { hasText: `Weekly ${width}` })
        .getByText("Mondays 09:00 (São Paulo)")
        .waitFor();
      // Edited in place: the row's form, saved with PATCH.
      await page.getByRole("button", { name: `Edit Weekly ${width}` }).click();
      const form = page.getByRole("form", { name: `Edit Weekly ${width}` });
      expect(await form.getByLabel("Time zone", { exact: true }).inputValue()).toBe("America/Sao_Paulo");
      // The saved session and group are chosen once their lists have loaded.
      await expect.poll(() => form.getByLabel("Session", { exact: true }).inputValue(), { timeout: 10_000 }).toBe(s.id);
      expect(await form.getByLabel("Group", { exact: true }).inputValue()).toBe(g.id);
      await form.getByLabel("Time of day", { exact: true }).fill("10:30");
      await form.getByRole("button", { name: "Save schedule" }).click();
      await page
        .locator("tr", { hasText: `Weekly ${width}` })
        .getByText("Mondays 10:30 (São Paulo)")
        .waitFor();
      const saved = ((await api.get("/scheduled-messages")).body.messages as { name: string; time_of_day: string; timezone: string }[]).find(
        (m) => m.name === `Weekly ${width}`,
      );
      expect(saved).toMatchObject({ time_of_day: "10:30", timezone: "America/Sao_Paulo" });
      expect(await pageWidth(page)).toBeLessThanOrEqual(width);
      await check(page, `campaign-scheduled-${width}`);

      await page.goto(`${base}/reports`);
      await page.getByLabel("Report template", { exact: true }).locator("option").nth(1).waitFor({ state: "attached" });
      await page.getByLabel("Report template", { exact: true }).selectOption("bulk_send_progress");
      await page.getByLabel("Period covered", { exact: true }).selectOption("last_day");
      await page.getByRole("button", { name: "Run once now" }).click();
      await expect
        .poll(() => page.locator(".once-result .report-frame").evaluate((el) => el.shadowRoot?.querySelector(".bar-group text")?.textContent ?? null), {
          timeout: 15_000,
        })
        .toBe("Natal 2026");
      expect((await api.get("/reports")).body.reports).toEqual([]);
      expect(await pageWidth(page)).toBeLessThanOrEqual(width);
      await check(page, `campaign-report-once-${width}`);
      await page.close();
    }
    expect(violations).toEqual({});
  });
});
