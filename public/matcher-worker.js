// The seal matcher off the page's main thread (the comparison workbench). Loaded from
// /pkg/matcher-worker.js as a module worker; runs the matcher's own small WASM bundle
// (crates/matcher-wasm: MatchSession and nothing of Leptos or of the pages).
//
// Messages in (one at a time; the page waits for each answer before sending the next):
//   {type: "init",    id, registered: ArrayBuffer}             -> {type: "ready", id, width, height} | {type: "failed", id, json}
//   {type: "match",   id, bytes: ArrayBuffer, renders}          -> {type: "done", id, json, frames, ms}
//   {type: "rescore", id, alignment: string (JSON), renders}    -> {type: "done", id, json, frames, ms}
//   {type: "reset",   id, renders}                              -> {type: "done", id, json, frames, ms}
//   {type: "render",  id, renders}                              -> {type: "done", id, frames, ms}
// renders: [{key, view, params (JSON string), w, h}]; frames: [{key, w, h, buf: ArrayBuffer (RGBA)}],
// the buffers transferred, not copied. Anything thrown -> {type: "crashed", id, message}.
import init, { MatchSession } from "/pkg/matcher.js";

const ready = init({ module_or_path: "/pkg/matcher.wasm" });
let session = null;
let chain = ready;

function render(renders) {
  const frames = [];
  const transfer = [];
  for (const r of renders || []) {
    try {
      const data = session.render(r.view, r.params || "", r.w, r.h);
      frames.push({ key: r.key, w: r.w, h: r.h, buf: data.buffer });
      transfer.push(data.buffer);
    } catch (_) {
      // a view that cannot be drawn is left out; the page keeps what it has
    }
  }
  return { frames, transfer };
}

function handle(m) {
  const t0 = performance.now();
  if (m.type === "init") {
    if (session) session.free();
    session = null;
    try {
      session = new MatchSession(new Uint8Array(m.registered));
    } catch (e) {
      self.postMessage({ type: "failed", id: m.id, json: String((e && e.message) || e) });
      return;
    }
    // the first run of freshly compiled WASM is slow: run the matcher once (the registered
    // impression against itself, in a throwaway session) before saying ready
    try {
      const warm = new MatchSession(new Uint8Array(m.registered));
      warm.analyze(new Uint8Array(m.registered));
      warm.render("overlay", "", 240, 240);
      warm.free();
    } catch (_) {
      // only a warm-up
    }
    self.postMessage({ type: "ready", id: m.id, width: session.registered_width, height: session.registered_height });
    return;
  }
  if (!session) {
    self.postMessage({ type: "crashed", id: m.id, message: "no session" });
    return;
  }
  let json;
  if (m.type === "match") json = session.analyze(new Uint8Array(m.bytes));
  else if (m.type === "rescore") json = session.rescore(m.alignment);
  else if (m.type === "reset") json = session.reset();
  const failed = json !== undefined && !json.startsWith('{"ok"');
  const { frames, transfer } = failed ? { frames: [], transfer: [] } : render(m.renders);
  self.postMessage({ type: "done", id: m.id, json, frames, ms: performance.now() - t0 }, transfer);
}

self.onmessage = (e) => {
  const m = e.data;
  chain = chain
    .then(() => handle(m))
    .catch((err) => self.postMessage({ type: "crashed", id: m && m.id, message: String((err && err.message) || err) }));
};
