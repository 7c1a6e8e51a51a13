import * as fs from "node:fs";
import * as path from "node:path";
import { expect, test } from "@playwright/test";

// Through nginx with TLS to two instances on one PostgreSQL (deploy/try-local.sh): the clerk
// signs in (first sign-in: a new password), looks a person up and compares a genuine scan; the
// session cookie is Secure with the __Host- prefix, HSTS is sent, and the audit trail reached
// the collector with the proxy's client address.
const STATE = JSON.parse(fs.readFileSync(path.join(__dirname, "..", ".run", "deploy-state.json"), "utf8"));
const DEMO = path.join(__dirname, "..", "..", "crates", "matcher", "tests", "fixtures", "seal", "demo");

test("sign-in, a look-up and a comparison through https://", async ({ page, context }) => {
  test.setTimeout(120_000);
  const clerk = STATE.accounts.clerk;
  const first = await page.goto("/login");
  expect(first!.headers()["strict-transport-security"]).toContain("max-age=");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("員工編號").fill(clerk.employeeNo);
  await page.getByLabel("密碼", { exact: true }).fill(clerk.password);
  await page.getByRole("button", { name: "登入" }).click();
  await expect(page).toHaveURL(/\/password$/);
  await page.waitForLoadState("networkidle");
  await page.getByLabel("目前密碼").fill(clerk.password);
  await page.getByLabel("新密碼", { exact: true }).fill("Deploy-Clerk-2026!");
  await page.getByLabel("再次輸入新密碼").fill("Deploy-Clerk-2026!");
  await page.getByRole("button", { name: "儲存" }).click();
  // then the notice on official use (五(二)1、九), acknowledged at the first sign-in
  await expect(page).toHaveURL(/\/acknowledge$/);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByRole("button", { name: "我已閱讀並同意遵守" }).click();
  await expect(page).toHaveURL(/\/$/);
  const cookie = (await context.cookies()).find((c) => c.name.includes("yinjian"));
  expect(cookie?.name).toBe("__Host-yinjian");
  expect(cookie?.secure).toBe(true);
  expect(cookie?.httpOnly).toBe(true);

  await page.goto("/compare");
  await page.waitForLoadState("networkidle");
  await page.getByTestId("q-business-type").selectOption("land_registration");
  await page.getByTestId("q-case-year").fill("115");
  await page.getByTestId("q-case-word").fill("大安");
  await page.getByTestId("q-case-number").fill("000777");
  await page.getByTestId("q-national-id").fill("A123456789");
  await page.getByTestId("q-submit").click();
  await expect(page.getByTestId("registered-image")).toBeVisible();
  await page.getByTestId("questioned-input").setInputFiles(path.join(DEMO, "q0037.jpg"));
  await expect(page.getByTestId("overlay-canvas")).toHaveAttribute("data-painted", "1", { timeout: 30_000 });
  await expect(page.getByTestId("verdict")).toHaveAttribute("data-band", "consistent");
  await page.getByTestId("decision-match").check();
  await page.getByTestId("submit-comparison").click();
  await expect(page).toHaveURL(/\/comparisons\/\d+\?new=1$/);
  await expect(page.getByTestId("record-decision")).toContainText("相符");

  // the trail reached the collector (the instances forward it), with the client's address
  // (each batch ends with an anchor, the trail's sealed head: `{"yinjian_anchor":{…}}`)
  let events: { action: string; client_ip: string | null }[] = [];
  let anchors: { yinjian_anchor: { seq: number; seal: string } }[] = [];
  for (let i = 0; i < 50; i++) {
    if (fs.existsSync(STATE.audit)) {
      const lines = fs.readFileSync(STATE.audit, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
      anchors = lines.filter((l) => "yinjian_anchor" in l);
      events = lines.filter((l) => !("yinjian_anchor" in l));
      if (events.some((e) => e.action.startsWith("comparison"))) break;
    }
    await page.waitForTimeout(200);
  }
  const query = events.find((e) => e.action === "seal.query");
  expect(query?.client_ip).toBe("127.0.0.1");
  expect(JSON.stringify(events)).not.toMatch(/A123456789/);
  expect(anchors.length).toBeGreaterThan(0);
  expect(anchors[anchors.length - 1].yinjian_anchor.seal).toMatch(/^[0-9a-f]{64}$/);
});
