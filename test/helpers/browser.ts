import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Headless Chromium as the console suites run it. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });

/** axe-core on the page as it is (evaluated through DevTools, so the page's CSP stays as served): serious and critical violations. */
export const axe = async (page: Page) => {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const g = globalThis as any;
    const r = await g.axe.run(g.document, { resultTypes: ["violations"] });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(" ")).slice(0, 3) }));
  });
  return (result as { id: string; impact: string; nodes: string[] }[]).filter((v) => v.impact === "serious" || v.impact === "critical");
};

/** Signs in to the console at `base` with `key` and waits for the first page. */
export const signIn = async (page: Page, base: string, key: string) => {
  await page.goto(`${base}/`);
  await page.getByLabel("API key", { exact: true }).fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Sessions" }).waitFor();
};

/** The page is no wider than the viewport (nothing cut off sideways). */
export const pageWidth = (page: Page) => page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number);

/**
 * A console suite's browser, opened once for the file, and its page check: a screenshot into
 * test-results/console/ and axe's serious and critical violations, collected by page name.
 */
export const useConsoleBrowser = () => {
  const out = resolve(import.meta.dirname, "../../test-results/console");
  const state: { browser?: Browser } = {};
  const violations: Record<string, unknown[]> = {};
  beforeAll(async () => {
    mkdirSync(out, { recursive: true });
    state.browser = await launchChromium();
  });
  afterAll(async () => {
    await state.browser?.close();
  });
  const check = async (page: Page, name: string) => {
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    const v = await axe(page);
    if (v.length) violations[name] = v;
  };
  return { browser: () => state.browser as Browser, check, violations };
};
