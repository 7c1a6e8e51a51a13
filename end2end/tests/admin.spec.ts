import { expect, test } from "@playwright/test";
import { acknowledgeIfAsked, demo, gotoHydrated, signIn, signInAs } from "./helpers";

test("an administrator creates an account whose one-time password works", async ({ page, browser }) => {
  const admin = demo("admin");
  await signIn(page, admin);
  await expect(page).toHaveURL(/\/password$/);
  await page.waitForLoadState("networkidle");
  const fresh = "Admin-Seal-2026!";
  await page.getByLabel("目前密碼").fill(admin.password);
  await page.getByLabel("新密碼", { exact: true }).fill(fresh);
  await page.getByLabel("再次輸入新密碼").fill(fresh);
  await page.getByRole("button", { name: "儲存" }).click();
  await acknowledgeIfAsked(page);
  await expect(page.getByRole("link", { name: "帳號管理" })).toBeVisible();
  await page.getByRole("link", { name: "帳號管理" }).click();
  await page.waitForLoadState("networkidle");

  const form = page.locator("section", { has: page.getByRole("heading", { name: "新增帳號" }) });
  await form.getByLabel("員工編號").fill("N9001");
  await form.getByLabel("姓名").fill("周新人");
  await form.locator("#new-unit").selectOption({ label: "臺北市松山地政事務所" });
  await form.getByRole("checkbox", { name: "使用者", exact: true }).check();
  await form.getByRole("button", { name: "新增", exact: true }).click();
  const msg = page.getByTestId("admin-message");
  await expect(msg).toContainText("N9001");
  const otp = (await msg.textContent())!.split("：").pop()!.trim();
  await expect(page.getByTestId("accounts")).toContainText("周新人");

  const other = await browser.newPage();
  await signIn(other, { employeeNo: "N9001", password: otp });
  await expect(other).toHaveURL(/\/password$/);
  await other.waitForLoadState("networkidle");
  await other.close();
});

/** Today (Taipei) as an ROC date, `115/12/02`, shifted by `days`. */
function rocDate(days = 0): string {
  const d = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear() - 1911}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}`;
}

test("an administrator designates a deputy with an end date and ends it early", async ({ page }) => {
  await signInAs(page, "admin");
  await gotoHydrated(page, "/admin/accounts");
  const section = page.locator("section", { has: page.getByRole("heading", { name: "職務指定" }) });
  await section.locator("#d-account").selectOption({ label: "N9001 周新人" });
  await section.locator("#d-kind").selectOption({ label: "查詢資料產製專人" });
  await section.locator("#d-from").fill(rocDate());
  // without an end date the designation is refused with a reason
  await section.getByRole("button", { name: "新增", exact: true }).click();
  await expect(page.getByTestId("admin-error")).toContainText("迄日");
  await section.locator("#d-to").fill(rocDate(30));
  await section.getByRole("button", { name: "新增", exact: true }).click();
  const row = section.locator('li[data-testid^="designation-"]', { hasText: "N9001" });
  await expect(row).toContainText(rocDate(30));
  const end = row.locator('button[data-testid^="end-designation-"]');
  await expect(end).toBeVisible();
  await end.click();
  // ended today: the end date is today and it can no longer be ended
  await expect(row.locator('button[data-testid^="end-designation-"]')).toHaveCount(0);
  await expect(row).toContainText(`– ${rocDate()}`);
});
