import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, test } from "@playwright/test";

// The same bytes give the same verdict in the browser (WASM in headless Chromium) and on the
// server (native): band equal, score within 1e-6, angle within 1e-4 degrees, the same review
// reasons, and the printed-copy check (#37) measuring the same within 1e-6.
const FIXTURE_SETS = ["seal", "printed"].map((d) =>
  path.join(__dirname, "..", "..", "crates", "matcher", "tests", "fixtures", d),
);

for (const FIXTURES of FIXTURE_SETS) {
  test(`WASM in Chromium and native agree on every pair of ${path.basename(FIXTURES)}/`, async ({ page }) => {
    test.setTimeout(240_000);
    const csv = path.join(FIXTURES, "pairs.csv");
    const native = execFileSync(process.env.YINJIAN_BIN!, ["match-batch", csv], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const rows = fs.readFileSync(csv, "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
    expect(rows.length).toBe(native.length);

    await page.goto("/login");
    await page.waitForLoadState("networkidle");
    for (const [i, row] of rows.entries()) {
      const [id, reg, q] = row;
      const regBytes = Array.from(fs.readFileSync(path.join(FIXTURES, reg)));
      const qBytes = Array.from(fs.readFileSync(path.join(FIXTURES, q)));
      const json = await page.evaluate(
        async ({ r, q }) => {
          const m: any = await import("/pkg/matcher.js");
          await m.default({ module_or_path: "/pkg/matcher.wasm" });
          return m.match_pair_json(new Uint8Array(r), new Uint8Array(q));
        },
        { r: regBytes, q: qBytes },
      );
      const wasm = JSON.parse(json).ok;
      const n = native[i];
      expect(n.pair_id).toBe(id);
      expect(wasm, `${id}: ${json}`).toBeTruthy();
      expect(wasm.band, id).toBe(n.band);
      expect(Math.abs(wasm.score - n.score), `${id} score`).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(wasm.rotation_deg - n.rotation_deg), `${id} angle`).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(wasm.center_x - n.center_x) + Math.abs(wasm.center_y - n.center_y), `${id} centre`).toBeLessThanOrEqual(1e-6);
      expect(wasm.review_reasons, `${id} reasons`).toEqual(n.review_reasons);
      expect(wasm.printed.suspected, `${id} printed`).toBe(n.printed.suspected);
      expect(wasm.printed.measured, `${id} measured`).toBe(n.printed.measured);
      for (const k of Object.keys(n.printed)) {
        if (typeof n.printed[k] === "number") {
          expect(Math.abs(wasm.printed[k] - n.printed[k]), `${id} printed.${k}`).toBeLessThanOrEqual(1e-6);
        }
      }
    }
  });
}
