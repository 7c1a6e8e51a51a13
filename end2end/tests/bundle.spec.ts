import { expect, test, type Browser, type BrowserContext } from "@playwright/test";
import { gotoHydrated, signInAs } from "./helpers";

// The bundle is split by page group (#15, app/src/lib.rs `routes`): a cold page fetches the main
// module, its own group's module (`split_<group>_<hash>…wasm`) and the chunks that group shares,
// never another group's code. This fails if the split is lost (no split module at all), if a
// page moves to another group, or if the server stops naming the first page's modules.

/** The page groups whose module a cold load of `url` fetched, in a fresh context (empty cache). */
async function groupsOnColdLoad(browser: Browser, url: string, storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>) {
  const ctx = await browser.newContext({ storageState });
  const page = await ctx.newPage();
  const groups = new Set<string>();
  page.on("request", (r) => {
    const m = new URL(r.url()).pathname.match(/\/split_([a-z_]+)_\d+\./);
    if (m) groups.add(m[1]);
  });
  await gotoHydrated(page, url);
  await ctx.close();
  return [...groups].sort();
}

test("a cold page fetches its own page group's code and no other", async ({ browser }) => {
  expect(await groupsOnColdLoad(browser, "/login")).toEqual(["sign_in"]);

  const signedIn = await browser.newContext();
  const p = await signedIn.newPage();
  await signInAs(p, "clerk");
  const state = await signedIn.storageState();
  await signedIn.close();

  // 印鑑比對 is a group of its own: no history, audit or administrator's code on a clerk's first load
  expect(await groupsOnColdLoad(browser, "/compare", state)).toEqual(["compare"]);
  // the history and a record share a group
  expect(await groupsOnColdLoad(browser, "/comparisons", state)).toEqual(["records"]);
  expect(await groupsOnColdLoad(browser, "/", state)).toEqual(["start"]);
});
