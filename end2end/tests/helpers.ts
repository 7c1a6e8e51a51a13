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
}

export async function signIn(page: Page, a: Account, password = a.password) {
  await gotoHydrated(page, "/login");
  await page.getByLabel("員工編號").fill(a.employeeNo);
  await page.getByLabel("密碼", { exact: true }).fill(password);
  await page.getByRole("button", { name: "登入" }).click();
}

export async function expectNoCspViolations(messages: string[]) {
  expect(messages.filter((m) => /Content Security Policy|Refused to/.test(m))).toEqual([]);
}
