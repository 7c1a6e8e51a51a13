import { expect, test } from "@playwright/test";
import { acknowledgeIfAsked, demo, expectNoCspViolations, gotoHydrated, signIn } from "./helpers";

test("a demo clerk signs in, must change the password, then signs out", async ({ page }) => {
  const clerk = demo("clerk");
  await signIn(page, clerk);
  await expect(page).toHaveURL(/\/password$/);
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("heading", { name: "變更密碼" })).toBeVisible();
  await expect(page.getByText("首次登入")).toBeVisible();

  const fresh = "Seal-Clerk-2026!";
  await page.getByLabel("目前密碼").fill(clerk.password);
  await page.getByLabel("新密碼", { exact: true }).fill(fresh);
  await page.getByLabel("再次輸入新密碼").fill(fresh);
  await page.getByRole("button", { name: "儲存" }).click();
  // then the notice on official use (五(二)1、九), once a year
  await expect(page).toHaveURL(/\/acknowledge$/);
  await acknowledgeIfAsked(page);

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: /您好/ })).toBeVisible();
  await expect(page.getByTestId("who")).toContainText(clerk.employeeNo);
  await expect(page.getByTestId("who")).toContainText("大安地政事務所");

  // (a click before the page has hydrated would be a plain form submission)
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login$/);
  // the old one-time password no longer works; the new one does, with no forced change
  await signIn(page, clerk);
  await expect(page.getByTestId("login-error")).toContainText("員工編號或密碼錯誤");
  await signIn(page, clerk, fresh);
  await expect(page).toHaveURL(/\/$/);
});

test("five wrong passwords lock the account", async ({ page }) => {
  const auditor = demo("external_auditor");
  for (let i = 1; i <= 4; i++) {
    await signIn(page, auditor, `Wrong-Password-${i}`);
    await expect(page.getByTestId("login-error")).toContainText("員工編號或密碼錯誤");
  }
  await signIn(page, auditor, "Wrong-Password-5");
  await expect(page.getByTestId("login-error")).toContainText("帳號已鎖定");
  // even the right password is refused while locked
  await signIn(page, auditor);
  await expect(page.getByTestId("login-error")).toContainText("帳號已鎖定");
  await expect(page).toHaveURL(/\/login$/);
});

test("pages hydrate under the CSP: the password rules react as you type", async ({ page }) => {
  const messages: string[] = [];
  page.on("console", (m) => messages.push(m.text()));
  page.on("pageerror", (e) => messages.push(String(e)));
  const response = await page.goto("/login");
  const csp = response!.headers()["content-security-policy"];
  expect(csp).toContain("script-src 'self' 'nonce-");
  expect(csp).not.toContain("unsafe-inline' 'wasm");
  await page.waitForLoadState("networkidle");

  await signIn(page, demo("supervisor"));
  await expect(page).toHaveURL(/\/password$/);
  // a full page load: type only once it has hydrated
  await page.waitForLoadState("networkidle");
  const problems = page.getByTestId("password-problems");
  await page.getByLabel("新密碼", { exact: true }).fill("short");
  await expect(problems).toContainText("至少需 12 個字元");
  await page.getByLabel("新密碼", { exact: true }).fill("S0001-long-enough");
  await expect(problems).toContainText("不可包含員工編號");
  await page.getByLabel("新密碼", { exact: true }).fill("Long-Enough-Pass-1");
  await expect(problems).toBeEmpty();
  await expectNoCspViolations(messages);
});

test("the language switches to English and back", async ({ page }) => {
  await gotoHydrated(page, "/login");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-TW");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByRole("button", { name: "中文" }).click();
  await expect(page.getByRole("heading", { name: "登入" })).toBeVisible();
});
