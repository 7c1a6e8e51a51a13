import { Browser, BrowserContext, expect, Page, test } from "@playwright/test";
import { gotoHydrated, signInAs } from "./helpers";

// Audits on a 10-inch tablet: the vendor audit (附件三) with the representative's signature drawn
// on the screen, and the audit list in portrait and landscape. (Before auth.spec, which locks
// the external auditor's account; the internal audit is in internal-audit.spec.)

const TABLET = { viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: false, locale: "zh-TW" };

async function as(browser: Browser, role: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext(TABLET);
  const page = await ctx.newPage();
  await signInAs(page, role);
  return { ctx, page };
}

test("portrait and landscape: the audit list fits a 10-inch tablet", async ({ browser }) => {
  for (const viewport of [
    { width: 800, height: 1280 },
    { width: 1280, height: 800 },
  ]) {
    const ctx = await browser.newContext({ ...TABLET, viewport });
    const page = await ctx.newPage();
    await signInAs(page, "internal_auditor");
    await gotoHydrated(page, "/audits");
    await expect(page.getByTestId("open-internal")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    const b = await page.getByTestId("open-internal").boundingBox();
    expect(b!.height).toBeGreaterThanOrEqual(48);
    await ctx.close();
  }
});

test("a vendor audit (附件三) on a tablet: 41 items, the representative signs on the screen, a 不符合 is followed up", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const { ctx, page } = await as(browser, "external_auditor");
  await gotoHydrated(page, "/audits");
  await page.getByTestId("vendor-name").fill("測試資訊股份有限公司");
  await page.getByTestId("open-vendor").tap();
  await expect(page).toHaveURL(/\/audits\/\d+$/);
  await page.waitForLoadState("networkidle");
  const items = page.locator('[data-testid="vendor-checklist"] .choice');
  await expect(items).toHaveCount(41);
  // 3.(8): uploads are not scanned — 不符合 with the finding
  await page.getByTestId("v-38-does_not_conform").tap();
  await page.getByTestId("v-38-finding").fill("上傳檔案未自動掃毒");
  await page.getByTestId("v-38-finding").press("Tab");
  for (let i = 0; i < 41; i++) {
    const open = page.locator('[data-testid="vendor-checklist"] .choice[data-result=""] button[data-testid$="-conforms"]');
    if ((await open.count()) === 0) break;
    await open.first().tap();
  }
  await page.getByTestId("text-result").fill("應用程式安全一項待改善");
  await page.getByTestId("text-result").press("Tab");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "saved");
  await expect(page.getByTestId("missing")).toHaveAttribute("data-count", "0");

  // the representative (no account) writes their name and signs with a finger
  await page.getByTestId("vendor-rep").fill("王大明");
  const pad = page.getByTestId("signature-pad");
  await pad.scrollIntoViewIfNeeded();
  const b = (await pad.boundingBox())!;
  await page.mouse.move(b.x + 20, b.y + b.height / 2);
  await page.mouse.down();
  for (let x = 20; x < b.width - 20; x += 15) {
    await page.mouse.move(b.x + x, b.y + b.height / 2 + Math.sin(x / 20) * 20);
  }
  await page.mouse.up();
  await page.getByTestId("sign-vendor").tap();
  await expect(page.getByTestId("slot-vendor")).toHaveAttribute("data-signed", "true");
  await expect(page.getByTestId("slot-vendor").locator("img.signature")).toBeVisible();
  await page.getByTestId("sign-auditor").tap();
  await expect(page.getByTestId("audit-state")).toHaveText("已完成簽章");
  await expect(page.getByTestId("audit-followups")).toContainText("上傳檔案未自動掃毒");

  // followed up until closed
  await gotoHydrated(page, "/audits/followups");
  const card = page.locator('[data-testid^="followup-"]').filter({ hasText: "上傳檔案未自動掃毒" });
  await expect(card).toHaveAttribute("data-status", "open");
  await expect(card.getByTestId("followup-item")).toHaveText("3.(8)");
  await card.getByTestId("followup-status").selectOption("closed");
  await card.getByTestId("followup-note").fill("已導入自動掃毒");
  await card.getByTestId("followup-save").tap();
  await expect(card).toHaveAttribute("data-status", "closed");
  await ctx.close();
});
