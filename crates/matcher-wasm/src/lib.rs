//! The matcher's entry points for JavaScript (browser build only). The page, a Web Worker and
//! the WASM/native equality test call these; the matcher itself knows nothing of the web.
//!
//! `MatchSession` is what the comparison workbench's worker (`public/matcher-worker.js`) drives:
//! the registered impression is decoded once, ahead of the questioned image; each questioned image
//! is decoded and matched in one call; manual alignments are re-scored without decoding again;
//! views are rendered as RGBA buffers the worker transfers to the page.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use matcher::{self, views, Alignment, Decoded, GlobalTransform, MatchError, MatchOptions, MatchResult};

/// Match a pair of image files' bytes; returns `{"ok": MatchResult}` or
/// `{"error": message, "error_code": code}` as JSON.
#[wasm_bindgen]
pub fn match_pair_json(registered: &[u8], questioned: &[u8]) -> String {
    let out = match matcher::match_pair(registered, questioned, &MatchOptions::default()) {
        Ok(r) => serde_json::json!({ "ok": r }),
        Err(e) => serde_json::json!({ "error": e.to_string(), "error_code": e.code() }),
    };
    out.to_string()
}

fn error_json(e: &MatchError) -> String {
    serde_json::json!({ "error": e.to_string(), "error_code": e.code() }).to_string()
}

fn ok_json(r: &MatchResult, q: &Decoded) -> String {
    serde_json::json!({ "ok": r, "questioned": { "width": q.width, "height": q.height } }).to_string()
}

/// Largest side of a rendered view.
const MAX_RENDER_SIDE: u32 = 4096;

/// Parameters of [`MatchSession::render`] (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RenderParams {
    /// Alignment to render with; the current result's when absent.
    alignment: Option<Alignment>,
    /// Difference tolerance, registered pixels.
    tol: Option<f64>,
    /// Split / fold line through (px, py) in output pixels, at `angle` degrees.
    px: Option<f64>,
    py: Option<f64>,
    angle: Option<f64>,
}

/// One comparison in progress: the registered impression (decoded once), the questioned image
/// and the latest results.
#[wasm_bindgen]
pub struct MatchSession {
    reg: Decoded,
    q: Option<Decoded>,
    /// The automatic result for `q`.
    auto: Option<MatchResult>,
    /// The current result (automatic, or re-scored with a manual alignment).
    current: Option<MatchResult>,
}

#[wasm_bindgen]
impl MatchSession {
    /// Decode the registered impression. On failure the error's message is the JSON
    /// `{"error": message, "error_code": code}`.
    #[wasm_bindgen(constructor)]
    pub fn new(registered: &[u8]) -> Result<MatchSession, JsError> {
        let reg = matcher::decode(registered).map_err(|e| JsError::new(&error_json(&e)))?;
        Ok(MatchSession { reg, q: None, auto: None, current: None })
    }

    #[wasm_bindgen(getter)]
    pub fn registered_width(&self) -> u32 {
        self.reg.width as u32
    }

    #[wasm_bindgen(getter)]
    pub fn registered_height(&self) -> u32 {
        self.reg.height as u32
    }

    /// Decode a questioned image and match it automatically. Returns
    /// `{"ok": MatchResult, "questioned": {"width", "height"}}` or `{"error", "error_code"}`;
    /// on an error the previous questioned image and results are kept.
    pub fn analyze(&mut self, questioned: &[u8]) -> String {
        let q = match matcher::decode(questioned) {
            Ok(q) => q,
            Err(e) => return error_json(&e),
        };
        match matcher::match_decoded(&self.reg, &q, &MatchOptions::default()) {
            Ok(r) => {
                let out = ok_json(&r, &q);
                self.q = Some(q);
                self.auto = Some(r.clone());
                self.current = Some(r);
                out
            }
            Err(e) => error_json(&e),
        }
    }

    /// Re-score the current questioned image with a manual alignment (JSON
    /// `{"rotation_deg", "scale", "tx", "ty"}`), skipping the automatic alignment.
    pub fn rescore(&mut self, alignment_json: &str) -> String {
        let al = match parse_alignment(alignment_json) {
            Ok(a) => a,
            Err(e) => return error_json(&e),
        };
        let Some(q) = self.q.as_ref() else {
            return error_json(&MatchError::InvalidOption("no questioned image yet".into()));
        };
        let opts = MatchOptions { manual_alignment: Some(al), ..MatchOptions::default() };
        match matcher::match_decoded(&self.reg, q, &opts) {
            Ok(r) => {
                let out = ok_json(&r, q);
                self.current = Some(r);
                out
            }
            Err(e) => error_json(&e),
        }
    }

    /// Back to the automatic result (returned as by [`MatchSession::analyze`]).
    pub fn reset(&mut self) -> String {
        match (self.auto.as_ref(), self.q.as_ref()) {
            (Some(a), Some(q)) => {
                self.current = Some(a.clone());
                ok_json(a, q)
            }
            _ => error_json(&MatchError::InvalidOption("no questioned image yet".into())),
        }
    }

    /// Render a view as RGBA (`width` x `height`, exactly) in the registered image's frame.
    /// Views: `overlay`, `difference` (`tol`), `split` and `mirror` (`px`, `py`, `angle`),
    /// `side_by_side`, `blink_registered`, `blink_questioned`, `heatmap`, and `crop` (the
    /// questioned image around its located seal, not aligned). `params_json` may carry an
    /// `alignment` to render with (live manual adjustment) instead of the current result's.
    pub fn render(&self, view: &str, params_json: &str, width: u32, height: u32) -> Result<Vec<u8>, JsError> {
        if !(1..=MAX_RENDER_SIDE).contains(&width) || !(1..=MAX_RENDER_SIDE).contains(&height) {
            return Err(JsError::new("invalid_size"));
        }
        let p: RenderParams = if params_json.trim().is_empty() {
            RenderParams::default()
        } else {
            serde_json::from_str(params_json).map_err(|_| JsError::new("invalid_params"))?
        };
        let (Some(q), Some(cur)) = (self.q.as_ref(), self.current.as_ref()) else {
            return Err(JsError::new("no_questioned"));
        };
        // a live manual adjustment is a similarity; otherwise the result's full map (with the
        // scanner's or camera's correction), so a stretched scan is drawn aligned everywhere
        let al: GlobalTransform = match p.alignment.filter(alignment_is_finite) {
            Some(a) => GlobalTransform::from(&a),
            None => cur.transform,
        };
        let (cx, cy) = (width as f64 * 0.5, height as f64 * 0.5);
        let img = match view {
            "overlay" => views::overlay(&self.reg, q, al, width, height),
            "difference" => views::difference(&self.reg, q, al, p.tol.unwrap_or(2.0), width, height),
            "split" => views::split(
                &self.reg,
                q,
                al,
                p.px.unwrap_or(cx),
                p.py.unwrap_or(cy),
                p.angle.unwrap_or(90.0),
                width,
                height,
            ),
            "mirror" => views::mirror_fold(
                &self.reg,
                q,
                al,
                p.px.unwrap_or(cx),
                p.py.unwrap_or(cy),
                p.angle.unwrap_or(90.0),
                width,
                height,
            ),
            "side_by_side" => views::side_by_side(&self.reg, q, al, width.max(2), height),
            "blink_registered" => views::blink(&self.reg, q, al, width, height).0,
            "blink_questioned" => views::blink(&self.reg, q, al, width, height).1,
            "heatmap" => views::heatmap(&self.reg, &cur.blocks, width, height),
            "crop" => crop(q, cur, width, height),
            _ => return Err(JsError::new("unknown_view")),
        };
        Ok(fit(img, width, height))
    }
}

fn alignment_is_finite(a: &Alignment) -> bool {
    a.rotation_deg.is_finite() && a.scale.is_finite() && a.tx.is_finite() && a.ty.is_finite()
}

fn parse_alignment(json: &str) -> Result<Alignment, MatchError> {
    let al: Alignment =
        serde_json::from_str(json).map_err(|_| MatchError::InvalidOption("alignment is not valid JSON".into()))?;
    if !alignment_is_finite(&al) || !(0.2..=5.0).contains(&al.scale) {
        return Err(MatchError::InvalidOption("alignment out of range".into()));
    }
    Ok(al)
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
