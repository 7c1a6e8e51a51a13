import { expect, test } from "@playwright/test";
import { gotoHydrated, signInAs } from "./helpers";

// The monthly query report (五(二)2): the clerk's look-ups of this month appear in the unit's
// report as a preview that nobody can sign while the month runs; last month's report (the demo
// has look-ups then) is generated over the whole month, reviewed and signed off (核閱); signed,
// it is frozen.

function month(offset: number): string {
  // Taipei time (UTC+8)
  const now = new Date(Date.now() + 8 * 3600_000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return d.toISOString().slice(0, 7);
}

test("this month's report is a preview; last month's is signed off", async ({ page, browser }) => {
  test.setTimeout(120_000);
  // a look-up by the clerk, so this month has at least one
  const ctx = await browser.newContext({ locale: "zh-TW" });
  const clerk = await ctx.newPage();
  await signInAs(clerk, "clerk");
  await gotoHydrated(clerk, "/compare");
  await clerk.getByTestId("q-case-free").fill("月報測試第1號");
  await clerk.getByTestId("q-national-id").fill("A123456789");
  await clerk.getByTestId("q-submit").click();
  await expect(clerk.getByTestId("registered-image")).toBeVisible();

  await signInAs(page, "supervisor");
  await gotoHydrated(page, "/reports");
  await page.getByTestId("report-month").fill(month(0));
  await page.getByTestId("report-month").dispatchEvent("change");
  await page.getByTestId("generate-report").click();
  const report = page.getByTestId("report");
  await expect(report).toHaveAttribute("data-signed", "false");
  const count = Number((await page.getByTestId("report-count").textContent())!.trim());
  expect(count).toBeGreaterThan(0);
  // the clerk's look-up without a decision is flagged, its ID masked
  const rows = page.getByTestId("report-rows");
  await expect(rows).toContainText("月報測試第1號");
  await expect(rows).toContainText("A12****789");
  await expect(rows).not.toContainText("A123456789");
  // the month is not over: a preview, no signing
  await expect(page.getByTestId("sign-blocked")).toContainText("本月尚未結束");
  await expect(page.getByTestId("sign-form")).toHaveCount(0);

  // last month: closed, generated now over the whole month, signed
  await page.getByTestId("report-month").fill(month(-1));
  await page.getByTestId("report-month").dispatchEvent("change");
  await page.getByTestId("generate-report").click();
  await expect(page.getByTestId("report-rows")).toContainText("000101");
  await expect(page.getByTestId("report-sha")).toHaveText(/^[0-9a-f]{64}$/);
  await page.getByTestId("sign-comment").fill("已核閱，無異常");
  await page.getByTestId("sign-report").click();
  await expect(report).toHaveAttribute("data-signed", "true");
  await expect(page.getByTestId("signed-by")).toContainText("S0001");
  // frozen: no more generating or signing
  await expect(page.getByTestId("generate-report")).toHaveCount(0);
  await expect(page.getByTestId("sign-form")).toHaveCount(0);
});
