import { expect, test } from "@playwright/test";
import { demo, signIn } from "./helpers";

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
