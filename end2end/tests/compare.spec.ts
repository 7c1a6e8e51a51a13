import * as path from "node:path";
import { expect, Page, test } from "@playwright/test";
import { gotoHydrated, signInAs } from "./helpers";

// The comparison workspace: the lawful query first, the matcher in the page (WASM in a Web
// Worker), the server's re-verification on submit, the printed record.
const DEMO = path.join(__dirname, "..", "..", "crates", "matcher", "tests", "fixtures", "seal", "demo");
const PERSON = "A123456789"; // registered r0004.png; q0037.jpg genuine, q0010.jpg a recarved copy

async function query(page: Page, caseNo: string, person: string = PERSON) {
  await gotoHydrated(page, "/compare");
  await page.getByTestId("q-business-type").selectOption("land_registration");
  await page.getByTestId("q-case-year").fill("115");
  await page.getByTestId("q-case-word").fill("大安");
  await page.getByTestId("q-case-number").fill(caseNo);
  // the checksum is checked as typed
  await page.getByTestId("q-national-id").fill("A123456788");
  await expect(page.getByTestId("id-hint")).toContainText("檢查碼");
  await page.getByTestId("q-national-id").fill(person);
  await expect(page.getByTestId("id-hint")).toHaveCount(0);
  await page.getByTestId("q-submit").click();
  await expect(page.getByTestId("query-receipt")).toContainText(`115年大安字第${caseNo}號`);
  await expect(page.getByTestId("registered-image")).toBeVisible();
}

/** Drop the file in (a name in DEMO, or a path); wait for the painted overlay; return the verdict band and score. */
async function compare(page: Page, file: string) {
  await page.getByTestId("questioned-input").setInputFiles(path.isAbsolute(file) ? file : path.join(DEMO, file));
  const canvas = page.getByTestId("overlay-canvas");
  await expect(canvas).toHaveAttribute("data-painted", "1", { timeout: 30_000 });
  // the overlay really has ink on it (not a blank canvas)
  const inked = await canvas.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
    return n;
  });
  expect(inked).toBeGreaterThan(500);
  const verdict = page.getByTestId("verdict");
  const band = await verdict.getAttribute("data-band");
  const score = Number((await page.getByTestId("score").textContent())!.trim());
  return { band, score };
}

test("a clerk queries, compares a genuine scan in the browser, submits; the server agrees", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAs(page, "clerk");
  // the registered impression comes from its query's URL, once, never cached (#38)
  const image = page.waitForResponse((r) => /\/api\/comparisons\/\d+\/registered\.png$/.test(r.url()));
  await query(page, "000101");
  const imageResp = await image;
  expect(imageResp.status()).toBe(200);
  expect(imageResp.headers()["content-type"]).toBe("image/png");
  expect(imageResp.headers()["cache-control"]).toBe("private, no-store");
  await expect(page.getByTestId("registered-image")).toHaveAttribute("src", /^blob:/);
  const { band, score } = await compare(page, "q0037.jpg");
  expect(band).toBe("consistent");
  await expect(page.getByTestId("verdict")).toContainText("相符");
  await page.getByTestId("decision-match").check();
  // the questioned image goes up as a multipart part beside the submission's JSON
  const sent = page.waitForRequest((r) => r.url().endsWith("/api/comparisons/submit"));
  await page.getByTestId("submit-comparison").click();
  const req = await sent;
  expect(req.headers()["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
  // (Chromium does not always hand over a body holding a file)
  const body = req.postDataBuffer();
  if (body) {
    expect(body.includes(Buffer.from('name="submission"'))).toBe(true);
    expect(body.includes(Buffer.from('name="questioned"'))).toBe(true);
    expect(body.includes(Buffer.from("questioned_b64"))).toBe(false);
  }
  await expect(page).toHaveURL(/\/comparisons\/\d+\?new=1$/);
  const record = page.getByTestId("record");
  await expect(record).toHaveAttribute("data-band", "consistent");
  await expect(page.getByTestId("record-decision")).toContainText("相符");
  await expect(page.getByTestId("record-case")).toContainText("115年大安字第000101號");
  const serverScore = Number((await page.getByTestId("record-server-score").textContent())!.trim());
  expect(Math.abs(serverScore - score)).toBeLessThanOrEqual(0.0011);
  await expect(page.getByTestId("record-discrepancy")).toHaveCount(0);
  await expect(page.getByTestId("record-questioned-unclear")).toHaveCount(0);
  await expect(page.getByTestId("verification-code")).toHaveText(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
  await expect(page.getByTestId("record-overlay")).toBeVisible();
});

test("a forged scan is not 相符", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAs(page, "clerk");
  await query(page, "000102");
  const { band } = await compare(page, "q0010.jpg");
  expect(["review", "inconsistent"]).toContain(band);
  await page.getByTestId("decision-mismatch").check();
  await page.getByTestId("submit-comparison").click();
  await expect(page).toHaveURL(/\/comparisons\/\d+/);
  const serverBand = await page.getByTestId("record").getAttribute("data-band");
  expect(serverBand).toBe(band);
  await expect(page.getByTestId("record-decision")).toContainText("不符");
});

test("a genuine seal under black print is 待人工判斷 with the 印文不清 reason, never 不符", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAs(page, "clerk");
  await query(page, "000103");
  const { band, score } = await compare(page, "q0037_print.jpg");
  // the score alone would say 不符 (too little of the seal is visible): the check overrules it
  expect(score).toBeLessThan(0.05);
  expect(band).toBe("review");
  await expect(page.getByTestId("verdict")).toContainText("待人工判斷");
  await expect(page.getByTestId("questioned-unclear")).toContainText("印文不清");
  await expect(page.getByTestId("questioned-unclear")).toContainText("遮蓋");
  // the server re-verifies and records the same band
  await page.getByTestId("decision-contact_office").check();
  await page.getByTestId("submit-comparison").click();
  await expect(page).toHaveURL(/\/comparisons\/\d+/);
  await expect(page.getByTestId("record")).toHaveAttribute("data-band", "review");
  // the record (and its print) says why it is 待人工判斷
  await expect(page.getByTestId("record-questioned-unclear")).toContainText("印文不清");
  await expect(page.getByTestId("record-questioned-unclear")).toContainText("遮蓋");
  await page.emulateMedia({ media: "print" });
  await expect(page.getByTestId("record-questioned-unclear")).toBeVisible();
  await page.emulateMedia({ media: "screen" });
  await page.screenshot({ path: test.info().outputPath("unclear-print.png"), fullPage: true });
});

test("a blank registration date offers a liaison slip prepared from the case", async ({ page, context }) => {
  await signInAs(page, "clerk");
  await gotoHydrated(page, "/compare");
  await page.getByTestId("q-case-free").fill("北市大地登字第12號");
  await page.getByTestId("q-national-id").fill("F123456784");
  await page.getByTestId("q-submit").click();
  await expect(page.getByTestId("date-missing")).toBeVisible();
  const [slip] = await Promise.all([context.waitForEvent("page"), page.getByTestId("prepare-liaison").click()]);
  await slip.waitForLoadState("networkidle");
  // the slip's form, filled in from the case and the registry
  await expect(slip.getByTestId("s-office")).toHaveValue("HR-DA");
  await expect(slip.getByTestId("s-id")).toHaveValue("F123456784");
  await expect(slip.getByTestId("s-case")).toHaveValue("北市大地登字第12號");
  await expect(slip.getByTestId("subject-date_mismatch")).toBeChecked();
  // the household system's date is required for a date mismatch (checked in the page)
  await slip.getByTestId("s-phone").fill("(02)2345-6789");
  await slip.getByTestId("save-slip").click();
  await expect(slip.getByTestId("err-household_date")).toBeVisible();
  await slip.getByTestId("s-hdate").fill("105/06/01");
  await slip.getByTestId("save-slip").click();
  await expect(slip).toHaveURL(/\/liaison\/\d+$/);
  const form = slip.getByTestId("liaison-slip");
  await expect(form).toHaveAttribute("data-state", "draft");
  await expect(form).toContainText("臺北市大安區戶政事務所");
  await expect(form).toContainText("F123456784");
  await expect(form).toContainText("北市大地登字第12號");
  await expect(form).toContainText("☑ 戶役政資訊系統與印鑑比對系統印登記日期不一致");
  await expect(form).toContainText("印鑑比對系統：空白");
});

// #36: files as scanners and phones make them, and what the matcher corrected or could not judge
const FORMATS = path.join(__dirname, "..", "..", "crates", "matcher", "tests", "fixtures", "seal", "formats");

test("a stretched scan is corrected and says so; a smeared one is left for review with its reason", async ({ page }) => {
  test.setTimeout(180_000);
  await signInAs(page, "clerk");
  await query(page, "000361");
  const stretched = await compare(page, "q0037_feed_stretch.jpg");
  expect(stretched.band).toBe("consistent");
  await expect(page.getByTestId("capture-correction")).toContainText(/掃描變形：縱向 \+1\.\d %/);
  await page.getByTestId("decision-match").check();
  await page.getByTestId("submit-comparison").click();
  await expect(page).toHaveURL(/\/comparisons\/\d+\?new=1$/);
  await expect(page.getByTestId("record-capture")).toContainText("掃描變形：縱向 +1.");

  await query(page, "000362");
  const smeared = await compare(page, "q0037_double.jpg");
  expect(smeared.band).not.toBe("inconsistent");
  await expect(page.getByTestId("questioned-unclear")).toContainText("印文重影或滑動");
  if (smeared.band === "review") {
    await expect(page.getByTestId("review-reasons")).toContainText("印文重影或滑動");
  }
});

test("a TIFF and a scanned PDF are judged like the scan they hold; the record keeps the file as uploaded", async ({ page }) => {
  test.setTimeout(180_000);
  await signInAs(page, "clerk");
  await query(page, "000363");
  await page.getByTestId("questioned-input").setInputFiles(path.join(FORMATS, "q0037_lzw.tif"));
  await expect(page.getByTestId("overlay-canvas")).toHaveAttribute("data-painted", "1", { timeout: 30_000 });
  const band = await page.getByTestId("verdict").getAttribute("data-band");
  expect(["consistent", "review"]).toContain(band);
  const score = Number((await page.getByTestId("score").textContent())!.trim());
  await page.getByTestId("decision-match").check();
  await page.getByTestId("submit-comparison").click();
  await expect(page).toHaveURL(/\/comparisons\/\d+\?new=1$/);
  await expect(page.getByTestId("record-original")).toContainText("TIFF");
  const serverScore = Number((await page.getByTestId("record-server-score").textContent())!.trim());
  expect(Math.abs(serverScore - score)).toBeLessThanOrEqual(0.0011);

  await query(page, "000364");
  await page.getByTestId("questioned-input").setInputFiles(path.join(FORMATS, "q0037_flate.pdf"));
  await expect(page.getByTestId("overlay-canvas")).toHaveAttribute("data-painted", "1", { timeout: 30_000 });
  // the PDF's page is the same scan as the TIFF: the same score
  const pdfScore = Number((await page.getByTestId("score").textContent())!.trim());
  expect(Math.abs(pdfScore - score)).toBeLessThanOrEqual(0.0011);
});

test("a greyscale scan and a file cut off half-way get their own messages, never a verdict", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAs(page, "clerk");
  await query(page, "000365");
  await page.getByTestId("questioned-input").setInputFiles(path.join(FORMATS, "q0037_gray.jpg"));
  await expect(page.getByTestId("workbench-error")).toContainText("請以彩色掃描印文");
  await expect(page.getByTestId("verdict")).toHaveCount(0);
  await page.getByTestId("questioned-input").setInputFiles(path.join(FORMATS, "q0037_truncated.jpg"));
  await expect(page.getByTestId("workbench-error")).toContainText("檔案不完整");
  await expect(page.getByTestId("verdict")).toHaveCount(0);
});

test("in English the look-up form's refusals are English, worded from the typed problem", async ({ page }) => {
  await signInAs(page, "clerk");
  await gotoHydrated(page, "/compare");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  // the switch reloads the page: wait until the new one has hydrated before typing
  await gotoHydrated(page, "/compare");
  await page.getByTestId("q-national-id").fill("A123456788");
  await expect(page.getByTestId("id-hint")).toHaveText("The national ID number's check digit does not match");
  await page.getByTestId("q-submit").click();
  await expect(page.getByRole("alert").filter({ hasText: "Please enter the case number" })).toBeVisible();
  // the ID's refusal once, not as the typing hint and again as the form's error
  await expect(page.getByRole("alert").filter({ hasText: "check digit" })).toHaveCount(1);
  await page.screenshot({ path: "test-results/compare-en-refusals.png", fullPage: true });
  // the same refusals in zh-TW after switching back (the switch reloads the page)
  await page.getByRole("button", { name: "中文" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-TW");
  await gotoHydrated(page, "/compare");
  await page.getByTestId("q-national-id").fill("A123456788");
  await expect(page.getByTestId("id-hint")).toHaveText("身分證統一編號檢查碼不符");
  await page.getByTestId("q-submit").click();
  await expect(page.getByRole("alert").filter({ hasText: "請輸入案號" })).toBeVisible();
});

// #37: a colour-printed copy of the registered impression carries its outline: geometry alone
// calls it 相符. The printed-copy check leaves it for review and says what it saw, on the
// workbench and on the record (and its print), in the browser and on the server alike.
const PRINTED = path.join(__dirname, "..", "..", "crates", "matcher", "tests", "fixtures", "printed", "questioned");

test("an inkjet-printed copy of the registered seal is never 相符: 疑似列印複製 with what was seen", async ({ page }) => {
  test.setTimeout(180_000);
  await signInAs(page, "clerk");
  await query(page, "000371", "D120345675");
  const { band, score } = await compare(page, path.join(PRINTED, "inkjet_q0013.jpg"));
  // the geometry matches (it is the seal's own outline) …
  expect(score).toBeGreaterThan(0.9);
  // … but the ink is printed, not stamped
  expect(band).toBe("review");
  await expect(page.getByTestId("verdict")).toContainText("待人工判斷");
  await expect(page.getByTestId("review-reasons")).toContainText("疑似列印複製");
  const seen = page.getByTestId("print-evidence");
  await expect(seen).toContainText("列印複製檢查所見");
  await expect(seen).toContainText(/上限 [\d.]+）/);
  const seenText = (await seen.textContent())!.trim();
  await page.screenshot({ path: test.info().outputPath("printed-copy-workbench.png"), fullPage: true });
  // the clerk cannot tell from the scan: 需聯繫戶政 (the original form is asked for)
  await page.getByTestId("decision-contact_office").check();
  await page.getByTestId("submit-comparison").click();
  await expect(page).toHaveURL(/\/comparisons\/\d+/);
  // the server re-verified: the same band, the same reason, the same evidence on the record
  await expect(page.getByTestId("record")).toHaveAttribute("data-band", "review");
  const serverScore = Number((await page.getByTestId("record-server-score").textContent())!.trim());
  expect(Math.abs(serverScore - score)).toBeLessThanOrEqual(0.0011);
  await expect(page.getByTestId("record-review-reasons")).toContainText("疑似列印複製");
  // the browser's and the server's checks measured the same values: the same words to the digit
  await expect(page.getByTestId("record-print-evidence")).toHaveText(seenText);
  await page.emulateMedia({ media: "print" });
  await expect(page.getByTestId("record-print-evidence")).toBeVisible();
  await page.emulateMedia({ media: "screen" });
  await page.screenshot({ path: test.info().outputPath("printed-copy-record.png"), fullPage: true });
});
