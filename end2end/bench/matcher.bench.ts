import * as fs from "node:fs";
import * as path from "node:path";
import { expect, test } from "@playwright/test";

// The matcher in headless Chromium (the release bundle): decode + match per pair, median over
// the shipped fixture pairs × REPS. Target: ≤ 150 ms.
const FIXTURES = path.join(__dirname, "..", "..", "crates", "matcher", "tests", "fixtures", "seal");
const REPS = Number(process.env.BENCH_REPS || 5);

test("matcher in WASM: median per pair", async ({ page }) => {
  const rows = fs.readFileSync(path.join(FIXTURES, "pairs.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
  const pairs = rows.map(([id, reg, q]) => ({
    id,
    r: Array.from(fs.readFileSync(path.join(FIXTURES, reg))),
    q: Array.from(fs.readFileSync(path.join(FIXTURES, q))),
  }));
  await page.goto("/login");
  await page.waitForLoadState("networkidle");
  const times: number[] = await page.evaluate(
    async ({ pairs, reps }) => {
      const m: any = await import("/pkg/matcher.js");
      await m.default({ module_or_path: "/pkg/matcher.wasm" });
      const bytes = pairs.map((p: any) => ({ r: new Uint8Array(p.r), q: new Uint8Array(p.q) }));
      m.match_pair_json(bytes[0].r, bytes[0].q); // warm-up
      const out: number[] = [];
      for (let k = 0; k < reps; k++) {
        for (const b of bytes) {
          const t0 = performance.now();
          m.match_pair_json(b.r, b.q);
          out.push(performance.now() - t0);
        }
      }
      return out;
    },
    { pairs, reps: REPS },
  );
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const p95 = times[Math.floor(times.length * 0.95)];
  console.log(`WASM matcher in Chromium: ${times.length} runs, median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
  expect(times.length).toBe(pairs.length * REPS);
});
