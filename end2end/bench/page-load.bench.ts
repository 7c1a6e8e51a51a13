import * as fs from "node:fs";
import * as path from "node:path";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { signInAs } from "../tests/helpers";

// Cold page loads as a tablet sees them (#15): a fresh browser context per run (empty cache),
// Chromium's CPU throttled 4× (CDP Emulation.setCPUThrottlingRate), the release bundle.
//
//  - bytes: what the page fetched until it was hydrated and idle, summed two ways: over the
//    wire as Chromium received it (brotli where offered), and as gzip (each response fetched
//    again with `Accept-Encoding: gzip`, the measure). For /compare the matcher's worker
//    bundle (worker script, matcher.js, matcher.wasm), which loads when the workbench opens, is
//    counted too.
//  - hydrated: navigation start → `<html data-hydrated>` (set by the app's first Effect, which
//    runs only once the WASM has hydrated the page).
//  - first click (on /compare): right after hydration, a click on 查詢 with an empty form, until
//    the page's own validation answers (`.field-error`), measured from navigation start.
//
//   make bench-load-page        (BENCH_RUNS=7 BENCH_CPU=4 to change the defaults)
// Targets: /login ≤ 350 KB gzip, /compare ≤ 600 KB gzip (worker included), hydrated ≤ 1.5 s.
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS || 5));
const CPU = Number(process.env.BENCH_CPU || 4);
const OUT = process.env.BENCH_OUT || path.join(__dirname, "..", ".run", "page-load.json");

type Run = { wireBytes: number; gzipBytes: number; hydratedMs: number; clickMs: number | null; urls: string[] };

async function gzipSize(ctx: BrowserContext, url: string): Promise<number> {
  const r = await ctx.request.get(url, { headers: { "accept-encoding": "gzip" } });
  const body = await r.body(); // Playwright decodes; ask for the encoded length
  const len = r.headers()["content-length"];
  const enc = r.headers()["content-encoding"];
  if (enc === "gzip" && len) return Number(len);
  // not compressed by the server: gzip it here (what a gzip-encoding server would send)
  const zlib = await import("node:zlib");
  return zlib.gzipSync(body, { level: 9 }).length;
}

async function coldLoad(ctx: BrowserContext, url: string, click: boolean, worker: string[]): Promise<Run> {
  const page: Page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU });
  const urls = new Map<string, string>(); // requestId → url
  let wire = 0;
  cdp.on("Network.requestWillBeSent", (e: any) => urls.set(e.requestId, e.request.url));
  cdp.on("Network.loadingFinished", (e: any) => {
    wire += e.encodedDataLength;
  });
  await page.addInitScript(() => {
    new MutationObserver((_, mo) => {
      const root = document.documentElement;
      if (root && root.dataset.hydrated === "1" && !(window as any).__hydratedAt) {
        (window as any).__hydratedAt = performance.now();
        mo.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
  });
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => (window as any).__hydratedAt, null, { timeout: 60_000, polling: 10 });
  let clickMs: number | null = null;
  if (click) {
    await page.getByTestId("q-submit").click();
    await page.locator(".field-error").first().waitFor({ timeout: 30_000 });
    clickMs = await page.evaluate(() => performance.now());
  }
  const hydratedMs = await page.evaluate(() => (window as any).__hydratedAt as number);
  await page.waitForLoadState("networkidle");
  const fetched = [...new Set(urls.values())].filter((u) => u.startsWith("http"));
  let gzip = 0;
  for (const u of fetched) gzip += await gzipSize(ctx, u);
  // the worker bundle, fetched when the workbench opens (after a look-up)
  for (const u of worker) {
    gzip += await gzipSize(ctx, u);
    const r = await ctx.request.get(u); // brotli, as Chromium would take it
    wire += Number(r.headers()["content-length"] || (await r.body()).length);
  }
  await page.close();
  return { wireBytes: wire, gzipBytes: gzip, hydratedMs, clickMs, urls: [...fetched, ...worker] };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

test("page load: /login and /compare, cold, CPU throttled", async ({ browser, baseURL }) => {
  test.setTimeout(600_000);
  // a signed-in clerk for /compare (its session cookie reused by every cold context)
  const signedIn = await browser.newContext();
  const p = await signedIn.newPage();
  await signInAs(p, "clerk");
  const state = await signedIn.storageState();
  await signedIn.close();

  // the worker bundle's files, as the page names them
  const probe = await browser.newContext({ storageState: state });
  const html = await (await probe.request.get(`${baseURL}/compare`)).text();
  const workerUrl = html.match(/<meta name="yinjian-worker" content="([^"]+)"/)?.[1];
  expect(workerUrl, "the page names its matcher worker").toBeTruthy();
  const workerJs = await (await probe.request.get(`${baseURL}${workerUrl}`)).text();
  const imports = [...workerJs.matchAll(/"(\/pkg\/matcher[^"]*\.(?:js|wasm))"/g)].map((m) => `${baseURL}${m[1]}`);
  expect(imports.length, "the worker imports matcher.js and matcher.wasm").toBe(2);
  await probe.close();
  const worker = [`${baseURL}${workerUrl}`, ...imports];

  const results: Record<string, Run[]> = { "/login": [], "/compare": [] };
  for (let i = 0; i < RUNS; i++) {
    const anon = await browser.newContext();
    results["/login"].push(await coldLoad(anon, `${baseURL}/login`, false, []));
    await anon.close();
    const clerk = await browser.newContext({ storageState: state });
    results["/compare"].push(await coldLoad(clerk, `${baseURL}/compare`, true, worker));
    await clerk.close();
  }

  const summary: Record<string, unknown> = { cpuThrottle: CPU, runs: RUNS };
  for (const [route, runs] of Object.entries(results)) {
    const s = {
      gzipBytes: median(runs.map((r) => r.gzipBytes)),
      wireBytes: median(runs.map((r) => r.wireBytes)),
      hydratedMs: median(runs.map((r) => r.hydratedMs)),
      firstClickMs: route === "/compare" ? median(runs.map((r) => r.clickMs ?? 0)) : null,
      files: runs[0].urls.map((u) => new URL(u).pathname),
    };
    summary[route] = s;
    console.log(
      `${route}: ${kb(s.gzipBytes)} gzip, ${kb(s.wireBytes)} over the wire (brotli), ` +
        `hydrated ${s.hydratedMs.toFixed(0)} ms` +
        (s.firstClickMs !== null ? `, first click handled ${s.firstClickMs.toFixed(0)} ms` : "") +
        ` (median of ${runs.length}, CPU ${CPU}× slower)\n   ${s.files.join("\n   ")}`,
    );
  }
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(summary, null, 2));
  console.log(`>> figures in ${OUT}`);
});
