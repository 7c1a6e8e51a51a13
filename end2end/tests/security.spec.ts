import { expect, test } from "@playwright/test";
import { gotoHydrated, signInAs } from "./helpers";

// 八(一)(二): the administrator keeps the register of security duties. An overdue duty shows on
// the home page; recording it done with evidence opens the next quarter's. 八(五): the retention
// report counts the records, none deleted.

test("an overdue security duty is flagged at home and recorded done", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAs(page, "admin");
  await gotoHydrated(page, "/admin/security");
  await page.getByTestId("task-title").fill("115年第3季 弱點掃描（瀏覽器測試）");
  await page.getByTestId("task-due").fill("115/09/30");
  await page.getByTestId("task-add").click();
  const row = page.locator("[data-testid^=task-]", { hasText: "瀏覽器測試" }).first();
  await expect(row).toContainText("逾期");
  await gotoHydrated(page, "/");
  await expect(page.getByTestId("home-security-overdue")).toBeVisible();
  await gotoHydrated(page, "/admin/security");
  const open = page.locator("[data-testid^=task-][data-done=false]", { hasText: "瀏覽器測試" }).first();
  const id = (await open.getAttribute("data-testid"))!.replace("task-", "");
  await page.getByTestId(`evidence-${id}`).fill("弱點掃描報告 VS-115-03");
  await page.getByTestId(`done-${id}`).click();
  await expect(page.getByTestId(`task-${id}`)).toHaveAttribute("data-done", "true");
  // the next quarter's is open, due three months later
  await expect(page.locator("[data-testid^=task-][data-done=false]", { hasText: "瀏覽器測試" })).toContainText("115/12/30");

  await gotoHydrated(page, "/admin/retention");
  const retention = page.getByTestId("retention");
  await expect(retention.locator("tr[data-table=trail_event] td").nth(1)).not.toHaveText("0");
  await expect(retention.locator("tr[data-table=security_task] td").nth(1)).not.toHaveText("0");
});
