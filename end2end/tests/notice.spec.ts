import * as fs from "node:fs";
import * as path from "node:path";
import { expect, Page, test } from "@playwright/test";
import { gotoHydrated, signInAs } from "./helpers";

// 公務使用及個人資料保護聲明 (作業規定五(二)1、九; #39 item 5): the sign-in page states it; a new
// account, after its forced password change, is led to /acknowledge and to nothing else until it
// clicks 「我已閱讀並同意遵守」; then on to the home page (or where it was going); the register shows
// the date. At 1366×768 (desktop) and 1280×800 with touch (a 10-inch tablet), with screenshots in
// end2end/.run/shots/. (Named to run after admin.spec, which wants the demo administrator's first
// sign-in with its one-time password; this one signs the administrator in with signInAs.)

const SHOTS = path.join(__dirname, "..", ".run", "shots");

/** Today (Taipei) as an ROC date, `115/12/08`. */
function rocToday(): string {
  const d = new Date(Date.now() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear() - 1911}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}`;
}

/** An administrator creates a clerk account; its one-time password. */
async function createClerk(admin: Page, employeeNo: string, name: string): Promise<string> {
  await gotoHydrated(admin, "/admin/accounts");
  const form = admin.locator("section", { has: admin.getByRole("heading", { name: "新增帳號" }) });
  await form.getByLabel("員工編號").fill(employeeNo);
  await form.getByLabel("姓名").fill(name);
  await form.locator("#new-unit").selectOption({ label: "臺北市松山地政事務所" });
  await form.getByRole("checkbox", { name: "使用者", exact: true }).check();
  await form.getByRole("button", { name: "新增", exact: true }).click();
  const msg = admin.getByTestId("admin-message");
  await expect(msg).toContainText(employeeNo);
  return (await msg.textContent())!.split("：").pop()!.trim();
}

async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

/** The notice as the sign-in page shows it. */
async function expectNotice(page: Page) {
  const notice = page.getByTestId("notice");
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("本系統僅供公務使用");
  await expect(notice).toContainText("每次查詢均留存紀錄");
  await expect(notice).toContainText("個人資料保護法");
  await expect(notice).toContainText("五(二)1、九");
}

/** Sign in with the one-time password and set a new one: the app goes on to /acknowledge. */
async function firstSignIn(page: Page, employeeNo: string, otp: string, fresh: string, tap: boolean) {
  await page.getByLabel("員工編號").fill(employeeNo);
  await page.getByLabel("密碼", { exact: true }).fill(otp);
  const go = page.getByRole("button", { name: "登入" });
  await (tap ? go.tap() : go.click());
  await expect(page).toHaveURL(/\/password$/);
  await page.waitForLoadState("networkidle");
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByLabel("目前密碼").fill(otp);
  await page.getByLabel("新密碼", { exact: true }).fill(fresh);
  await page.getByLabel("再次輸入新密碼").fill(fresh);
  const save = page.getByRole("button", { name: "儲存" });
  await (tap ? save.tap() : save.click());
  await expect(page).toHaveURL(/\/acknowledge$/);
  await page.waitForLoadState("networkidle");
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page.getByRole("heading", { name: "公務使用及個人資料保護聲明" })).toBeVisible();
  await expect(page.getByTestId("notice")).toContainText("本系統僅供公務使用");
}

test("a new account reads the notice, acknowledges it once, and the register shows the date", async ({ browser }) => {
  test.setTimeout(180_000);
  const adminCtx = await browser.newContext({ locale: "zh-TW" });
  const admin = await adminCtx.newPage();
  await signInAs(admin, "admin");
  const desk = await createClerk(admin, "N9101", "林聲明");
  const tablet = await createClerk(admin, "N9102", "陳聲明");
  await createClerk(admin, "N9103", "王未登");

  // desktop, 1366×768: the sign-in page states the notice (and in English when asked)
  const ctx = await browser.newContext({ locale: "zh-TW", viewport: { width: 1366, height: 768 } });
  const page = await ctx.newPage();
  await gotoHydrated(page, "/login");
  await expectNotice(page);
  await shot(page, "login-1366x768.png");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByTestId("notice")).toContainText("For official use only");
  await expect(page.getByTestId("notice")).toContainText("Personal Data Protection Act");
  await page.getByRole("button", { name: "中文" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-TW");
  await page.waitForLoadState("networkidle");
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });

  await firstSignIn(page, "N9101", desk, "Notice-Desk-2026!", false);
  await shot(page, "acknowledge-1366x768.png");
  // nothing else first: the home page leads back here
  await gotoHydrated(page, "/");
  await expect(page).toHaveURL(/\/acknowledge$/);
  await page.getByRole("button", { name: "我已閱讀並同意遵守" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: /您好/ })).toBeVisible();
  await expect(page.getByTestId("who")).toContainText("N9101");
  await shot(page, "home-after-acknowledge-1366x768.png");
  // once a year: signing in again goes straight home
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login$/);
  await gotoHydrated(page, "/login");
  await page.getByLabel("員工編號").fill("N9101");
  await page.getByLabel("密碼", { exact: true }).fill("Notice-Desk-2026!");
  await page.getByRole("button", { name: "登入" }).click();
  await expect(page).toHaveURL(/\/$/);
  await ctx.close();

  // a 10-inch tablet, 1280×800 with touch: where it was going comes after the notice
  const tabCtx = await browser.newContext({ locale: "zh-TW", viewport: { width: 1280, height: 800 }, hasTouch: true });
  const tab = await tabCtx.newPage();
  await gotoHydrated(tab, "/login");
  await expectNotice(tab);
  await shot(tab, "login-1280x800.png");
  await firstSignIn(tab, "N9102", tablet, "Notice-Tablet-2026!", true);
  await gotoHydrated(tab, "/comparisons");
  await expect(tab).toHaveURL(/\/acknowledge\?next=\/comparisons$/);
  await tab.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await shot(tab, "acknowledge-1280x800.png");
  const button = tab.getByRole("button", { name: "我已閱讀並同意遵守" });
  const box = (await button.boundingBox())!;
  expect(box.height).toBeGreaterThanOrEqual(44);
  await button.tap();
  await expect(tab).toHaveURL(/\/comparisons$/);
  await tabCtx.close();

  // the register (附件四's page): the date for those who acknowledged, 未確認 for one who never signed in
  await gotoHydrated(admin, "/accounts/register");
  const row = (no: string) => admin.getByTestId("register").locator("tr", { hasText: no });
  await expect(row("N9101").getByTestId("acknowledged")).toHaveText(rocToday());
  await expect(row("N9102").getByTestId("acknowledged")).toHaveText(rocToday());
  await expect(row("N9103").getByTestId("acknowledged")).toHaveText("未確認");
  await shot(admin, "register-1366x900.png");
  await adminCtx.close();
});
