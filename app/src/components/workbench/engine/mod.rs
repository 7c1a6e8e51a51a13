//! The workbench in the browser (feature `hydrate`): reads the questioned image, talks to the
//! matcher worker (`/pkg/matcher-worker.js`), paints the views and turns pointer and keyboard
//! input into manual alignments.
//!
//! Flow control: at most one message is in flight to the worker. What is waiting is kept as
//! state, not as a queue: the newest questioned image, the newest manual alignment (one pending
//! re-score at most, coalesced), a reset, and "the current view needs frames". When the worker
//! answers, [`Engine::pump`] sends the most urgent of these. Frames are cached per view and
//! parameters for the current alignment (`gen`), so switching views repaints at once.
//!
//! Here: the shared state and starting and stopping. `worker.rs` holds the worker protocol,
//! `paint.rs` the painting, `input.rs` the pointer and keyboard input.

mod input;
mod paint;
mod worker;

use paint::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;
use worker::*;

use leptos::prelude::*;
use leptos::task::spawn_local;
use matcher_protocol::{Js, Render as Spec, RenderParams, Reply, Request, ViewKind};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::js_sys::{futures::JsFuture, Array, ArrayBuffer, Uint8Array, Uint8ClampedArray};
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, ImageData, MessageEvent, OffscreenCanvas,
    OffscreenCanvasRenderingContext2d, Worker, WorkerOptions, WorkerType,
};

use super::model::{self, Fit, View};
use super::{Handles, Refs, Shown, Ui, WorkbenchOutcome};
use crate::domain::BrowserResult;
use matcher::{Alignment, MatchResult};

/// The worker's script when the page does not name a fingerprinted one.
const WORKER_URL: &str = "/pkg/matcher-worker.js";

/// The worker's (fingerprinted) URL from `<meta name="yinjian-worker">`, written by the shell.
fn worker_url() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&format!("meta[name=\"{}\"]", crate::WORKER_META)).ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .filter(|u| u.starts_with("/pkg/"))
        .unwrap_or_else(|| WORKER_URL.to_string())
}
/// CSS size of the main canvas (at most) and the cap on its device-pixel ratio.
const CANVAS_CSS: f64 = 480.0;
const MAX_DPR: f64 = 2.0;
/// Side-by-side frames are rendered this much larger than their canvases, for zooming.
const SBS_OVERSAMPLE: u32 = 2;
const CROP_PX: u32 = 160;
const LOUPE_PX: u32 = 180;
const LOUPE_MAG: f64 = 3.0;
const MAX_ZOOM: f64 = 8.0;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DragKind {
    Move,
    Rotate,
}

enum JobKind {
    Init,
    Match { t0: f64, bytes: Arc<Vec<u8>>, media: &'static str },
    Rescore { alignment: Alignment, epoch: u64 },
    Reset,
    Render,
}

struct Job {
    id: u64,
    kind: JobKind,
    /// The alignment generation the frames were rendered for.
    gen: u64,
}

struct PendingMatch {
    bytes: Arc<Vec<u8>>,
    buf: ArrayBuffer,
    media: &'static str,
    t0: f64,
}

struct Drag {
    kind: DragKind,
    pointer: i32,
    start: (f64, f64),
    start_alignment: Alignment,
}

struct Inner {
    worker: Option<Worker>,
    ui: Ui,
    refs: Refs,
    on_outcome: Callback<Option<WorkbenchOutcome>>,
    ready: bool,
    reg: (u32, u32),
    /// Backing size of the main canvas (and of each side-by-side canvas).
    out: (u32, u32),
    questioned: Option<(Arc<Vec<u8>>, &'static str)>,
    auto: Option<MatchResult>,
    current: Option<MatchResult>,
    alignment: Option<Alignment>,
    /// Bumped whenever the alignment (or the image) changes; frames carry the gen they show.
    gen: u64,
    /// Bumped by a new image or a reset: re-scores sent before are stale.
    epoch: u64,
    frames: HashMap<String, (u64, ImageData)>,
    sbs_src: Option<(HtmlCanvasElement, HtmlCanvasElement)>,
    in_flight: Option<Job>,
    next_id: u64,
    pending_match: Option<PendingMatch>,
    pending_rescore: Option<Alignment>,
    pending_reset: bool,
    painted_once: bool,
    line: Option<(f64, f64)>,
    line_drag: Option<i32>,
    drag: Option<Drag>,
    blink: Option<IntervalHandle>,
    blink_phase: bool,
    zoom: f64,
    pan: (f64, f64),
    sbs_pointers: Vec<(i32, f64, f64)>,
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_error: Option<Closure<dyn FnMut(web_sys::Event)>>,
    paste: Option<WindowListenerHandle>,
}

/// Views rendered ahead, in this order, once the current one is painted.
const PREFETCH: [View; 7] =
    [View::Overlay, View::Difference, View::Heatmap, View::Blink, View::Split, View::Mirror, View::SideBySide];

impl Inner {
    /// The split / fold line: where the clerk put it, else through the registered seal centre.
    fn line_point(&self) -> (f64, f64) {
        if let Some(p) = self.line {
            return p;
        }
        let fit = Fit::new(self.reg.0, self.reg.1, self.out.0, self.out.1);
        match self.auto.as_ref() {
            Some(r) => fit.to_output(r.registered_center_x, r.registered_center_y),
            None => (self.out.0 as f64 / 2.0, self.out.1 as f64 / 2.0),
        }
    }

    /// The frames a view shows, for the current parameters (and alignment, when asked).
    fn specs_for(&self, view: View, with_alignment: bool) -> Vec<Spec> {
        let (w, h) = self.out;
        let alignment = if with_alignment { self.alignment } else { None };
        let spec = |view: ViewKind, params: Vec<(&str, f64)>, w: u32, h: u32| {
            let mut key = format!("{}|{w}x{h}", view.name());
            let mut p = RenderParams { alignment, ..RenderParams::default() };
            for (k, v) in params {
                key.push_str(&format!("|{k}={v:.1}"));
                match k {
                    "tol" => p.tol = Some(v),
                    "px" => p.px = Some(v),
                    "py" => p.py = Some(v),
                    _ => p.angle = Some(v),
                }
            }
            Spec { key, view, params: p, w, h }
        };
        let line = || {
            let (px, py) = self.line_point();
            vec![("px", px), ("py", py), ("angle", self.ui.line_angle.get_untracked())]
        };
        match view {
            View::Overlay | View::Loupe => vec![spec(ViewKind::Overlay, vec![], w, h)],
            View::Difference => vec![spec(ViewKind::Difference, vec![("tol", self.ui.tol.get_untracked())], w, h)],
            View::Split => vec![spec(ViewKind::Split, line(), w, h)],
            View::Mirror => vec![spec(ViewKind::Mirror, line(), w, h)],
            View::Blink => {
                vec![spec(ViewKind::BlinkRegistered, vec![], w, h), spec(ViewKind::BlinkQuestioned, vec![], w, h)]
            }
            View::SideBySide => {
                let (w2, h2) = ((w * SBS_OVERSAMPLE).min(4096), (h * SBS_OVERSAMPLE).min(4096));
                vec![spec(ViewKind::BlinkRegistered, vec![], w2, h2), spec(ViewKind::BlinkQuestioned, vec![], w2, h2)]
            }
            View::Heatmap => vec![spec(ViewKind::Heatmap, vec![], w, h)],
        }
    }

    fn is_fresh(&self, specs: &[Spec]) -> bool {
        specs.iter().all(|sp| self.frames.get(&sp.key).is_some_and(|(g, _)| *g == self.gen))
    }

    /// Frames to render next: the current view's when stale, else the next view to prefetch.
    fn missing(&self) -> Option<Vec<Spec>> {
        self.current.as_ref()?;
        let view = self.ui.view.get_untracked();
        let specs = self.specs_for(view, true);
        if !self.is_fresh(&specs) {
            return Some(specs);
        }
        PREFETCH.iter().map(|v| self.specs_for(*v, true)).find(|specs| !self.is_fresh(specs))
    }
}

/// The browser side of the workbench. Cheap to clone (shared state).
#[derive(Clone)]
pub struct Engine(Rc<RefCell<Inner>>);

fn now() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

fn ctx2d(c: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    c.get_context("2d").ok().flatten().and_then(|o| o.dyn_into().ok())
}

/// Pointer position in a canvas' backing pixels.
fn canvas_point(c: &HtmlCanvasElement, client_x: f64, client_y: f64) -> (f64, f64) {
    let r = c.get_bounding_client_rect();
    let sx = if r.width() > 0.0 { c.width() as f64 / r.width() } else { 1.0 };
    let sy = if r.height() > 0.0 { c.height() as f64 / r.height() } else { 1.0 };
    ((client_x - r.left()) * sx, (client_y - r.top()) * sy)
}

impl Engine {
    /// Start the worker and decode the registered impression in it.
    pub fn start(
        registered: Arc<Vec<u8>>,
        ui: Ui,
        refs: Refs,
        on_outcome: Callback<Option<WorkbenchOutcome>>,
    ) -> Engine {
        let engine = Engine(Rc::new(RefCell::new(Inner {
            worker: None,
            ui,
            refs,
            on_outcome,
            ready: false,
            reg: (1, 1),
            out: (CANVAS_CSS as u32, CANVAS_CSS as u32),
            questioned: None,
            auto: None,
            current: None,
            alignment: None,
            gen: 0,
            epoch: 0,
            frames: HashMap::new(),
            sbs_src: None,
            in_flight: None,
            next_id: 1,
            pending_match: None,
            pending_rescore: None,
            pending_reset: false,
            painted_once: false,
            line: None,
            line_drag: None,
            drag: None,
            blink: None,
            blink_phase: false,
            zoom: 1.0,
            pan: (0.0, 0.0),
            sbs_pointers: Vec::new(),
            on_message: None,
            on_error: None,
            paste: None,
        })));
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        let worker = match Worker::new_with_options(&worker_url(), &opts) {
            Ok(w) => w,
            Err(_) => {
                engine.fatal("worker");
                return engine;
            }
        };
        let weak = Rc::downgrade(&engine.0);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            if let Some(inner) = weak.upgrade() {
                Engine(inner).on_message(ev.data());
            }
        });
        let weak = Rc::downgrade(&engine.0);
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_ev: web_sys::Event| {
            if let Some(inner) = weak.upgrade() {
                Engine(inner).fatal("worker");
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // the registered impression, decoded once in the worker ahead of any questioned image
        let reg = Uint8Array::new_from_slice(&registered).buffer();
        let transfer = Array::of1(&reg);
        match matcher_protocol::to_js(&Request::Init { id: 0, registered: Js(reg.into()) }) {
            Ok(msg) => {
                let _ = worker.post_message_with_transfer(&msg, &transfer);
            }
            Err(_) => engine.fatal("worker"),
        }
        let weak = Rc::downgrade(&engine.0);
        let paste = window_event_listener(leptos::ev::paste, move |ev| {
            if let Some(inner) = weak.upgrade() {
                Engine(inner).on_paste(ev);
            }
        });
        {
            let mut s = engine.0.borrow_mut();
            s.worker = Some(worker);
            s.on_message = Some(on_message);
            s.on_error = Some(on_error);
            s.paste = Some(paste);
            s.in_flight = Some(Job { id: 0, kind: JobKind::Init, gen: 0 });
        }
        engine
    }

    /// Tear down: stop the worker, timers and listeners (breaks the reference cycles).
    pub fn stop(&self) {
        let mut s = self.0.borrow_mut();
        if let Some(w) = s.worker.take() {
            w.set_onmessage(None);
            w.set_onerror(None);
            w.terminate();
        }
        if let Some(b) = s.blink.take() {
            b.clear();
        }
        if let Some(p) = s.paste.take() {
            p.remove();
        }
        s.on_message = None;
        s.on_error = None;
        s.frames.clear();
    }

    fn fatal(&self, code: &str) {
        let (ui, cb) = {
            let mut s = self.0.borrow_mut();
            if let Some(w) = s.worker.take() {
                w.terminate();
            }
            (s.ui, s.on_outcome)
        };
        ui.busy.set(false);
        ui.error.set(Some(code.to_string()));
        cb.run(None);
    }
}
