// Fingerprints and precompresses the browser bundle in target/site/pkg (run by `make bundle`).
//
//   yinjian.js + yinjian.wasm  -> yinjian.<h>.js, yinjian.<h>.wasm   (one hash: the server's
//                                  Leptos output name becomes "yinjian.<h>")
//   yinjian.css                -> yinjian.<h>.css
//   matcher.js + matcher.wasm  -> matcher.<h>.js, matcher.<h>.wasm
//   matcher-worker.js          -> matcher-worker.<h>.js (after pointing its imports at the
//                                  fingerprinted matcher files)
//
// Each fingerprinted file gets a .gz (gzip -9) and a .br (brotli, quality 11) beside it, which the
// server sends to browsers that accept them. assets.json names the current set; the server reads
// it at start. Fingerprinted files of earlier builds are removed. The plain names stay (tests and
// benchmarks import them; the server serves them with `no-cache`).
//
// Usage: node frontend/fingerprint.mjs target/site/pkg [BROTLI_QUALITY]   (default 11; the
// debug build passes a lower one: quality 11 on a debug bundle takes a minute)

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, readdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node fingerprint.mjs PKG_DIR");
  process.exit(2);
}

const quality = Number(process.argv[3] ?? 11);

const HASHED = /\.[0-9a-f]{16}\.(js|wasm|css)(\.gz|\.br)?$/;
// (split_*/chunk_* without a hash are the splitter's fresh output: kept)
for (const f of readdirSync(dir)) {
  if (HASHED.test(f)) unlinkSync(join(dir, f));
}

const hash = (...bufs) => {
  const h = createHash("sha256");
  for (const b of bufs) h.update(b);
  return h.digest("hex").slice(0, 16);
};

// a file with its .gz and .br beside it
const writeCompressed = (name, bytes) => {
  writeFileSync(join(dir, name), bytes);
  writeFileSync(join(dir, name + ".gz"), gzipSync(bytes, { level: 9 }));
  writeFileSync(
    join(dir, name + ".br"),
    brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: quality,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  );
};
// a fingerprinted file (listed in the size summary)
const written = [];
const write = (name, bytes) => {
  writeCompressed(name, bytes);
  written.push(name);
};

const read = (name) => readFileSync(join(dir, name));

// the application bundle: one hash for the pair, and for the lazy routes' modules when the
// bundle was split (crates/wasm-split): those are fetched by the link module
// (__wasm_split.<22 underscores>.js) relative to its own URL, and the link module imports the
// main module, which must be the very file the page loaded (a second copy would be a second
// instance without memory).
const LINK = "__wasm_split.______________________.js";
const MANIFEST = "__wasm_split_manifest.json";
const appJs = read("yinjian.js");
const appWasm = read("yinjian.wasm");
const chunks = readdirSync(dir)
  .filter((f) => /^(split|chunk)_[^.]*\.wasm$/.test(f))
  .sort();
const split = chunks.length > 0;
// the link module as the splitter wrote it (a second run finds the names of the first in it)
const pristineLink = split
  ? read(LINK)
      .toString("utf8")
      .replace(/"\.\/yinjian\.[0-9a-f]{16}\.js"/g, `"./yinjian.js"`)
      .replace(/"\.\/((?:split|chunk)_[^".]*)\.[0-9a-f]{16}\.wasm"/g, `"./$1.wasm"`)
  : "";
const app = `yinjian.${hash(appJs, appWasm, ...(split ? [Buffer.from(pristineLink), ...chunks.map(read)] : []))}`;
write(`${app}.js`, appJs);
write(`${app}.wasm`, appWasm);
if (split) {
  const h = app.slice("yinjian.".length);
  let link = pristineLink;
  const manifest = JSON.parse(read(MANIFEST).toString("utf8"));
  // (patterns, not plain names: a second run finds the names of the first)
  const mainImport = /"\.\/yinjian(\.[0-9a-f]{16})?\.js"/g;
  if (!mainImport.test(link)) {
    console.error(`${LINK} does not import ./yinjian.js`);
    process.exit(1);
  }
  link = link.replace(mainImport, `"./${app}.js"`);
  const unhash = (stem) => stem.replace(/\.[0-9a-f]{16}$/, "");
  for (const k of Object.keys(manifest)) manifest[k] = manifest[k].map(unhash);
  for (const c of chunks) {
    const stem = c.slice(0, -".wasm".length);
    write(`${stem}.${h}.wasm`, read(c));
    const ref = new RegExp(`"\\./${stem}(\\.[0-9a-f]{16})?\\.wasm"`, "g");
    if (!ref.test(link)) {
      console.error(`${LINK} does not load ./${stem}.wasm`);
      process.exit(1);
    }
    link = link.replace(ref, `"./${stem}.${h}.wasm"`);
    for (const k of Object.keys(manifest)) manifest[k] = manifest[k].map((s) => (s === stem ? `${stem}.${h}` : s));
  }
  // the link module keeps its name (Leptos preloads it by that name; served `no-cache`)
  writeCompressed(LINK, Buffer.from(link, "utf8"));
  writeFileSync(join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
}

const css = read("yinjian.css");
const cssName = `yinjian.${hash(css)}.css`;
write(cssName, css);

// the matcher's worker bundle
const mJs = read("matcher.js");
const mWasm = read("matcher.wasm");
const matcher = `matcher.${hash(mJs, mWasm)}`;
write(`${matcher}.js`, mJs);
write(`${matcher}.wasm`, mWasm);

let worker = read("matcher-worker.js").toString("utf8");
for (const ext of ["js", "wasm"]) {
  const plain = `/pkg/matcher.${ext}`;
  if (!worker.includes(plain)) {
    console.error(`matcher-worker.js does not mention ${plain}`);
    process.exit(1);
  }
  worker = worker.split(plain).join(`/pkg/${matcher}.${ext}`);
}
const workerBytes = Buffer.from(worker, "utf8");
const workerName = `matcher-worker.${hash(workerBytes)}.js`;
write(workerName, workerBytes);

const manifest = { app, css: cssName, worker: workerName };
writeFileSync(join(dir, "assets.json"), JSON.stringify(manifest, null, 2) + "\n");

// sizes: the main files one by one, the lazy routes' modules summed (split_* one per route,
// chunk_* shared between routes)
const kb = (n) => (n / 1024).toFixed(0).padStart(5);
const groups = new Map();
for (const name of written) {
  const key = name.startsWith("split_") ? "split_*.wasm" : name.startsWith("chunk_") ? "chunk_*.wasm" : name;
  const g = groups.get(key) || { n: 0, raw: 0, gz: 0, br: 0 };
  g.n += 1;
  g.raw += read(name).length;
  g.gz += read(name + ".gz").length;
  g.br += read(name + ".br").length;
  groups.set(key, g);
}
for (const [key, g] of groups) {
  const label = g.n > 1 ? `${key} (${g.n} files, in all)` : key;
  console.log(`>> ${label.padEnd(42)} ${kb(g.raw)} KB, gzip ${kb(g.gz)} KB, brotli ${kb(g.br)} KB`);
}
