import { expect, test } from "@playwright/test";
import { gotoHydrated, signInAs } from "./helpers";

// Every page a role's menu offers renders on the server and hydrates in the browser without an
// error (a hydration mismatch panics the WASM), loaded directly as a bookmark would. (The
// external auditor's demo account is locked by auth.spec's lockout test; ethics sees the same
// audit page.)
for (const role of ["clerk", "supervisor", "account_manager", "internal_auditor", "ethics", "household_office", "admin"]) {
  test(`every page offered to ${role} hydrates cleanly`, async ({ page }) => {
    test.setTimeout(120_000);
    await signInAs(page, role);
    const links = await page.getByTestId("menu").locator("a").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
    expect(links.length).toBeGreaterThan(1);
    for (const href of links) {
      const errors: string[] = [];
      const onError = (e: Error) => errors.push(String(e));
      const onConsole = (m: { type(): string; text(): string }) => {
        if (m.type() === "error" && /hydrat|panicked/i.test(m.text())) errors.push(m.text());
      };
      page.on("pageerror", onError);
      page.on("console", onConsole);
      await gotoHydrated(page, href);
      await expect(page.locator("main h1").first()).toBeVisible();
      page.off("pageerror", onError);
      page.off("console", onConsole);
      expect(errors, `${role} ${href}`).toEqual([]);
    }
  });
}
