import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { newTenant } from "../helpers/api";
import { signIn, useConsoleBrowser } from "../helpers/browser";

/**
 * Issue 33 (9): "focus ring not clipped in the top bar". A keyboard user tabs through the top bar at
 * 1280 px and, with the menu open, at 390 px: every link and button there shows its focus ring whole
 * (no ancestor that clips overflow cuts it) and in a colour that stands out from the bar (3:1, WCAG 2.2's
 * non-text contrast).
 */
const { browser, check, violations } = useConsoleBrowser();

type Ring = { label: string; style: string; width: number; clippedBy: string | null; contrast: number };

/** The focused element's ring: its outline, the first ancestor whose clipping box cuts it, and its contrast with the bar. */
const focusedRing = (page: Page) =>
  page.evaluate((): Ring | null => {
    const g = globalThis as any;
    const el = g.document.activeElement;
    if (!el?.closest("header.top")) return null;
    const cs = g.getComputedStyle(el);
    const width = Number.parseFloat(cs.outlineWidth) || 0;
    const grow = width + (Number.parseFloat(cs.outlineOffset) || 0);
    const r = el.getBoundingClientRect();
    const ring = { top: r.top - grow, left: r.left - grow, bottom: r.bottom + grow, right: r.right + grow };
    let clippedBy: string | null = null;
    for (let a = el.parentElement; a && a !== g.document.documentElement; a = a.parentElement) {
      const s = g.getComputedStyle(a);
      if (s.overflowX === "visible" && s.overflowY === "visible") continue;
      const b = a.getBoundingClientRect();
      if (ring.top < b.top - 0.5 || ring.left < b.left - 0.5 || ring.bottom > b.bottom + 0.5 || ring.right > b.right + 0.5) {
        clippedBy = `${a.tagName.toLowerCase()}${a.id ? `#${a.id}` : ""}${a.className ? `.${String(a.className).split(" ").join(".")}` : ""}`;
        break;
      }
    }
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const lum = (c: string) => {
      const [R, G, B] = rgb(c).map((v) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
      return 0.2126 * R + 0.7152 * G + 0.0722 * B;
    };
    const bar = g.getComputedStyle(el.closest("header.top")).backgroundColor;
    const [hi, lo] = [lum(cs.outlineColor), lum(bar)].sort((x, y) => y - x) as [number, number];
    return {
      label: (el.textContent || el.getAttribute("aria-label") || "").trim(),
      style: cs.outlineStyle,
      width,
      clippedBy,
      contrast: (hi + 0.05) / (lo + 0.05),
    };
  });

/** Tabs from the top of the page through the top bar; the rings of everything focused there. */
const tabThroughTopBar = async (page: Page) => {
  await page.mouse.click(5, 400);
  await page.evaluate(() => (globalThis as any).document.activeElement?.blur());
  const rings: Ring[] = [];
  let left = false;
  for (let i = 0; i < 30 && !left; i++) {
    await page.keyboard.press("Tab");
    const r = await focusedRing(page);
    if (r) rings.push(r);
    else if (rings.length > 0) left = true;
  }
  return rings;
};

describe("the console's top bar for keyboard users", () => {
  it("shows every focus ring in the top bar whole and visible, on a desktop and on a phone with the menu open", async () => {
    const { key } = await newTenant("business");
    const page = await browser().newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, `${inject("runtimeUrl")}/console`, key);

    const wide = await tabThroughTopBar(page);
    expect(wide.map((r) => r.label)).toEqual(expect.arrayContaining(["Sessions", "Inbox", "API keys", "Sign out"]));
    for (const r of wide) expect(r, r.label).toMatchObject({ style: "solid", clippedBy: null });
    for (const r of wide) expect(r.width, r.label).toBeGreaterThanOrEqual(2);
    for (const r of wide) expect(r.contrast, r.label).toBeGreaterThanOrEqual(3);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("button", { name: "Menu" }).click();
    const phone = await tabThroughTopBar(page);
    expect(phone.map((r) => r.label)).toEqual(expect.arrayContaining(["Menu", "Sessions", "Inbox", "API keys", "Sign out"]));
    for (const r of phone) expect(r, r.label).toMatchObject({ style: "solid", clippedBy: null });
    for (const r of phone) expect(r.contrast, r.label).toBeGreaterThanOrEqual(3);
    await check(page, "focus-menu-390");
    await page.close();
    expect(violations).toEqual({});
  });
});
