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

// The worker protocol (#38): typed requests in, typed replies out (crates/matcher-protocol,
// crossed with serde-wasm-bindgen — no JSON strings), the frames' buffers listed to transfer.
// Driven here as the worker script drives it: the verdict through the protocol is the verdict
// of match_pair_json to the bit, re-scores and resets answer in kind, a frame is w × h RGBA, and
// a message that is no request is answered Crashed.
test("the worker protocol round-trips typed messages and gives the same verdict", async ({ page }) => {
  test.setTimeout(120_000);
  const dir = FIXTURE_SETS[0];
  const reg = Array.from(fs.readFileSync(path.join(dir, "registered", "r0004.png")));
  const q = Array.from(fs.readFileSync(path.join(dir, "demo", "q0037.jpg")));
  await page.goto("/login");
  await page.waitForLoadState("networkidle");
  const out = await page.evaluate(
    async ({ r, q }) => {
      const m: any = await import("/pkg/matcher.js");
      await m.default({ module_or_path: "/pkg/matcher.wasm" });
      const direct = JSON.parse(m.match_pair_json(new Uint8Array(r), new Uint8Array(q))).ok;
      const w = new m.MatcherWorker();
      const renders = [{ key: "overlay|64x48", view: "overlay", params: {}, w: 64, h: 48 }];
      const [ready, t0] = w.handle({ Init: { id: 0, registered: new Uint8Array(r).buffer } });
      const [done, t1] = w.handle({ Match: { id: 1, questioned: new Uint8Array(q).buffer, renders } });
      const frame = done.Done.frames[0];
      const al = done.Done.outcome.Ok.result.alignment;
      const [rescored] = w.handle({
        Rescore: { id: 2, alignment: { ...al, rotation_deg: al.rotation_deg + 1 }, renders: [] },
      });
      const [reset] = w.handle({ Reset: { id: 3, renders: [] } });
      const [drawn, t4] = w.handle({
        Render: { id: 4, renders: [{ key: "split", view: "split", params: { px: 10, angle: 45 }, w: 8, h: 8 }] },
      });
      const [bad] = w.handle({ Nonsense: { id: 5 } });
      return {
        direct,
        ready,
        readyTransfer: t0.length,
        result: done.Done.outcome.Ok.result,
        questioned: [done.Done.outcome.Ok.questioned_width, done.Done.outcome.Ok.questioned_height],
        id: done.Done.id,
        frameKey: frame.key,
        frameIsBytes: frame.rgba instanceof Uint8Array,
        frameLen: frame.rgba.length,
        transferred: t1.length === 1 && t1[0] === frame.rgba.buffer,
        rescored: rescored.Done.outcome.Ok.result.manual,
        reset: reset.Done.outcome.Ok.result.score,
        drawn: [drawn.Done.id, drawn.Done.outcome ?? null, drawn.Done.frames[0].rgba.length, t4.length],
        bad: Object.keys(bad)[0],
      };
    },
    { r: reg, q },
  );
  expect(out.ready).toEqual({ Ready: { id: 0, width: expect.any(Number), height: expect.any(Number) } });
  expect(out.readyTransfer).toBe(0);
  expect(out.id).toBe(1);
  // the same verdict, to the bit
  expect(out.result.score).toBe(out.direct.score);
  expect(out.result.band).toBe(out.direct.band);
  expect(out.result.rotation_deg).toBe(out.direct.rotation_deg);
  expect(out.result).toEqual(out.direct);
  expect(out.questioned[0]).toBeGreaterThan(0);
  expect(out.frameKey).toBe("overlay|64x48");
  expect(out.frameIsBytes).toBe(true);
  expect(out.frameLen).toBe(64 * 48 * 4);
  expect(out.transferred).toBe(true);
  expect(out.rescored).toBe(true);
  expect(out.reset).toBe(out.direct.score);
  expect(out.drawn).toEqual([4, null, 8 * 8 * 4, 1]);
  expect(out.bad).toBe("Crashed");
});
