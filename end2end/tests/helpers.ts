import * as fs from "node:fs";
import * as path from "node:path";
import { expect, Page } from "@playwright/test";

export type Account = { employeeNo: string; password: string };

export function demo(role: string): Account {
  const state = JSON.parse(fs.readFileSync(path.join(__dirname, "..", ".run", "state.json"), "utf8"));
  const a = state.accounts[role];
  if (!a) throw new Error(`no demo account for ${role}`);
  return a;
}

/** Open a page and wait until the WASM bundle has hydrated it. */
export async function gotoHydrated(page: Page, url: string) {
  await page.goto(url);
  await page.waitForLoadState("networkidle");
  // set by the app's first Effect, which runs only once the page is hydrated
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

export async function signIn(page: Page, a: Account, password = a.password) {
  await gotoHydrated(page, "/login");
  await page.getByLabel("員工編號").fill(a.employeeNo);
  await page.getByLabel("密碼", { exact: true }).fill(password);
  await page.getByRole("button", { name: "登入" }).click();
}

/**
 * The notice on official use and personal data (作業規定五(二)1、九): at the first sign-in of
 * the year the app leads to /acknowledge (after a forced password change, if one is due); read
 * it and click 「我已閱讀並同意遵守」 as a person does, when asked. Waits until the page has
 * left /login and /password, then acknowledges if it is on /acknowledge (and waits until it
 * has gone on); otherwise does nothing.
 */
export async function acknowledgeIfAsked(page: Page) {
  const where = () => new URL(page.url()).pathname;
  for (let i = 0; i < 150 && (where() === "/login" || where() === "/password"); i++) {
    if (await page.getByTestId("login-error").isVisible()) return;
    await page.waitForTimeout(100);
  }
  if (where() !== "/acknowledge") return;
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByRole("button", { name: "我已閱讀並同意遵守" }).click();
  await expect(page).not.toHaveURL(/\/acknowledge/);
  await page.waitForLoadState("networkidle");
}

export async function expectNoCspViolations(messages: string[]) {
  expect(messages.filter((m) => /Content Security Policy|Refused to/.test(m))).toEqual([]);
}

/** The password a test sets for a demo account at its first sign-in. */
export function freshPassword(role: string): string {
  // the ones admin.spec and auth.spec set, then one per role
  if (role === "clerk") return "Seal-Clerk-2026!";
  if (role === "admin") return "Admin-Seal-2026!";
  return `Seal-${role}-2026!`;
}

/**
 * Sign in as a demo role whatever an earlier test did: with the one-time password (then the
 * forced change to `freshPassword(role)`), or with `freshPassword(role)` when that happened.
 */
export async function signInAs(page: Page, role: string) {
  const a = demo(role);
  await signIn(page, a);
  // sign-in navigates inside the page (no load event): poll for where it ended up
  let outcome = "";
  for (let i = 0; i < 300 && !outcome; i++) {
    const url = new URL(page.url());
    if (url.pathname === "/password") outcome = "change";
    else if (url.pathname === "/acknowledge") outcome = "acknowledge";
    else if (url.pathname === "/") outcome = "home";
    else if (await page.getByTestId("login-error").isVisible()) outcome = "error";
    else await page.waitForTimeout(100);
  }
  if (!outcome) throw new Error(`sign-in as ${role} went nowhere: ${page.url()}`);
  if (outcome === "error") {
    await signIn(page, a, freshPassword(role));
    await acknowledgeIfAsked(page);
    await expect(page).toHaveURL(/\/$/);
  } else if (outcome === "change") {
    await page.waitForLoadState("networkidle");
    await page.getByLabel("目前密碼").fill(a.password);
    await page.getByLabel("新密碼", { exact: true }).fill(freshPassword(role));
    await page.getByLabel("再次輸入新密碼").fill(freshPassword(role));
    await page.getByRole("button", { name: "儲存" }).click();
    await acknowledgeIfAsked(page);
    await expect(page).toHaveURL(/\/$/);
  } else if (outcome === "acknowledge") {
    await acknowledgeIfAsked(page);
    await expect(page).toHaveURL(/\/$/);
  }
}
