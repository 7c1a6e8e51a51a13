//! The worker protocol: what the comparison page (`app`'s workbench engine) asks the matcher's
//! Web Worker (`crates/matcher-wasm`, bundled alone as `pkg/matcher.wasm`) and what it answers,
//! as two typed enums both sides share. They cross `postMessage` as JavaScript values made by
//! serde-wasm-bindgen — no JSON strings — and the large buffers (the image files going in, the
//! RGBA frames coming back) are carried as JavaScript buffers ([`Js`], feature `js`) the
//! sender lists as transferable, so they are moved, not copied.
//!
//! The buffer types are parameters: `Request<B>` and `Reply<P>`, with [`Js`] in the browser.
//! Natively (tests) `Vec<u8>` stands in for them. This crate depends on the matcher for its
//! types only (the page's bundle carries no image decoder for it).

use matcher::{Alignment, MatchResult};
use serde::{Deserialize, Serialize};

/// A view the worker draws (`matcher::views`), in the registered image's frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewKind {
    Overlay,
    Difference,
    Split,
    Mirror,
    SideBySide,
    BlinkRegistered,
    BlinkQuestioned,
    Heatmap,
    /// The questioned image around its located seal (not aligned).
    Crop,
}

impl ViewKind {
    pub const ALL: [ViewKind; 9] = [
        ViewKind::Overlay,
        ViewKind::Difference,
        ViewKind::Split,
        ViewKind::Mirror,
        ViewKind::SideBySide,
        ViewKind::BlinkRegistered,
        ViewKind::BlinkQuestioned,
        ViewKind::Heatmap,
        ViewKind::Crop,
    ];

    /// Its name in the page's frame keys.
    pub fn name(self) -> &'static str {
        match self {
            ViewKind::Overlay => "overlay",
            ViewKind::Difference => "difference",
            ViewKind::Split => "split",
            ViewKind::Mirror => "mirror",
            ViewKind::SideBySide => "side_by_side",
            ViewKind::BlinkRegistered => "blink_registered",
            ViewKind::BlinkQuestioned => "blink_questioned",
            ViewKind::Heatmap => "heatmap",
            ViewKind::Crop => "crop",
        }
    }
}

/// A view's parameters (all optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RenderParams {
    /// The alignment to draw with (a live manual adjustment); the current result's when absent.
    pub alignment: Option<Alignment>,
    /// Difference tolerance, registered pixels.
    pub tol: Option<f64>,
    /// Split / fold line through (px, py) in output pixels, at `angle` degrees.
    pub px: Option<f64>,
    pub py: Option<f64>,
    pub angle: Option<f64>,
}

/// A frame the page wants drawn: `w` × `h` RGBA, filed under `key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Render {
    pub key: String,
    pub view: ViewKind,
    pub params: RenderParams,
    pub w: u32,
    pub h: u32,
}

/// What the page asks; one at a time (the page waits for each [`Reply`] before the next).
/// `B` is a file's bytes ([`Js`]: the page's `ArrayBuffer`, transferred).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request<B> {
    /// Decode the registered impression (once, ahead of any questioned image).
    Init { id: u64, registered: B },
    /// Decode a questioned image, match it automatically and draw `renders`.
    Match { id: u64, questioned: B, renders: Vec<Render> },
    /// Re-score the current questioned image with a manual alignment.
    Rescore { id: u64, alignment: Alignment, renders: Vec<Render> },
    /// Back to the automatic result.
    Reset { id: u64, renders: Vec<Render> },
    /// Only draw.
    Render { id: u64, renders: Vec<Render> },
}

impl<B> Request<B> {
    pub fn id(&self) -> u64 {
        match self {
            Request::Init { id, .. }
            | Request::Match { id, .. }
            | Request::Rescore { id, .. }
            | Request::Reset { id, .. }
            | Request::Render { id, .. } => *id,
        }
    }
}

/// A match the worker made: the matcher's result and the questioned image's size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub result: MatchResult,
    pub questioned_width: u32,
    pub questioned_height: u32,
}

/// A drawn frame: `w` × `h` RGBA in `rgba` ([`Js`]: a `Uint8Array` whose buffer is transferred).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame<P> {
    pub key: String,
    pub w: u32,
    pub h: u32,
    pub rgba: P,
}

/// What the worker answers, with the request's `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply<P> {
    /// The registered impression is decoded (its size).
    Ready { id: u64, width: u32, height: u32 },
    /// The registered impression could not be decoded (the matcher's error code).
    Failed { id: u64, error_code: String },
    /// A match, re-score, reset or render is done. `outcome`: the result (or the matcher's
    /// error code, the previous image and result kept) for a match, re-score or reset; none
    /// for a render (boxed: a result is large beside the other replies). A view that cannot be
    /// drawn is left out of `frames`.
    Done { id: u64, outcome: Option<Result<Box<Analysis>, String>>, frames: Vec<Frame<P>> },
    /// The worker threw (a bug): what it said.
    Crashed { id: Option<u64>, message: String },
}

impl<P> Reply<P> {
    pub fn id(&self) -> Option<u64> {
        match self {
            Reply::Ready { id, .. } | Reply::Failed { id, .. } | Reply::Done { id, .. } => Some(*id),
            Reply::Crashed { id, .. } => *id,
        }
    }
}

#[cfg(feature = "js")]
pub use js::*;

#[cfg(feature = "js")]
mod js {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use wasm_bindgen::JsValue;

    /// A JavaScript value carried through a message untouched (an `ArrayBuffer` or a
    /// `Uint8Array`): serde-wasm-bindgen's `preserve`, so a buffer is never copied through Rust.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Js(pub JsValue);

    impl Serialize for Js {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serde_wasm_bindgen::preserve::serialize(&self.0, s)
        }
    }

    impl<'de> Deserialize<'de> for Js {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            serde_wasm_bindgen::preserve::deserialize(d).map(Js)
        }
    }

    impl Js {
        /// A copy of the bytes of an `ArrayBuffer` or a `Uint8Array` into Rust.
        pub fn to_vec(&self) -> Option<Vec<u8>> {
            use wasm_bindgen::JsCast;
            if let Some(a) = self.0.dyn_ref::<js_sys::Uint8Array>() {
                Some(a.to_vec())
            } else {
                self.0.dyn_ref::<js_sys::ArrayBuffer>().map(|b| js_sys::Uint8Array::new(b).to_vec())
            }
        }

        /// The `ArrayBuffer` behind it (what a sender lists as transferable).
        pub fn buffer(&self) -> Option<js_sys::ArrayBuffer> {
            use wasm_bindgen::JsCast;
            if let Some(a) = self.0.dyn_ref::<js_sys::Uint8Array>() {
                a.buffer().dyn_into().ok()
            } else {
                self.0.clone().dyn_into().ok()
            }
        }
    }

    /// A message as a JavaScript value: plain objects, `null` for an absent value (what a
    /// debugger and the tests read alike), numbers as they are — an `f64` crosses bit for bit.
    pub fn to_js<T: Serialize>(msg: &T) -> Result<JsValue, serde_wasm_bindgen::Error> {
        msg.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
    }

    /// A message from a JavaScript value.
    pub fn from_js<T: for<'de> Deserialize<'de>>(v: JsValue) -> Result<T, serde_wasm_bindgen::Error> {
        serde_wasm_bindgen::from_value(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renders() -> Vec<Render> {
        ViewKind::ALL
            .iter()
            .map(|v| Render {
                key: format!("{}|480x480", v.name()),
                view: *v,
                params: RenderParams {
                    alignment: Some(Alignment { rotation_deg: 1.5, scale: 1.01, tx: -3.25, ty: 0.5 }),
                    tol: Some(2.0),
                    px: Some(240.0),
                    py: None,
                    angle: Some(90.0),
                },
                w: 480,
                h: 480,
            })
            .collect()
    }

    fn round_trip<T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>(v: T) {
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<T>(&text).unwrap(), v, "{text}");
    }

    #[test]
    fn every_request_and_reply_reads_back_as_sent() {
        let al = Alignment { rotation_deg: -0.1, scale: 0.99, tx: 1.0, ty: 2.0 };
        for r in [
            Request::Init { id: 0, registered: vec![1u8, 2, 3] },
            Request::Match { id: 1, questioned: vec![0x89, b'P'], renders: renders() },
            Request::Rescore { id: 2, alignment: al, renders: renders() },
            Request::Reset { id: 3, renders: vec![] },
            Request::Render { id: u32::MAX as u64, renders: renders() },
        ] {
            round_trip(r);
        }
        let png = include_bytes!("../../matcher/tests/fixtures/seal/registered/r0004.png");
        let result = matcher::match_pair(png, png, &Default::default()).unwrap();
        let frames = vec![Frame { key: "overlay|2x1".into(), w: 2, h: 1, rgba: vec![0u8; 8] }];
        for r in [
            Reply::Ready { id: 0, width: 640, height: 480 },
            Reply::Failed { id: 0, error_code: "no_red_ink".into() },
            Reply::Done {
                id: 1,
                outcome: Some(Ok(Box::new(Analysis {
                    result: result.clone(),
                    questioned_width: 3,
                    questioned_height: 4,
                }))),
                frames: frames.clone(),
            },
            Reply::Done { id: 2, outcome: Some(Err("invalid_option".into())), frames: vec![] },
            Reply::Done { id: 3, outcome: None, frames },
            Reply::Crashed { id: None, message: "unreachable".into() },
        ] {
            round_trip(r);
        }
    }

    #[test]
    fn view_names_are_their_wire_names() {
        for v in ViewKind::ALL {
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(v.name()));
        }
    }
}
