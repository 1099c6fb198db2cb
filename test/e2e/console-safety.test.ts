import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { newTenant, phones, sandbox, waitFor, workingSession } from "../helpers/api";
import { pageWidth, signIn, useConsoleBrowser } from "../helpers/browser";

/**
 * The console's safety nets of issue 33 in headless Chromium on the shared runtime, on a 390 px phone:
 * confirmation and a short undo before cancelling, undo of member removal, bulk selection, what is
 * left of the quota, opt-outs searched and exported; axe clean.
 */
const { browser, check, violations } = useConsoleBrowser();

describe("the console's safety nets for the campaign manager", () => {
  it("asks and offers undo before cancelling a send, removes selected members with undo, and says what is left of the quota", async () => {
    const { api, key } = await newTenant("business");
    const s = await workingSession(api, "Main number");
    const [p1, p2, p3] = phones(3) as [string, string, string];
    const group = await api.post("/custom-groups", {
      name: "Undo",
      members: [
        { phone: p1, name: "Ana", fields: { city: "Campinas" } },
        { phone: p2, name: "Bob", fields: { city: "Rio" } },
        { phone: p3, name: "Caio" },
      ],
    });
    const base = `${inject("runtimeUrl")}/console`;
    const page = await browser().newPage({ viewport: { width: 390, height: 844 } });
    const asked: string[] = [];
    page.on("dialog", async (d) => {
      asked.push(d.message());
      await d.accept();
    });
    await signIn(page, base, key);
    await page.getByText("Sandbox (simulated WhatsApp, no QR code needed)").waitFor();

    // Two members selected and removed at once; "Undo" puts them back with their fields.
    await page.goto(`${base}/groups/${group.body.id}`);
    await page.getByLabel(`Select ${p1}`, { exact: true }).check();
    await page.getByLabel(`Select ${p2}`, { exact: true }).check();
    await page.getByRole("button", { name: "Remove selected (2)" }).click();
    await page.getByText("Removed 2 members.").waitFor();
    expect((await api.get(`/custom-groups/${group.body.id}`)).body.member_count).toBe(1);
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await check(page, "campaign-group-undo-390");
    await page.getByRole("button", { name: "Undo" }).click();
    await waitFor(async () => (await api.get(`/custom-groups/${group.body.id}`)).body.member_count === 3, { what: "the members back" });
    const back = (await api.get(`/custom-groups/${group.body.id}`)).body.members as { phone: string; fields?: object }[];
    expect(back.find((m) => m.phone === p2)?.fields).toEqual({ city: "Rio" });

    // Cancel asks, then waits with "Undo": undone, the send goes on; confirmed and left alone, it is cancelled.
    const job = await api.post("/bulk-send", {
      name: "Slow",
      session_id: s.id,
      custom_group_id: group.body.id,
      message_content: "x",
      min_delay_seconds: 600,
      max_delay_seconds: 900,
    });
    await page.goto(`${base}/sends/${job.body.id}`);
    await page.getByRole("heading", { level: 1, name: "Slow" }).waitFor();
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByText("Cancelling in 5 s…").waitFor();
    await page.getByRole("button", { name: "Undo" }).click();
    await page.getByText("Undone: nothing was changed.").first().waitFor();
    expect(["pending", "running"]).toContain((await api.get(`/bulk-send/${job.body.id}`)).body.status);
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByTestId("action-feedback").filter({ hasText: "Cancelled." }).waitFor({ timeout: 15_000 });
    expect((await api.get(`/bulk-send/${job.body.id}`)).body.status).toBe("cancelled");
    expect(asked).toHaveLength(3);
    expect(asked[0]).toBe("Remove 2 selected members from this group?");
    expect(asked.slice(1)).toEqual([expect.stringMatching(/^Cancel this send\?/), expect.stringMatching(/^Cancel this send\?/)]);

    // Usage: what is left this month and when it starts again.
    await page.goto(`${base}/usage`);
    await expect
      .poll(() => page.getByTestId("quota-left").textContent(), { timeout: 10_000 })
      .toMatch(/^[\d,]+ messages left · resets (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 1$/);
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await check(page, "campaign-usage-390");
    // Opt-outs: one written STOP (named as its conversation is: Ana, from the group), one added; searchable and exported whole.
    await sandbox().post("/sandbox/api/inbound", { session_id: s.id, from: p1, text: "STOP", name: "Ana Stop" });
    await api.post("/opt-outs", { phones: [p3] });
    await waitFor(async () => (await api.get("/opt-outs")).body.opt_outs.length === 2, { what: "two opt-outs" });
    await page.reload();
    await page.getByLabel("Search opt-outs", { exact: true }).fill("ana");
    await expect
      .poll(() => page.getByRole("region", { name: "Opt-outs" }).locator("tbody tr").allTextContents(), { timeout: 10_000 })
      .toEqual([expect.stringContaining(p1)]);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    const exported = readFileSync((await download.path()) as string, "utf8").split("\r\n");
    expect(exported[0]).toBe("phone,name,source,campaign,since");
    expect(exported.filter((l) => l.startsWith(p1) || l.startsWith(p3)).map((l) => l.split(",").slice(0, 3).join(","))).toEqual(
      expect.arrayContaining([`${p1},Ana,the contact (STOP)`, `${p3},,added here or by the API`]),
    );
    await page.close();
    expect(violations).toEqual({});
  });
});
