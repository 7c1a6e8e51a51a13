import { Browser, expect, Page, test } from "@playwright/test";
import { acknowledgeIfAsked, gotoHydrated, signIn, signInAs } from "./helpers";

// The account change request (附件五) in the browser: 新增 from filing to the new user's first
// sign-in, then 註銷 ending that user's open session in another browser context.

async function as(browser: Browser, role: string): Promise<Page> {
  const ctx = await browser.newContext({ locale: "zh-TW", viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await signInAs(page, role);
  return page;
}

async function fileRequest(page: Page, kind: "create" | "cancel", emp: string, reason = "") {
  await gotoHydrated(page, "/accounts/requests/new");
  await page.getByTestId(`kind-${kind}`).check();
  if (reason) await page.getByTestId("r-reason").fill(reason);
  await page.getByTestId("r-section").fill("登記課");
  await page.getByTestId("r-name").fill("新同仁");
  await page.getByTestId("r-emp").fill(emp);
  // the e-mail rule, checked in the page as on the server
  await page.getByTestId("r-email").fill(`${emp.toLowerCase()}@gmail.com`);
  await page.getByTestId("file-request").click();
  await expect(page.getByTestId("err-email")).toContainText("公務信箱");
  await page.getByTestId("r-email").fill(`${emp.toLowerCase()}@gov.taipei`);
  if (kind === "create") await page.getByTestId("role-clerk").check();
  await page.getByTestId("file-request").click();
  await expect(page).toHaveURL(/\/accounts\/requests\/\d+$/);
  await expect(page.getByTestId("request")).toHaveAttribute("data-state", "filed");
  return page.url();
}

async function endorseAndApprove(supervisor: Page, manager: Page, url: string) {
  await gotoHydrated(supervisor, url);
  await supervisor.getByTestId("endorse").click();
  await expect(supervisor.getByTestId("request")).toHaveAttribute("data-state", "endorsed");
  await gotoHydrated(manager, url);
  await manager.getByTestId("review-provide").check();
  await manager.getByTestId("review-submit").click();
  await expect(manager.getByTestId("request")).toHaveAttribute("data-state", "applied");
}

test("新增 from filing to the first sign-in; 註銷 ends the user's open session", async ({ browser }) => {
  test.setTimeout(180_000);
  const clerk = await as(browser, "clerk");
  const supervisor = await as(browser, "supervisor");
  const manager = await as(browser, "account_manager");

  const url = await fileRequest(clerk, "create", "C0042");
  await endorseAndApprove(supervisor, manager, url);
  const password = (await manager.getByTestId("initial-password").locator("strong").textContent())!.trim();
  await expect(manager.getByTestId("timeline").locator("li")).toHaveCount(4);

  // the new user signs in (first sign-in: a new password)
  const ctx = await browser.newContext({ locale: "zh-TW" });
  const user = await ctx.newPage();
  await signIn(user, { employeeNo: "C0042", password });
  await expect(user).toHaveURL(/\/password$/);
  await user.waitForLoadState("networkidle");
  await user.getByLabel("目前密碼").fill(password);
  await user.getByLabel("新密碼", { exact: true }).fill("Brand-New-User-2026!");
  await user.getByLabel("再次輸入新密碼").fill("Brand-New-User-2026!");
  await user.getByRole("button", { name: "儲存" }).click();
  await acknowledgeIfAsked(user);
  await expect(user).toHaveURL(/\/$/);
  await expect(user.getByTestId("who")).toContainText("C0042");

  // 註銷: once it takes effect the user's open session is gone
  const cancelUrl = await fileRequest(clerk, "cancel", "C0042", "離職");
  await endorseAndApprove(supervisor, manager, cancelUrl);
  await gotoHydrated(user, "/");
  await expect(user).toHaveURL(/\/login$/);
  await signIn(user, { employeeNo: "C0042", password: "Brand-New-User-2026!" });
  await expect(user.getByTestId("login-error")).toBeVisible();
});

test("the account manager starts this quarter's review and marks an account keep", async ({ browser }) => {
  const manager = await as(browser, "account_manager");
  await gotoHydrated(manager, "/accounts/review");
  const start = manager.getByTestId("start-review");
  if (await start.isVisible()) await start.click();
  const items = manager.getByTestId("review-items");
  await expect(items).toBeVisible();
  await expect(items).toContainText("C0001");
  await manager.getByTestId("keep-C0001").click();
  await expect(manager.getByTestId("keep-C0001")).toBeDisabled();
});

test("an approved 新增 that can no longer take effect ends as failed, with its reason on the request", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const clerk = await as(browser, "clerk");
  const supervisor = await as(browser, "supervisor");
  const manager = await as(browser, "account_manager");
  const admin = await as(browser, "admin");

  const url = await fileRequest(clerk, "create", "C0088");
  await gotoHydrated(supervisor, url);
  await supervisor.getByTestId("endorse").click();
  await expect(supervisor.getByTestId("request")).toHaveAttribute("data-state", "endorsed");
  // meanwhile the administrator creates an account with that employee number directly
  await gotoHydrated(admin, "/admin/accounts");
  const form = admin.locator("section", { has: admin.getByRole("heading", { name: "新增帳號" }) });
  await form.getByLabel("員工編號").fill("C0088");
  await form.getByLabel("姓名").fill("新同仁");
  await form.locator("#new-unit").selectOption({ label: "臺北市松山地政事務所" });
  await form.getByRole("checkbox", { name: "使用者", exact: true }).check();
  await form.getByRole("button", { name: "新增", exact: true }).click();
  await expect(admin.getByTestId("admin-message")).toContainText("C0088");

  // the approval cannot take effect: the request is closed as failed, and says why
  await gotoHydrated(manager, url);
  await manager.getByTestId("review-provide").check();
  await manager.getByTestId("review-submit").click();
  await expect(manager.getByRole("alert").filter({ hasText: "未能生效" })).toBeVisible();
  await gotoHydrated(manager, url);
  await expect(manager.getByTestId("request")).toHaveAttribute("data-state", "failed");
  await expect(manager.getByTestId("request-failure")).toContainText("使用者帳號重複");
  // the filer sees the same
  await gotoHydrated(clerk, url);
  await expect(clerk.getByTestId("request-failure")).toContainText("使用者帳號重複");
  for (const p of [clerk, supervisor, manager, admin]) await p.context().close();
});
