import * as path from "node:path";
import { Browser, expect, Page, test } from "@playwright/test";
import { gotoHydrated, signInAs } from "./helpers";

// 與戶政機關聯繫單 (附件一) online, in two browser contexts: a clerk sends a slip for an unclear
// impression; the 大安區戶政事務所 user finds it in the inbox and replies 印模已完成重建 with a new
// image; the clerk sees the reply and compares against the new version.
const FIX = path.join(__dirname, "..", "..", "crates", "matcher", "tests", "fixtures", "seal");
const PERSON = "A128603153"; // demo: registered at 大安 from a blurred r0004.png (印模不清); q0037.jpg genuine

async function as(browser: Browser, role: string): Promise<Page> {
  const ctx = await browser.newContext({ locale: "zh-TW", viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  await signInAs(page, role);
  return page;
}

test("a slip for an unclear impression: sent, rebuilt by the office, compared again", async ({ browser }) => {
  test.setTimeout(240_000);
  const clerk = await as(browser, "clerk");
  const office = await as(browser, "household_office");

  // the comparison shows the impression is unclear and offers a slip from this case
  await gotoHydrated(clerk, "/compare");
  await clerk.getByTestId("q-case-year").fill("115");
  await clerk.getByTestId("q-case-word").fill("大安");
  await clerk.getByTestId("q-case-number").fill("004567");
  await clerk.getByTestId("q-national-id").fill(PERSON);
  await clerk.getByTestId("q-submit").click();
  await expect(clerk.getByTestId("unclear-notice")).toBeVisible();
  const href = (await clerk.getByTestId("prepare-liaison").getAttribute("href"))!;
  await gotoHydrated(clerk, href);
  await expect(clerk.getByTestId("subject-unclear")).toBeChecked();
  await expect(clerk.getByTestId("s-id")).toHaveValue(PERSON);
  await expect(clerk.getByTestId("s-name")).toHaveValue("周冠宇");
  // the sender's phone is required (checked as in the server)
  await clerk.getByTestId("save-slip").click();
  await expect(clerk.getByTestId("err-sender_phone")).toBeVisible();
  await clerk.getByTestId("s-phone").fill("(02)2345-6789");
  await clerk.getByTestId("save-slip").click();
  await expect(clerk).toHaveURL(/\/liaison\/\d+$/);
  const slipUrl = new URL(clerk.url()).pathname;
  const id = slipUrl.split("/").pop()!;
  const sheet = clerk.getByTestId("liaison-slip");
  await expect(sheet).toHaveAttribute("data-state", "draft");
  await expect(sheet).toContainText("☑ 印模不清無法比對");
  await clerk.getByTestId("send-slip").click();
  await expect(sheet).toHaveAttribute("data-state", "sent");
  await expect(clerk.getByTestId("slip-state")).toContainText("回復期限");

  // the office: a count in the menu, the slip in the inbox; opening it marks it received
  await gotoHydrated(office, "/");
  await expect(office.getByTestId("menu-count-liaison")).toHaveText(/^[1-9]\d*$/);
  await gotoHydrated(office, "/liaison");
  await expect(office.getByTestId(`slip-row-${id}`)).toContainText("A12****153");
  await office.getByTestId(`open-slip-${id}`).click();
  await office.waitForLoadState("networkidle");
  const inbox = office.getByTestId("liaison-slip");
  await expect(inbox).toHaveAttribute("data-state", "received");
  await expect(inbox).toContainText(PERSON);

  // reply 印模已完成重建: the image is required with it
  await office.getByTestId("r-phone").fill("02-2700-0000");
  await office.getByTestId("outcome-rebuilt").check();
  await office.getByTestId("send-reply").click();
  await expect(office.getByTestId("err-image")).toBeVisible();
  await office.getByTestId("r-file").setInputFiles(path.join(FIX, "registered", "r0004.png"));
  await office.getByTestId("send-reply").click();
  await expect(inbox).toHaveAttribute("data-state", "replied");
  await expect(office.getByTestId("new-version")).toContainText("第 2 版");
  await expect(office.getByTestId("reply-box")).toContainText("☑ 印模已完成重建");

  // the clerk: the reply is waiting; compare again against the new version
  await gotoHydrated(clerk, "/liaison");
  await expect(clerk.getByTestId("replies-waiting")).toContainText("1");
  await expect(clerk.getByTestId(`slip-row-${id}`)).toHaveAttribute("data-state", "replied");
  await gotoHydrated(clerk, slipUrl);
  await expect(clerk.getByTestId("reply-box")).toContainText("☑ 印模已完成重建");
  // the sender sees the impression only through a new, logged query
  await expect(clerk.getByTestId("new-version")).toContainText("第 2 版");
  await expect(clerk.getByTestId("new-version").locator("img")).toHaveCount(0);
  await expect(clerk.getByTestId("new-version-via-query")).toBeVisible();
  await clerk.getByTestId("close-slip").click();
  await expect(clerk.getByTestId("liaison-slip")).toHaveAttribute("data-state", "closed");
  await expect(clerk.getByTestId("timeline").locator("li")).toHaveCount(5);
  await clerk.getByTestId("compare-again").click();
  await expect(clerk).toHaveURL(new RegExp(`/compare\\?slip=${id}$`));
  await clerk.waitForLoadState("networkidle");
  await expect(clerk.getByTestId("q-national-id")).toHaveValue(PERSON);
  await expect(clerk.getByTestId("q-case-number")).toHaveValue("004567");
  await clerk.getByTestId("q-submit").click();
  await expect(clerk.getByTestId("registered")).toContainText("2 / 2");
  await expect(clerk.getByTestId("unclear-notice")).toHaveCount(0);
  // and the genuine questioned scan now matches the rebuilt impression
  await clerk.getByTestId("questioned-input").setInputFiles(path.join(FIX, "demo", "q0037.jpg"));
  await expect(clerk.getByTestId("overlay-canvas")).toHaveAttribute("data-painted", "1", { timeout: 30_000 });
  await expect(clerk.getByTestId("verdict")).toHaveAttribute("data-band", "consistent");
});
