//! The matcher's entry points for JavaScript (browser build only). The comparison workbench's
//! Web Worker (`public/matcher-worker.js`) and the WASM/native equality test call these; the
//! matcher itself knows nothing of the web.
//!
//! [`MatcherWorker`] answers the worker protocol (`matcher-protocol`: a typed `Request` in, a
//! typed `Reply` out, crossed with serde-wasm-bindgen): the registered impression is decoded
//! once, ahead of the questioned image; each questioned image is decoded and matched in one
//! call; manual alignments are re-scored without decoding again; views are rendered as RGBA
//! buffers the worker transfers to the page.

use wasm_bindgen::prelude::*;

use matcher::{self, views, Alignment, Decoded, GlobalTransform, MatchError, MatchOptions, MatchResult};
use matcher_protocol::{from_js, to_js, Analysis, Frame, Js, Render, RenderParams, Reply, Request, ViewKind};

/// Match a pair of image files' bytes; returns `{"ok": MatchResult}` or
/// `{"error": message, "error_code": code}` as JSON (the equality test's and the benchmark's
/// entry, not the worker's).
#[wasm_bindgen]
pub fn match_pair_json(registered: &[u8], questioned: &[u8]) -> String {
    let out = match matcher::match_pair(registered, questioned, &MatchOptions::default()) {
        Ok(r) => serde_json::json!({ "ok": r }),
        Err(e) => serde_json::json!({ "error": e.to_string(), "error_code": e.code() }),
    };
    out.to_string()
}

/// The worker's side of the protocol: one session at a time.
#[wasm_bindgen]
#[derive(Default)]
pub struct MatcherWorker {
    session: Option<MatchSession>,
}

#[wasm_bindgen]
impl MatcherWorker {
    #[wasm_bindgen(constructor)]
    pub fn new() -> MatcherWorker {
        MatcherWorker::default()
    }

    /// Answer one request (a `Request` as a JavaScript value): `[reply, transfer]`, the
    /// `Reply` and the buffers to transfer with it (its frames'). A message that is not a
    /// request is answered `Crashed`.
    pub fn handle(&mut self, message: JsValue) -> Result<js_sys::Array, JsError> {
        let transfer = js_sys::Array::new();
        let reply = match from_js::<Request<Js>>(message) {
            Ok(request) => self.answer(request, &transfer),
            Err(e) => Reply::Crashed { id: None, message: format!("not a request: {e}") },
        };
        let reply = to_js(&reply).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(js_sys::Array::of2(&reply, &transfer))
    }
}

impl MatcherWorker {
    fn answer(&mut self, request: Request<Js>, transfer: &js_sys::Array) -> Reply<Js> {
        let id = request.id();
        let renders = match request {
            Request::Init { registered, .. } => {
                self.session = None;
                let bytes = registered.to_vec().unwrap_or_default();
                return match MatchSession::new(&bytes) {
                    Ok(s) => {
                        // the first run of freshly compiled WASM is slow: run the matcher once
                        // (the registered impression against itself, in a throwaway session)
                        // before saying ready
                        if let Ok(mut warm) = MatchSession::new(&bytes) {
                            if warm.analyze(&bytes).is_ok() {
                                let _ = warm.render(ViewKind::Overlay, &RenderParams::default(), 240, 240);
                            }
                        }
                        let (width, height) = (s.reg.width as u32, s.reg.height as u32);
                        self.session = Some(s);
                        Reply::Ready { id, width, height }
                    }
                    Err(e) => Reply::Failed { id, error_code: e.code().to_string() },
                };
            }
            Request::Match { questioned, renders, .. } => {
                let Some(s) = self.session.as_mut() else { return no_session(id) };
                let bytes = questioned.to_vec().unwrap_or_default();
                let out = s.analyze(&bytes);
                return s.done(id, s_outcome(out), &renders, transfer);
            }
            Request::Rescore { alignment, renders, .. } => {
                let Some(s) = self.session.as_mut() else { return no_session(id) };
                let out = s.rescore(alignment);
                return s.done(id, s_outcome(out), &renders, transfer);
            }
            Request::Reset { renders, .. } => {
                let Some(s) = self.session.as_mut() else { return no_session(id) };
                let out = s.reset();
                return s.done(id, s_outcome(out), &renders, transfer);
            }
            Request::Render { renders, .. } => renders,
        };
        let Some(s) = self.session.as_mut() else { return no_session(id) };
        s.done(id, None, &renders, transfer)
    }
}

fn no_session(id: u64) -> Reply<Js> {
    Reply::Crashed { id: Some(id), message: "no session".into() }
}

fn s_outcome(r: Result<Analysis, MatchError>) -> Option<Result<Box<Analysis>, String>> {
    Some(r.map(Box::new).map_err(|e| e.code().to_string()))
}

/// Largest side of a rendered view.
const MAX_RENDER_SIDE: u32 = 4096;

/// One comparison in progress: the registered impression (decoded once), the questioned image
/// and the latest results.
pub struct MatchSession {
    reg: Decoded,
    q: Option<Decoded>,
    /// The automatic result for `q`.
    auto: Option<MatchResult>,
    /// The current result (automatic, or re-scored with a manual alignment).
    current: Option<MatchResult>,
}

impl MatchSession {
    /// Decode the registered impression.
    pub fn new(registered: &[u8]) -> Result<MatchSession, MatchError> {
        let reg = matcher::decode(registered)?;
        Ok(MatchSession { reg, q: None, auto: None, current: None })
    }

    fn analysis(r: &MatchResult, q: &Decoded) -> Analysis {
        Analysis { result: r.clone(), questioned_width: q.width as u32, questioned_height: q.height as u32 }
    }

    /// Decode a questioned image and match it automatically; on an error the previous
    /// questioned image and results are kept.
    pub fn analyze(&mut self, questioned: &[u8]) -> Result<Analysis, MatchError> {
        let q = matcher::decode(questioned)?;
        let r = matcher::match_decoded(&self.reg, &q, &MatchOptions::default())?;
        let out = Self::analysis(&r, &q);
        self.q = Some(q);
        self.auto = Some(r.clone());
        self.current = Some(r);
        Ok(out)
    }

    /// Re-score the current questioned image with a manual alignment, skipping the automatic
    /// alignment.
    pub fn rescore(&mut self, al: Alignment) -> Result<Analysis, MatchError> {
        if !alignment_is_finite(&al) || !(0.2..=5.0).contains(&al.scale) {
            return Err(MatchError::InvalidOption("alignment out of range".into()));
        }
        let Some(q) = self.q.as_ref() else {
            return Err(MatchError::InvalidOption("no questioned image yet".into()));
        };
        let opts = MatchOptions { manual_alignment: Some(al), ..MatchOptions::default() };
        let r = matcher::match_decoded(&self.reg, q, &opts)?;
        let out = Self::analysis(&r, q);
        self.current = Some(r);
        Ok(out)
    }

    /// Back to the automatic result.
    pub fn reset(&mut self) -> Result<Analysis, MatchError> {
        match (self.auto.as_ref(), self.q.as_ref()) {
            (Some(a), Some(q)) => {
                self.current = Some(a.clone());
                Ok(Self::analysis(a, q))
            }
            _ => Err(MatchError::InvalidOption("no questioned image yet".into())),
        }
    }

    /// The reply to a request: its outcome and its frames (none when the outcome is an error);
    /// each frame's buffer is added to `transfer`.
    fn done(
        &self,
        id: u64,
        outcome: Option<Result<Box<Analysis>, String>>,
        renders: &[Render],
        transfer: &js_sys::Array,
    ) -> Reply<Js> {
        let mut frames = Vec::new();
        if !matches!(outcome, Some(Err(_))) {
            for r in renders {
                // a view that cannot be drawn is left out; the page keeps what it has
                let Ok(rgba) = self.render(r.view, &r.params, r.w, r.h) else { continue };
                let data = js_sys::Uint8Array::from(rgba.as_slice());
                transfer.push(&data.buffer());
                frames.push(Frame { key: r.key.clone(), w: r.w, h: r.h, rgba: Js(data.into()) });
            }
        }
        Reply::Done { id, outcome, frames }
    }

    /// Render a view as RGBA (`width` x `height`, exactly) in the registered image's frame.
    /// `params.alignment` may carry an alignment to render with (live manual adjustment)
    /// instead of the current result's.
    pub fn render(&self, view: ViewKind, p: &RenderParams, width: u32, height: u32) -> Result<Vec<u8>, &'static str> {
        if !(1..=MAX_RENDER_SIDE).contains(&width) || !(1..=MAX_RENDER_SIDE).contains(&height) {
            return Err("invalid_size");
        }
        let (Some(q), Some(cur)) = (self.q.as_ref(), self.current.as_ref()) else {
            return Err("no_questioned");
        };
        // a live manual adjustment is a similarity; otherwise the result's full map (with the
        // scanner's or camera's correction), so a stretched scan is drawn aligned everywhere
        let al: GlobalTransform = match p.alignment.filter(alignment_is_finite) {
            Some(a) => GlobalTransform::from(&a),
            None => cur.transform,
        };
        let (cx, cy) = (width as f64 * 0.5, height as f64 * 0.5);
        let img = match view {
            ViewKind::Overlay => views::overlay(&self.reg, q, al, width, height),
            ViewKind::Difference => views::difference(&self.reg, q, al, p.tol.unwrap_or(2.0), width, height),
            ViewKind::Split => views::split(
                &self.reg,
                q,
                al,
                p.px.unwrap_or(cx),
                p.py.unwrap_or(cy),
                p.angle.unwrap_or(90.0),
                width,
                height,
            ),
            ViewKind::Mirror => views::mirror_fold(
                &self.reg,
                q,
                al,
                p.px.unwrap_or(cx),
                p.py.unwrap_or(cy),
                p.angle.unwrap_or(90.0),
                width,
                height,
            ),
            ViewKind::SideBySide => views::side_by_side(&self.reg, q, al, width.max(2), height),
            ViewKind::BlinkRegistered => views::blink(&self.reg, q, al, width, height).0,
            ViewKind::BlinkQuestioned => views::blink(&self.reg, q, al, width, height).1,
            ViewKind::Heatmap => views::heatmap(&self.reg, &cur.blocks, width, height),
            ViewKind::Crop => crop(q, cur, width, height),
        };
        Ok(fit(img, width, height))
    }
}

fn alignment_is_finite(a: &Alignment) -> bool {
    a.rotation_deg.is_finite() && a.scale.is_finite() && a.tx.is_finite() && a.ty.is_finite()
}

/// The buffer as exactly `width` x `height` RGBA (views already produce that size; this guards
/// the contract the page relies on when it builds an `ImageData`).
fn fit(img: views::Rgba, width: u32, height: u32) -> Vec<u8> {
    let n = width as usize * height as usize * 4;
    if img.width == width && img.height == height && img.data.len() == n {
        return img.data;
    }
    let mut out = vec![255u8; n];
    let (w, h) = (width.min(img.width) as usize, height.min(img.height) as usize);
    for y in 0..h {
        let src = y * img.width as usize * 4;
        let dst = y * width as usize * 4;
        if let (Some(s), Some(d)) = (img.data.get(src..src + w * 4), out.get_mut(dst..dst + w * 4)) {
            d.copy_from_slice(s);
        }
    }
    out
}

/// The questioned image around its located seal (box plus a margin), fitted into the output.
fn crop(q: &Decoded, r: &MatchResult, width: u32, height: u32) -> views::Rgba {
    let (w, h) = (width as usize, height as usize);
    let mut data = vec![255u8; w * h * 4];
    let b = r.seal_box;
    let side = b.width.max(b.height).max(1) as f64 * 1.1;
    let (cx, cy) = (b.x as f64 + b.width as f64 * 0.5, b.y as f64 + b.height as f64 * 0.5);
    let k = side / (w.min(h).max(1) as f64);
    let (x0, y0) = (cx - k * w as f64 * 0.5, cy - k * h as f64 * 0.5);
    for j in 0..h {
        let sy = y0 + (j as f64 + 0.5) * k;
        if sy < 0.0 || sy >= q.height as f64 {
            continue;
        }
        let row = sy as usize * q.width;
        for i in 0..w {
            let sx = x0 + (i as f64 + 0.5) * k;
            if sx < 0.0 || sx >= q.width as f64 {
                continue;
            }
            let s = (row + sx as usize) * 3;
            let o = (j * w + i) * 4;
            if let (Some(px), Some(d)) = (q.rgb.get(s..s + 3), data.get_mut(o..o + 3)) {
                d.copy_from_slice(px);
            }
        }
    }
    views::Rgba { width, height, data }
}
