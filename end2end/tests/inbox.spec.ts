import * as fs from "node:fs";
import { expect, Page, test } from "@playwright/test";
import { demo, freshPassword, gotoHydrated, signInAs } from "./helpers";

// 待辦 and the menu (#39 items 1 and 3): the side bar on a desktop, the drawer on a 10-inch
// tablet; a look-up left without a comparison waits in the inbox and reopens on the workbench
// under the same query id. Screenshots go to SHOTS (when set) to be looked at.
const SHOTS = process.env.YINJIAN_SHOTS;

async function shot(page: Page, name: string) {
  if (SHOTS) {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
  }
}

async function lookUp(page: Page, caseNo: string) {
  await gotoHydrated(page, "/compare");
  await page.getByTestId("q-business-type").selectOption("land_registration");
  await page.getByTestId("q-case-year").fill("115");
  await page.getByTestId("q-case-word").fill("大安");
  await page.getByTestId("q-case-number").fill(caseNo);
  await page.getByTestId("q-national-id").fill("A123456789");
  await page.getByTestId("q-submit").click();
  await expect(page.getByTestId("query-receipt")).toContainText(`115年大安字第${caseNo}號`);
  await expect(page.getByTestId("registered-image")).toBeVisible();
}

test.describe("desktop 1366×768", () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test("a clerk's menu, inbox and an interrupted look-up resumed", async ({ page }) => {
    await signInAs(page, "clerk");
    await gotoHydrated(page, "/");
    const menu = page.getByTestId("menu");
    await expect(menu).toBeVisible();
    await expect(page.getByTestId("menu-button")).toBeHidden();
    // the clerk's pages only, the current one marked
    await expect(menu.locator('a[data-entry="compare"]')).toBeVisible();
    await expect(menu.locator('a[data-entry="home"]')).toHaveAttribute("aria-current", "page");
    await expect(menu.locator('a[data-entry="trail"]')).toHaveCount(0);
    await expect(menu.locator('a[data-entry="accounts"]')).toHaveCount(0);

    // a look-up, then the tab is left: it waits as 未完成比對
    await lookUp(page, "039001");
    await gotoHydrated(page, "/");
    const row = page.locator('[data-testid=inbox] tr[data-kind="unfinished_lookup"]').filter({ hasText: "115年大安字第039001號" });
    await expect(row).toBeVisible();
    await expect(row).toContainText("未完成比對");
    // deadlines in ROC dates
    await expect(row.locator("td.deadline")).toHaveText(/^1\d\d\/\d\d\/\d\d \d\d:\d\d/);
    await expect(page.getByTestId("menu-count-compare")).toHaveText(/^[1-9]\d*$/);
    await shot(page, "inbox-clerk-1366");

    // reopened on the workbench under the same query: the receipt and the impression are back
    const id = await row.getAttribute("data-id");
    await row.getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`/compare\\?resume=${id}$`));
    await expect(page.getByTestId("query-receipt")).toContainText("115年大安字第039001號");
    await expect(page.getByTestId("registered-image")).toBeVisible();
    await expect(page.locator('a[data-entry="compare"]')).toHaveAttribute("aria-current", "page");
    await shot(page, "compare-resumed-1366");
  });

  test("a supervisor's and an administrator's menus", async ({ page }) => {
    await signInAs(page, "supervisor");
    await gotoHydrated(page, "/");
    const menu = page.getByTestId("menu");
    for (const e of ["home", "history", "liaison", "reports", "audits", "register", "account_requests"]) {
      await expect(menu.locator(`a[data-entry="${e}"]`)).toBeVisible();
    }
    await expect(menu.locator('a[data-entry="compare"]')).toHaveCount(0);
    await shot(page, "inbox-supervisor-1366");
  });
});

test.describe("10-inch tablet 1280×800, touch", () => {
  test.use({ viewport: { width: 1280, height: 800 }, hasTouch: true });

  test("the menu is a drawer opened from the header", async ({ page }) => {
    await signInAs(page, "internal_auditor");
    await gotoHydrated(page, "/");
    const menu = page.getByTestId("menu");
    const button = page.getByTestId("menu-button");
    await expect(button).toBeVisible();
    await expect(menu).not.toBeInViewport();
    await button.tap();
    await expect(menu).toBeInViewport();
    await expect(button).toHaveAttribute("aria-expanded", "true");
    // touch targets of at least 44 px
    const link = menu.locator('a[data-entry="audits"]');
    const box = await link.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await page.waitForTimeout(400); // the drawer's slide
    await shot(page, "drawer-auditor-1280");
    await link.tap();
    await expect(page).toHaveURL(/\/audits$/);
    await expect(menu).not.toBeInViewport();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, "audits-auditor-1280");
  });
});

// The idle timeout's warning. The server's side (time left read without extending, 繼續使用
// extending) is tested on both databases in server/tests/it/inbox.rs; here the page's side, with
// the session's time left answered as if 13 minutes had passed (a real wait would be 13
// minutes): the warning, 繼續使用 through the real server, and the move to the sign-in page
// that brings the person back afterwards.
test.describe("the idle timeout's warning", () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test("warns two minutes ahead, continues, and returns after a timeout", async ({ page }) => {
    await signInAs(page, "clerk");
    let left = 125;
    await page.route("**/api/session/time", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ remaining_secs: left, idle_secs: 900 }) }),
    );
    await gotoHydrated(page, "/comparisons");
    const warning = page.getByTestId("session-warning");
    await expect(warning).toBeVisible({ timeout: 20_000 });
    await expect(warning).toContainText("秒後自動登出");
    await shot(page, "session-warning-1366");
    // 繼續使用 is activity: the real server extends the session and answers the full time
    left = 900;
    await page.getByTestId("session-continue").click();
    await expect(warning).toBeHidden();
    // the session ends: to the sign-in page, which brings the person back here
    left = 1;
    await page.unroute("**/api/session/time");
    await page.route("**/api/session/time", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ remaining_secs: 1, idle_secs: 900 }) }),
    );
    await page.reload();
    await expect(page).toHaveURL(/\/login\?next=\/comparisons$/, { timeout: 20_000 });
    await page.unroute("**/api/session/time");
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    await page.getByLabel("員工編號").fill(demo("clerk").employeeNo);
    await page.getByLabel("密碼", { exact: true }).fill(freshPassword("clerk"));
    await page.getByRole("button", { name: "登入" }).click();
    await expect(page).toHaveURL(/\/comparisons$/);
  });
});
