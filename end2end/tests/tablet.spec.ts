import { expect, test } from "@playwright/test";
import { gotoHydrated } from "./helpers";

// A 10-inch tablet, portrait and landscape, touch.
for (const [name, viewport] of [
  ["portrait", { width: 800, height: 1280 }],
  ["landscape", { width: 1280, height: 800 }],
] as const) {
  test.describe(`tablet ${name}`, () => {
    test.use({ viewport, hasTouch: true });

    test("sign-in fits the screen and its touch targets are at least 44 px", async ({ page }) => {
      await gotoHydrated(page, "/login");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      for (const target of [
        page.getByLabel("員工編號"),
        page.getByLabel("密碼", { exact: true }),
        page.getByRole("button", { name: "登入" }),
        page.getByRole("button", { name: "English" }),
      ]) {
        const box = await target.boundingBox();
        expect(box, "visible").not.toBeNull();
        expect(box!.height).toBeGreaterThanOrEqual(44);
      }
      // keyboard: the skip link comes first and focus is visible
      await page.keyboard.press("Tab");
      await expect(page.getByRole("link", { name: "跳到主要內容" })).toBeFocused();
    });
  });
}
