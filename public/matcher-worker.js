// The seal matcher off the page's main thread (the comparison workbench). Loaded from
// /pkg/matcher-worker.js as a module worker; runs the matcher's own small WASM bundle
// (crates/matcher-wasm: MatcherWorker and nothing of Leptos or of the pages).
//
// The protocol is typed on both sides (crates/matcher-protocol: `Request` in, `Reply` out, as
// serde-wasm-bindgen makes them); this script only passes each message to the WASM and posts
// its answer, transferring the frames' buffers. One message at a time: the page waits for each
// answer before sending the next. Anything thrown -> {Crashed: {id: null, message}}.
import init, { MatcherWorker } from "/pkg/matcher.js";

const ready = init({ module_or_path: "/pkg/matcher.wasm" }).then(() => new MatcherWorker());
let chain = Promise.resolve();

self.onmessage = (e) => {
  const m = e.data;
  chain = chain
    .then(() => ready)
    .then((worker) => {
      const [reply, transfer] = worker.handle(m);
      self.postMessage(reply, transfer);
    })
    .catch((err) => self.postMessage({ Crashed: { id: null, message: String((err && err.message) || err) } }));
};
