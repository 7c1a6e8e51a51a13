import { Browser, BrowserContext, expect, Page, test } from "@playwright/test";
import { demo, freshPassword, gotoHydrated, signInAs } from "./helpers";

// The monthly internal audit (附件二) on a 10-inch tablet (1024×768, touch): the internal auditor
// draws this month's sample, answers item by item, reloads midway, loses the connection and
// then the session (answers wait in the browser and are sent after signing in again), refers a
// 不符 to the Ethics Office and signs; the audited person and the supervisor sign their boxes.
// (After auth.spec, which needs the clerk's and the supervisor's first sign-in.)

const TABLET = { viewport: { width: 1024, height: 768 }, hasTouch: true, isMobile: false, locale: "zh-TW" };

function thisMonth(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
}

async function as(browser: Browser, role: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext(TABLET);
  const page = await ctx.newPage();
  await signInAs(page, role);
  return { ctx, page };
}

/** Every 符合 button not yet pressed (in page order). */
async function unanswered(page: Page) {
  return page.locator('.choice[data-result=""] button[data-testid^="yes-"]');
}

test("an internal audit on a tablet: drawn, answered through a reload and a lost connection, signed by all four", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  // a look-up this month, so there is one to sample
  const clerk = await as(browser, "clerk");
  await gotoHydrated(clerk.page, "/compare");
  await clerk.page.getByTestId("q-case-free").fill("稽核測試第1號");
  await clerk.page.getByTestId("q-national-id").fill("A123456789");
  await clerk.page.getByTestId("q-submit").click();
  await expect(clerk.page.getByTestId("registered-image")).toBeVisible();

  const { ctx, page } = await as(browser, "internal_auditor");
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await gotoHydrated(page, "/audits");
  await page.getByTestId("audit-month").fill(thisMonth());
  await page.getByTestId("audit-month").dispatchEvent("change");
  await page.getByTestId("audit-person").selectOption({ label: `陳怡君 ${demo("clerk").employeeNo}` });
  await page.getByTestId("open-internal").tap();
  await expect(page).toHaveURL(/\/audits\/\d+$/);
  const url = page.url();
  await page.waitForLoadState("networkidle");
  await expect(page.getByTestId("seed")).toHaveText(/^\d+$/);
  await expect(page.getByTestId("sample-size")).toContainText("抽 1 筆");
  // the page fits the tablet, and the answer buttons are large enough to tap
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  const first = (await unanswered(page)).first();
  const box = await first.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(48);
  // the sampled look-up's ID is masked
  const lookup = page.locator('[data-testid^="lookup-"]').first();
  await expect(lookup).toContainText(/[A-Z]\d{2}\*{4}\d{3}/);
  expect(await page.locator("main").innerText()).not.toMatch(/[A-Z][12]\d{8}/);

  // a 不符 with what was found, on the look-up's first item
  const no = lookup.locator('button[data-testid^="no-queries-0-"]');
  await no.tap();
  const note = lookup.locator('textarea[data-testid^="note-queries-0-"]');
  await note.fill("查詢與案件無關");
  await note.press("Tab");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "saved");

  // half of the rest, then a reload: nothing is lost
  const total = await (await unanswered(page)).count();
  expect(total).toBeGreaterThan(3);
  for (let i = 0; i < Math.floor(total / 2); i++) {
    await (await unanswered(page)).first().tap();
  }
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "saved");
  await page.reload();
  await page.waitForLoadState("networkidle");
  await expect(await unanswered(page)).toHaveCount(total - Math.floor(total / 2));
  await expect(lookup.locator('button[data-testid^="no-queries-0-"]')).toHaveAttribute("aria-pressed", "true");
  await expect(lookup.locator('textarea[data-testid^="note-queries-0-"]')).toHaveValue("查詢與案件無關");

  // the connection drops: answers wait in the browser, keyed by sampled item only
  await ctx.setOffline(true);
  await (await unanswered(page)).first().tap();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "offline");
  const stored = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith("yinjian.audit."))
      .map((k) => localStorage.getItem(k))
      .join(""),
  );
  // sealed under the auditor's key: nothing of the answers in clear
  expect(stored).toMatch(/^v1\.[0-9a-f]{24}\.[0-9a-f]+$/);
  expect(stored).not.toMatch(/sample|conforms|查詢與案件無關|A12|陳怡君|稽核測試/);
  await ctx.setOffline(false);
  // back online, a reload sends what waited
  await page.reload();
  await page.waitForLoadState("networkidle");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "saved");
  const left = await (await unanswered(page)).count();
  expect(left).toBe(total - Math.floor(total / 2) - 1);

  // the session ends: the next answer waits until the auditor has signed in again
  await expect(page.getByTestId("connection")).toHaveAttribute("data-sealed", "true");
  await page.waitForLoadState("networkidle");
  await ctx.clearCookies();
  await (await unanswered(page)).first().tap();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "signed-out");
  await page.getByTestId("sign-in-again").click();
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.waitForLoadState("networkidle");
  await page.getByLabel("員工編號").fill(demo("internal_auditor").employeeNo);
  await page.getByLabel("密碼", { exact: true }).fill(freshPassword("internal_auditor"));
  await page.getByRole("button", { name: "登入" }).click();
  await expect(page).toHaveURL(url);
  await page.waitForLoadState("networkidle");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "saved");
  await expect(await unanswered(page)).toHaveCount(left - 1);

  // the rest, the result; the totals add up; then the auditor signs
  while ((await (await unanswered(page)).count()) > 0) {
    await (await unanswered(page)).first().tap();
  }
  await page.getByTestId("text-result").fill("抽查查詢紀錄一筆與案件無關，已移送政風室");
  await page.getByTestId("text-result").press("Tab");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "saved");
  await expect(page.getByTestId("total-queries-0-no")).toHaveText("1");
  await expect(page.getByTestId("missing")).toHaveAttribute("data-count", "0");
  await lookup.locator('button[data-testid^="refer-queries-0-"]').tap();
  await expect(lookup.locator('[data-testid^="referred-queries-0-"]')).toBeVisible();
  await page.getByTestId("sign-auditor").tap();
  await expect(page.getByTestId("slot-auditor")).toHaveAttribute("data-signed", "true");
  await expect(page.getByTestId("audit-state")).toHaveText("稽核人已簽章，待會簽");
  // the page hydrated after every full load (the offline fetch failure is the only error)
  expect(errors.filter((e) => /hydrat|panicked|unreachable/i.test(e))).toEqual([]);
  // frozen for the auditor now
  await expect(page.locator('button[data-testid^="yes-"]').first()).toBeDisabled();

  // the audited person, then the supervisor (their supervisor and the auditor's) sign
  await gotoHydrated(clerk.page, "/");
  await expect(clerk.page.locator('[data-testid=inbox] tr[data-kind="audit_to_sign"]')).toBeVisible();
  await gotoHydrated(clerk.page, new URL(url).pathname);
  await clerk.page.getByTestId("sign-audited").click();
  await expect(clerk.page.getByTestId("slot-audited")).toHaveAttribute("data-signed", "true");
  await gotoHydrated(clerk.page, "/compare");
  await clerk.page.getByTestId("q-case-free").fill("稽核測試第2號");
  await clerk.page.getByTestId("q-national-id").fill("A123456789");
  await clerk.page.getByTestId("q-submit").click();
  await expect(clerk.page.getByTestId("registered-image")).toBeVisible();
  const chief = await as(browser, "supervisor");
  await gotoHydrated(chief.page, new URL(url).pathname);
  await chief.page.getByTestId("sign-audited_supervisor").tap();
  await expect(chief.page.getByTestId("slot-audited_supervisor")).toHaveAttribute("data-signed", "true");
  await chief.page.getByTestId("sign-auditor_supervisor").tap();
  await expect(chief.page.getByTestId("slot-auditor_supervisor")).toHaveAttribute("data-signed", "true");
  await expect(chief.page.getByTestId("audit-state")).toHaveText("已完成簽章");
  // the recorded seed still draws the same sample (the clerk's later look-ups do not count)
  await expect(chief.page.getByTestId("sample-check")).toHaveAttribute("data-verified", "true");

  // the referral reaches the Ethics Office
  const ethics = await as(browser, "ethics");
  await gotoHydrated(ethics.page, "/audits/followups");
  await expect(ethics.page.getByTestId("followups")).toContainText("查詢與案件無關");
  await expect(ethics.page.getByTestId("followup-item")).toHaveText("查詢紀錄第 1 項");
  for (const c of [clerk.ctx, ctx, chief.ctx, ethics.ctx]) await c.close();
});


test("an auditor asks to withdraw an audit, the unit's supervisor approves, and the month opens again with the same sample", async ({ browser }) => {
  test.setTimeout(120_000);
  const lastMonth = new Date(Date.now() + 8 * 3600_000);
  lastMonth.setUTCDate(1);
  lastMonth.setUTCMonth(lastMonth.getUTCMonth() - 1);
  const month = lastMonth.toISOString().slice(0, 7);
  const person = `陳怡君 ${demo("clerk").employeeNo}`;
  const { ctx, page } = await as(browser, "internal_auditor");
  const open = async () => {
    await gotoHydrated(page, "/audits");
    await page.getByTestId("audit-month").fill(month);
    await page.getByTestId("audit-month").dispatchEvent("change");
    await page.getByTestId("audit-person").selectOption({ label: person });
    await page.getByTestId("open-internal").tap();
    await expect(page).toHaveURL(/\/audits\/\d+$/);
    await page.waitForLoadState("networkidle");
    return page.url();
  };
  const first = await open();
  const seed = await page.getByTestId("seed").textContent();
  const sample = await page.getByTestId("sample-size").textContent();
  await (await unanswered(page)).first().tap();
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "saved");

  // a reason is required; the button waits for one
  await page.getByTestId("withdraw-audit").tap();
  await expect(page.getByTestId("withdraw-confirm")).toBeDisabled();
  await page.getByTestId("withdraw-reason").fill("抽樣月份誤植");
  await page.getByTestId("withdraw-confirm").tap();
  // asked, not withdrawn: the auditor cannot approve it
  await expect(page.getByTestId("withdraw-pending")).toContainText("抽樣月份誤植");
  await expect(page.getByTestId("withdraw-approve")).toHaveCount(0);
  await expect(page.getByTestId("audit-state")).toHaveText("稽核中");

  // the audited unit's supervisor approves it on the record
  const chief = await as(browser, "supervisor");
  await gotoHydrated(chief.page, first.replace(/^.*(\/audits\/\d+)$/, "$1"));
  await expect(chief.page.getByTestId("withdraw-pending")).toContainText("抽樣月份誤植");
  await chief.page.getByTestId("withdraw-approve").tap();
  await expect(chief.page.getByTestId("audit-withdrawn")).toContainText(demo("supervisor").employeeNo);
  await chief.ctx.close();

  await page.reload();
  await page.waitForLoadState("networkidle");
  await expect(page.getByTestId("audit-state")).toHaveText("已撤銷");
  await expect(page.getByTestId("audit-withdrawn")).toContainText("抽樣月份誤植");
  await expect(page.getByTestId("withdraw-box")).toHaveCount(0);
  await expect(page.locator('button[data-testid^="yes-"]').first()).toBeDisabled();

  // the same month and person can be opened again: a new record, the very same sample
  const second = await open();
  expect(second).not.toEqual(first);
  await expect(page.getByTestId("audit-state")).toHaveText("稽核中");
  await expect(page.getByTestId("seed")).toHaveText(seed ?? "");
  await expect(page.getByTestId("sample-size")).toHaveText(sample ?? "");
  await expect(page.getByTestId("withdraw-box")).toBeVisible();
  await ctx.close();
});


test("unsent answers on a shared tablet: sealed after the session ends, unreadable by another account, sent at the auditor's next sign-in", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const NOTE = "封存測試：查詢目的不明";
  // one tablet (one browser context, one local storage) used by two people in turn
  const ctx = await browser.newContext(TABLET);
  const page = await ctx.newPage();
  await signInAs(page, "internal_auditor");
  await gotoHydrated(page, "/audits");
  await page.getByTestId("audit-month").fill(thisMonth());
  await page.getByTestId("audit-month").dispatchEvent("change");
  await page.getByTestId("audit-person").selectOption({ label: `黃淑芬 ${demo("supervisor").employeeNo}` });
  await page.getByTestId("open-internal").tap();
  await expect(page).toHaveURL(/\/audits\/\d+$/);
  const url = page.url();
  const path = new URL(url).pathname;
  await page.waitForLoadState("networkidle");
  const lookup = page.locator('[data-testid^="lookup-"]').first();

  // the session ends; the auditor goes on: a 不符 with what was found waits in the browser
  // (the page has its sealing key; no answer of the server is still on its way to re-set a cookie)
  await expect(page.getByTestId("connection")).toHaveAttribute("data-sealed", "true");
  await page.waitForLoadState("networkidle");
  await ctx.clearCookies();
  await lookup.locator('button[data-testid^="no-queries-1-"]').tap();
  const note = lookup.locator('textarea[data-testid^="note-queries-1-"]');
  await note.fill(NOTE);
  await note.press("Tab");
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "signed-out");
  const storage = () =>
    page.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith("yinjian.audit."))
        .map((k) => `${k}=${localStorage.getItem(k)}`),
    );
  await expect.poll(async () => (await storage()).length).toBeGreaterThan(0);
  const sealed = await storage();
  // nothing in clear: not the note, not the result, not which item
  expect(sealed.join("\n")).not.toMatch(/封存測試|does_not_conform|sample|queries/);
  expect(sealed.every((kv) => /=v1\.[0-9a-f]+\.[0-9a-f]+$/.test(kv))).toBe(true);

  // another account on the same tablet: the audited person opens the record; it cannot read
  // or send what waits, and leaves it where it is
  await signInAs(page, "supervisor");
  await gotoHydrated(page, path);
  await expect(page.getByTestId("audit-state")).toBeVisible();
  await expect(page.locator("body")).not.toContainText(NOTE);
  await page.waitForLoadState("networkidle");
  expect(await storage()).toEqual(sealed);
  await ctx.clearCookies();

  // the auditor signs in again: what waited is opened and sent
  await signInAs(page, "internal_auditor");
  await gotoHydrated(page, path);
  await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "saved");
  await page.reload();
  await page.waitForLoadState("networkidle");
  await expect(page.locator('textarea[data-testid^="note-queries-1-"]').first()).toHaveValue(NOTE);
  await expect.poll(async () => (await storage()).length).toBe(0);
  await ctx.close();
});

test("after signing in, only this site's own pages are returned to (no open redirect)", async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const a = demo("clerk");
  await signInAs(page, "clerk"); // the first sign-in's forced change, if it is still due
  for (const next of [
    "/%09/evil.example",
    "/\\evil.example",
    "/%5Cevil.example",
    "//evil.example",
    "/%2F%2Fevil.example",
    "https://evil.example/",
    "/no/such/page",
  ]) {
    await ctx.clearCookies();
    await gotoHydrated(page, `/login?next=${next}`);
    await page.getByLabel("員工編號").fill(a.employeeNo);
    await page.getByLabel("密碼", { exact: true }).fill(freshPassword("clerk"));
    await page.getByRole("button", { name: "登入" }).click();
    await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  }
  // a page of the site is returned to
  await ctx.clearCookies();
  await gotoHydrated(page, "/login?next=/comparisons");
  await page.getByLabel("員工編號").fill(a.employeeNo);
  await page.getByLabel("密碼", { exact: true }).fill(freshPassword("clerk"));
  await page.getByRole("button", { name: "登入" }).click();
  await expect(page).toHaveURL(/\/comparisons$/);
  await ctx.close();
});
