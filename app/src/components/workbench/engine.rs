//! The workbench in the browser (feature `hydrate`): reads the questioned image, talks to the
//! matcher worker (`/pkg/matcher-worker.js`), paints the views and turns pointer and keyboard
//! input into manual alignments.
//!
//! Flow control: at most one message is in flight to the worker. What is waiting is kept as
//! state, not as a queue: the newest questioned image, the newest manual alignment (one pending
//! re-score at most, coalesced), a reset, and "the current view needs frames". When the worker
//! answers, [`Engine::pump`] sends the most urgent of these. Frames are cached per view and
//! parameters for the current alignment (`gen`), so switching views repaints at once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::js_sys::{futures::JsFuture, Array, ArrayBuffer, Object, Reflect, Uint8Array, Uint8ClampedArray};
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, ImageData, MessageEvent, OffscreenCanvas,
    OffscreenCanvasRenderingContext2d, Worker, WorkerOptions, WorkerType,
};

use super::model::{self, Fit, View};
use super::{Handles, Refs, Shown, Ui, WorkbenchOutcome};
use crate::domain::BrowserResult;
use crate::matcher::{Alignment, MatchResult};

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

/// A frame the worker should render.
#[derive(Clone, Debug)]
struct Spec {
    key: String,
    view: &'static str,
    params: String,
    w: u32,
    h: u32,
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
        let spec = |name: &'static str, params: Vec<(&str, f64)>, w: u32, h: u32| {
            let mut key = format!("{name}|{w}x{h}");
            let mut p = serde_json::Map::new();
            for (k, v) in params {
                key.push_str(&format!("|{k}={v:.1}"));
                p.insert(k.to_string(), serde_json::json!(v));
            }
            if let Some(a) = alignment {
                p.insert("alignment".into(), serde_json::json!(a));
            }
            Spec { key, view: name, params: serde_json::Value::Object(p).to_string(), w, h }
        };
        let line = || {
            let (px, py) = self.line_point();
            vec![("px", px), ("py", py), ("angle", self.ui.line_angle.get_untracked())]
        };
        match view {
            View::Overlay | View::Loupe => vec![spec("overlay", vec![], w, h)],
            View::Difference => vec![spec("difference", vec![("tol", self.ui.tol.get_untracked())], w, h)],
            View::Split => vec![spec("split", line(), w, h)],
            View::Mirror => vec![spec("mirror", line(), w, h)],
            View::Blink => vec![spec("blink_registered", vec![], w, h), spec("blink_questioned", vec![], w, h)],
            View::SideBySide => {
                let (w2, h2) = ((w * SBS_OVERSAMPLE).min(4096), (h * SBS_OVERSAMPLE).min(4096));
                vec![spec("blink_registered", vec![], w2, h2), spec("blink_questioned", vec![], w2, h2)]
            }
            View::Heatmap => vec![spec("heatmap", vec![], w, h)],
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

fn set(obj: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(k), v);
}

fn get(obj: &JsValue, k: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

fn ctx2d(c: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    c.get_context("2d").ok().flatten().and_then(|o| o.dyn_into().ok())
}

fn alignment_json(a: &Alignment) -> String {
    serde_json::to_string(a).unwrap_or_default()
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
        let reg = Uint8Array::new_from_slice(&registered);
        let msg = Object::new();
        set(&msg, "type", &"init".into());
        set(&msg, "id", &0.into());
        set(&msg, "registered", &reg.buffer());
        let transfer = Array::new();
        transfer.push(&reg.buffer());
        let _ = worker.post_message_with_transfer(&msg, &transfer);
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

    // ---- input ---------------------------------------------------------------------------

    /// A questioned image arrived (file picker, camera, drop or paste); `t0` is when.
    pub fn take_file(&self, file: web_sys::File, t0: f64) {
        let t = now();
        let t0 = if t0 > 0.0 && t0 <= t { t0 } else { t };
        let (ui, canvas) = {
            let s = self.0.borrow();
            if s.worker.is_none() {
                return;
            }
            (s.ui, s.refs.main.get_untracked())
        };
        if let Some(c) = canvas {
            let _ = c.set_attribute("data-painted", "0");
        }
        ui.error.set(None);
        ui.busy.set(true);
        let this = self.clone();
        spawn_local(async move {
            match prepare(&file).await {
                Ok((bytes, buf, media)) => {
                    this.0.borrow_mut().pending_match = Some(PendingMatch { bytes: Arc::new(bytes), buf, media, t0 });
                    this.pump();
                }
                Err(code) => this.input_failed(code),
            }
        });
    }

    /// The file picker or the camera input changed.
    pub fn input_changed(&self, ev: &web_sys::Event) {
        let t0 = ev.time_stamp();
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let file = input.files().and_then(|l| l.get(0));
        // allow choosing the same file again
        input.set_value("");
        if let Some(f) = file {
            self.take_file(f, t0);
        }
    }

    /// Something was dropped on the drop zone.
    pub fn dropped(&self, ev: &web_sys::DragEvent) {
        let t0 = ev.time_stamp();
        match ev.data_transfer().and_then(|d| d.files()).and_then(|l| l.get(0)) {
            Some(f) => self.take_file(f, t0),
            None => self.input_failed("unreadable"),
        }
    }

    /// The new input cannot be used: say why and keep what was there.
    fn input_failed(&self, code: &str) {
        let (ui, canvas, painted, waiting) = {
            let s = self.0.borrow();
            (
                s.ui,
                s.refs.main.get_untracked(),
                s.painted_once,
                s.pending_match.is_some()
                    || s.in_flight.as_ref().is_some_and(|j| matches!(j.kind, JobKind::Match { .. })),
            )
        };
        ui.error.set(Some(code.to_string()));
        if !waiting {
            ui.busy.set(false);
        }
        if let (Some(c), true) = (canvas, painted) {
            let _ = c.set_attribute("data-painted", "1");
        }
    }

    fn on_paste(&self, ev: web_sys::ClipboardEvent) {
        let Some(dt) = ev.clipboard_data() else { return };
        let files = dt.files();
        let mut found = None;
        if let Some(list) = files {
            for i in 0..list.length() {
                if let Some(f) = list.item(i) {
                    if f.type_().starts_with("image/") {
                        found = Some(f);
                        break;
                    }
                }
            }
        }
        if let Some(f) = found {
            ev.prevent_default();
            self.take_file(f, now());
        }
    }

    // ---- the worker ------------------------------------------------------------------------

    fn post(&self, msg: &Object, transfer: &Array) {
        let worker = self.0.borrow().worker.clone();
        if let Some(w) = worker {
            if w.post_message_with_transfer(msg, transfer).is_err() {
                self.fatal("worker");
            }
        }
    }

    /// Send the most urgent waiting work, if the worker is idle.
    fn pump(&self) {
        let (msg, transfer) = {
            let mut s = self.0.borrow_mut();
            if s.in_flight.is_some() || !s.ready || s.worker.is_none() {
                return;
            }
            let id = s.next_id;
            s.next_id += 1;
            let msg = Object::new();
            let transfer = Array::new();
            set(&msg, "id", &(id as f64).into());
            let gen = s.gen;
            if let Some(pm) = s.pending_match.take() {
                // a new image supersedes adjustments of the old one
                s.pending_rescore = None;
                s.pending_reset = false;
                let specs = s.specs_for(s.ui.view.get_untracked(), false);
                set(&msg, "type", &"match".into());
                set(&msg, "bytes", &pm.buf);
                transfer.push(&pm.buf);
                set(&msg, "renders", &specs_js(&specs, Some(crop_spec())));
                s.in_flight =
                    Some(Job { id, kind: JobKind::Match { t0: pm.t0, bytes: pm.bytes, media: pm.media }, gen });
            } else if s.pending_reset {
                s.pending_reset = false;
                s.pending_rescore = None;
                let specs = s.specs_for(s.ui.view.get_untracked(), true);
                set(&msg, "type", &"reset".into());
                set(&msg, "renders", &specs_js(&specs, None));
                s.in_flight = Some(Job { id, kind: JobKind::Reset, gen });
            } else if let Some(al) = s.pending_rescore.take() {
                let specs = s.specs_for(s.ui.view.get_untracked(), true);
                set(&msg, "type", &"rescore".into());
                set(&msg, "alignment", &alignment_json(&al).into());
                set(&msg, "renders", &specs_js(&specs, None));
                let epoch = s.epoch;
                s.in_flight = Some(Job { id, kind: JobKind::Rescore { alignment: al, epoch }, gen });
            } else if let Some(specs) = s.missing() {
                set(&msg, "type", &"render".into());
                set(&msg, "renders", &specs_js(&specs, None));
                s.in_flight = Some(Job { id, kind: JobKind::Render, gen });
            } else {
                return;
            }
            (msg, transfer)
        };
        self.post(&msg, &transfer);
    }

    fn on_message(&self, data: JsValue) {
        let ty = get(&data, "type").as_string().unwrap_or_default();
        let id = get(&data, "id").as_f64().unwrap_or(-1.0) as u64;
        let job = {
            let mut s = self.0.borrow_mut();
            match s.in_flight.as_ref() {
                Some(j) if j.id == id => s.in_flight.take(),
                _ => None,
            }
        };
        let Some(job) = job else { return };
        if matches!(job.kind, JobKind::Init) && ty != "ready" {
            self.fatal(if ty == "failed" { "registered" } else { "worker" });
            return;
        }
        match ty.as_str() {
            "ready" => {
                let w = get(&data, "width").as_f64().unwrap_or(1.0) as u32;
                let h = get(&data, "height").as_f64().unwrap_or(1.0) as u32;
                self.on_ready(w.max(1), h.max(1));
            }
            "done" => self.on_done(job, &data),
            _ => {
                // the worker threw (should not happen): report, keep the state
                let ui = self.0.borrow().ui;
                ui.error.set(Some("internal".into()));
                ui.busy.set(false);
                ui.rescoring.set(false);
            }
        }
        self.pump();
    }

    fn on_ready(&self, w: u32, h: u32) {
        let (ui, refs) = {
            let s = self.0.borrow();
            (s.ui, s.refs)
        };
        // canvas backing size: its CSS width (at most CANVAS_CSS) times the device-pixel ratio
        let dpr = window().device_pixel_ratio().clamp(1.0, MAX_DPR);
        let css = refs
            .stage
            .get_untracked()
            .map(|e| e.client_width() as f64)
            .filter(|v| *v > 0.0)
            .unwrap_or(CANVAS_CSS)
            .min(CANVAS_CSS);
        let ow = (css * dpr).round().max(64.0);
        let oh = (ow * h as f64 / w as f64).round().clamp(64.0, 4096.0);
        let out = (ow as u32, oh as u32);
        for c in
            [refs.main.get_untracked(), refs.sbs_r.get_untracked(), refs.sbs_q.get_untracked()].into_iter().flatten()
        {
            c.set_width(out.0);
            c.set_height(out.1);
        }
        if let Some(c) = refs.loupe.get_untracked() {
            c.set_width(LOUPE_PX);
            c.set_height(LOUPE_PX);
        }
        if let Some(c) = refs.crop.get_untracked() {
            c.set_width(CROP_PX);
            c.set_height(CROP_PX);
        }
        let doc = document();
        let src = (
            doc.create_element("canvas").ok().and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok()),
            doc.create_element("canvas").ok().and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok()),
        );
        {
            let mut s = self.0.borrow_mut();
            s.ready = true;
            s.reg = (w, h);
            s.out = out;
            if let (Some(a), Some(b)) = src {
                s.sbs_src = Some((a, b));
            }
        }
        ui.ready.set(true);
    }

    fn on_done(&self, job: Job, data: &JsValue) {
        let json = get(data, "json").as_string();
        let parsed: Option<Result<MatchResult, String>> = json.map(|j| parse_result(&j));
        let frames = get(data, "frames");
        match job.kind {
            JobKind::Match { t0, bytes, media } => match parsed {
                Some(Ok(r)) => {
                    let (ui, cb, gen) = {
                        let mut s = self.0.borrow_mut();
                        s.gen += 1;
                        s.epoch += 1;
                        s.frames.clear();
                        s.pending_rescore = None;
                        s.pending_reset = false;
                        s.line = None;
                        s.questioned = Some((bytes.clone(), media));
                        s.alignment = Some(r.alignment);
                        s.auto = Some(r.clone());
                        s.current = Some(r.clone());
                        (s.ui, s.on_outcome, s.gen)
                    };
                    self.store_frames(&frames, gen);
                    self.paint_crop(&frames);
                    ui.shown.set(Some(Shown::of(&r)));
                    ui.rescoring.set(false);
                    ui.error.set(None);
                    let more = self.0.borrow().pending_match.is_some();
                    ui.busy.set(more);
                    self.update_handles();
                    self.repaint();
                    self.mark_painted(t0);
                    cb.run(Some(WorkbenchOutcome {
                        questioned: bytes,
                        media_type: media.to_string(),
                        result: browser_result(&r),
                        manual_alignment: None,
                    }));
                }
                Some(Err(code)) => self.input_failed(&code),
                None => self.input_failed("internal"),
            },
            JobKind::Rescore { alignment, epoch } => {
                let (ui, cb, q, current_epoch, newer) = {
                    let s = self.0.borrow();
                    (s.ui, s.on_outcome, s.questioned.clone(), s.epoch, s.pending_rescore.is_some())
                };
                self.store_frames(&frames, job.gen);
                self.repaint();
                if epoch != current_epoch {
                    return;
                }
                match parsed {
                    Some(Ok(r)) => {
                        self.0.borrow_mut().current = Some(r.clone());
                        ui.shown.set(Some(Shown::of(&r)));
                        ui.rescoring.set(newer);
                        if let Some((bytes, media)) = q {
                            cb.run(Some(WorkbenchOutcome {
                                questioned: bytes,
                                media_type: media.to_string(),
                                result: browser_result(&r),
                                manual_alignment: Some(alignment),
                            }));
                        }
                    }
                    Some(Err(code)) => {
                        ui.rescoring.set(newer);
                        ui.error.set(Some(code));
                    }
                    None => ui.rescoring.set(newer),
                }
            }
            JobKind::Reset | JobKind::Render => {
                self.store_frames(&frames, job.gen);
                self.repaint();
            }
            JobKind::Init => {}
        }
    }

    fn store_frames(&self, frames: &JsValue, gen: u64) {
        let Ok(arr) = frames.clone().dyn_into::<Array>() else { return };
        let mut s = self.0.borrow_mut();
        for f in arr.iter() {
            let key = get(&f, "key").as_string().unwrap_or_default();
            if key == "crop" {
                continue;
            }
            let (w, h) = (get(&f, "w").as_f64().unwrap_or(0.0) as u32, get(&f, "h").as_f64().unwrap_or(0.0) as u32);
            let Some(img) = image_data(&get(&f, "buf"), w, h) else { continue };
            let keep = match s.frames.get(&key) {
                Some((g, _)) => *g <= gen,
                None => true,
            };
            if keep {
                s.frames.insert(key, (gen, img));
            }
        }
        if s.frames.len() > 48 {
            let g = s.gen;
            s.frames.retain(|_, (fg, _)| *fg == g);
        }
    }

    fn paint_crop(&self, frames: &JsValue) {
        let Ok(arr) = frames.clone().dyn_into::<Array>() else { return };
        let canvas = self.0.borrow().refs.crop.get_untracked();
        let Some(c) = canvas else { return };
        for f in arr.iter() {
            if get(&f, "key").as_string().as_deref() == Some("crop") {
                if let (Some(img), Some(ctx)) = (image_data(&get(&f, "buf"), CROP_PX, CROP_PX), ctx2d(&c)) {
                    let _ = ctx.put_image_data(&img, 0.0, 0.0);
                }
            }
        }
    }

    /// After the next frame is presented: `data-painted="1"` and the elapsed time.
    fn mark_painted(&self, t0: f64) {
        let canvas = {
            let mut s = self.0.borrow_mut();
            s.painted_once = true;
            s.refs.main.get_untracked()
        };
        request_animation_frame(move || {
            if let Some(c) = canvas {
                let ms = now() - t0;
                let _ = c.set_attribute("data-ms", &format!("{ms:.1}"));
                let run = c.get_attribute("data-run").and_then(|v| v.parse::<u64>().ok()).unwrap_or(0) + 1;
                let _ = c.set_attribute("data-run", &run.to_string());
                let _ = c.set_attribute("data-painted", "1");
            }
        });
    }

    // ---- frames and painting ---------------------------------------------------------------

    /// Paint the current view from the newest frames available; ask for what is missing.
    pub fn repaint(&self) {
        let (view, refs, needs) = {
            let s = self.0.borrow();
            if s.current.is_none() {
                return;
            }
            (s.ui.view.get_untracked(), s.refs, s.missing().is_some())
        };
        if let Some(c) = refs.main.get_untracked() {
            let _ = c.set_attribute("data-view", view.name());
        }
        match view {
            View::SideBySide => self.paint_sbs(),
            View::Blink => self.paint_blink_phase(),
            _ => {
                let img = {
                    let s = self.0.borrow();
                    s.specs_for(view, true).first().and_then(|sp| s.frames.get(&sp.key).map(|(_, i)| i.clone()))
                };
                if let (Some(img), Some(c)) = (img, refs.main.get_untracked()) {
                    if let Some(ctx) = ctx2d(&c) {
                        let _ = ctx.put_image_data(&img, 0.0, 0.0);
                    }
                }
            }
        }
        if needs {
            self.pump();
        }
    }

    fn paint_blink_phase(&self) {
        let (img, canvas) = {
            let s = self.0.borrow();
            let specs = s.specs_for(View::Blink, true);
            let i = if s.blink_phase { 1 } else { 0 };
            (specs.get(i).and_then(|sp| s.frames.get(&sp.key).map(|(_, i)| i.clone())), s.refs.main.get_untracked())
        };
        if let (Some(img), Some(c)) = (img, canvas) {
            if let Some(ctx) = ctx2d(&c) {
                let _ = ctx.put_image_data(&img, 0.0, 0.0);
            }
        }
    }

    fn paint_sbs(&self) {
        let s = self.0.borrow();
        let specs = s.specs_for(View::SideBySide, true);
        let Some((src_r, src_q)) = s.sbs_src.as_ref() else { return };
        for (spec, src, dst) in
            [(specs.first(), src_r, s.refs.sbs_r.get_untracked()), (specs.get(1), src_q, s.refs.sbs_q.get_untracked())]
        {
            let (Some(spec), Some(dst)) = (spec, dst) else { continue };
            if let Some((_, img)) = s.frames.get(&spec.key) {
                src.set_width(img.width());
                src.set_height(img.height());
                if let Some(ctx) = ctx2d(src) {
                    let _ = ctx.put_image_data(img, 0.0, 0.0);
                }
            }
            draw_zoomed(&dst, src, s.zoom, s.pan);
        }
    }

    // ---- view state --------------------------------------------------------------------------

    pub fn set_view(&self, view: View) {
        {
            let mut s = self.0.borrow_mut();
            if let Some(b) = s.blink.take() {
                b.clear();
            }
            s.drag = None;
            s.line_drag = None;
        }
        let (ui, canvas) = {
            let s = self.0.borrow();
            (s.ui, s.refs.main.get_untracked())
        };
        ui.loupe.set(None);
        if let Some(c) = canvas {
            let _ = c.set_attribute("data-view", view.name());
        }
        if view == View::Blink {
            self.restart_blink();
        }
        self.repaint();
    }

    pub fn restart_blink(&self) {
        let (ui, old) = {
            let mut s = self.0.borrow_mut();
            (s.ui, s.blink.take())
        };
        if let Some(b) = old {
            b.clear();
        }
        if ui.view.get_untracked() != View::Blink {
            return;
        }
        let hz = ui.blink_hz.get_untracked().clamp(1.0, 5.0);
        let weak = Rc::downgrade(&self.0);
        let handle = set_interval_with_handle(
            move || {
                if let Some(inner) = weak.upgrade() {
                    let e = Engine(inner);
                    {
                        let mut s = e.0.borrow_mut();
                        s.blink_phase = !s.blink_phase;
                    }
                    e.paint_blink_phase();
                }
            },
            Duration::from_secs_f64(0.5 / hz),
        );
        self.0.borrow_mut().blink = handle.ok();
    }

    /// A view parameter changed (tolerance, line angle): render if needed.
    pub fn params_changed(&self) {
        self.repaint();
    }

    // ---- manual alignment ------------------------------------------------------------------

    fn set_alignment(&self, al: Alignment) {
        let ui = {
            let mut s = self.0.borrow_mut();
            s.alignment = Some(al);
            s.gen += 1;
            s.pending_rescore = Some(al);
            s.ui
        };
        ui.rescoring.set(true);
        self.update_handles();
        self.pump();
    }

    /// Move the questioned image by whole questioned pixels (screen direction).
    pub fn nudge(&self, dx: f64, dy: f64) {
        let al = self.0.borrow().alignment;
        if let Some(al) = al {
            self.set_alignment(model::nudge(&al, dx, dy));
        }
    }

    /// Rotate the questioned image about the registered seal centre (counter-clockwise on screen).
    pub fn rotate(&self, ccw_deg: f64) {
        let (al, c) = {
            let s = self.0.borrow();
            (s.alignment, s.auto.as_ref().map(|r| (r.registered_center_x, r.registered_center_y)))
        };
        if let (Some(al), Some(c)) = (al, c) {
            self.set_alignment(model::rotate_about(&al, c, ccw_deg));
        }
    }

    /// Back to the automatic alignment and result.
    pub fn reset(&self) {
        let (ui, cb, auto, q) = {
            let mut s = self.0.borrow_mut();
            let Some(auto) = s.auto.clone() else { return };
            s.alignment = Some(auto.alignment);
            s.gen += 1;
            s.epoch += 1;
            s.pending_rescore = None;
            s.pending_reset = true;
            s.current = Some(auto.clone());
            (s.ui, s.on_outcome, auto, s.questioned.clone())
        };
        ui.rescoring.set(false);
        ui.shown.set(Some(Shown::of(&auto)));
        self.update_handles();
        self.pump();
        if let Some((bytes, media)) = q {
            cb.run(Some(WorkbenchOutcome {
                questioned: bytes,
                media_type: media.to_string(),
                result: browser_result(&auto),
                manual_alignment: None,
            }));
        }
    }

    fn fit(&self) -> Fit {
        let s = self.0.borrow();
        Fit::new(s.reg.0, s.reg.1, s.out.0, s.out.1)
    }

    /// Where the handles sit (percent of the canvas box).
    fn update_handles(&self) {
        let fit = self.fit();
        let (ui, out, al, auto) = {
            let s = self.0.borrow();
            (s.ui, s.out, s.alignment, s.auto.clone())
        };
        let (Some(al), Some(auto)) = (al, auto) else {
            ui.handles.set(None);
            return;
        };
        let (w, h) = (out.0 as f64, out.1 as f64);
        let seen = model::inverse_map(&al, (auto.center_x, auto.center_y));
        let (mx, my) = fit.to_output(seen.0, seen.1);
        let (cx, cy) = fit.to_output(auto.registered_center_x, auto.registered_center_y);
        let phi = (90.0 + model::norm_deg(auto.alignment.rotation_deg - al.rotation_deg)).to_radians();
        let r = 0.42 * w.min(h);
        let (rx, ry) = (cx + r * phi.cos(), cy - r * phi.sin());
        let pct = |v: f64, d: f64| (v / d * 100.0).clamp(3.0, 97.0);
        ui.handles.set(Some(Handles {
            move_x: pct(mx, w),
            move_y: pct(my, h),
            rotate_x: pct(rx, w),
            rotate_y: pct(ry, h),
            centre_x: pct(cx, w),
            centre_y: pct(cy, h),
        }));
    }

    pub fn drag_start(&self, kind: DragKind, ev: &web_sys::PointerEvent) {
        let canvas = self.0.borrow().refs.main.get_untracked();
        let (Some(c), Some(al)) = (canvas, self.0.borrow().alignment) else { return };
        if let Some(t) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = t.set_pointer_capture(ev.pointer_id());
        }
        ev.prevent_default();
        ev.stop_propagation();
        let p = canvas_point(&c, ev.client_x() as f64, ev.client_y() as f64);
        self.0.borrow_mut().drag = Some(Drag { kind, pointer: ev.pointer_id(), start: p, start_alignment: al });
    }

    pub fn drag_move(&self, ev: &web_sys::PointerEvent) {
        let fit = self.fit();
        let (canvas, drag, c) = {
            let s = self.0.borrow();
            let Some(d) = s.drag.as_ref() else { return };
            if d.pointer != ev.pointer_id() {
                return;
            }
            (
                s.refs.main.get_untracked(),
                (d.kind, d.start, d.start_alignment),
                s.auto.as_ref().map(|r| (r.registered_center_x, r.registered_center_y)),
            )
        };
        let (Some(canvas), Some(c)) = (canvas, c) else { return };
        ev.prevent_default();
        // handled here, not again by the stage around the handle
        ev.stop_propagation();
        let p = canvas_point(&canvas, ev.client_x() as f64, ev.client_y() as f64);
        let (kind, start, al0) = drag;
        let al = match kind {
            DragKind::Move => model::translate(&al0, (p.0 - start.0) / fit.k, (p.1 - start.1) / fit.k),
            DragKind::Rotate => {
                let (cx, cy) = fit.to_output(c.0, c.1);
                let a0 = (-(start.1 - cy)).atan2(start.0 - cx);
                let a1 = (-(p.1 - cy)).atan2(p.0 - cx);
                model::rotate_about(&al0, c, model::norm_deg((a1 - a0).to_degrees()))
            }
        };
        self.set_alignment(al);
    }

    pub fn drag_end(&self, ev: &web_sys::PointerEvent) {
        let mut s = self.0.borrow_mut();
        if s.drag.as_ref().is_some_and(|d| d.pointer == ev.pointer_id()) {
            s.drag = None;
        }
    }

    // ---- the canvas: split line, loupe -------------------------------------------------------

    pub fn canvas_down(&self, ev: &web_sys::PointerEvent) {
        let (view, canvas) = {
            let s = self.0.borrow();
            (s.ui.view.get_untracked(), s.refs.main.get_untracked())
        };
        if !view.has_line() {
            return;
        }
        let Some(c) = canvas else { return };
        let _ = c.set_pointer_capture(ev.pointer_id());
        ev.prevent_default();
        self.0.borrow_mut().line_drag = Some(ev.pointer_id());
        self.move_line(&c, ev);
    }

    fn move_line(&self, c: &HtmlCanvasElement, ev: &web_sys::PointerEvent) {
        let p = canvas_point(c, ev.client_x() as f64, ev.client_y() as f64);
        let (w, h) = (c.width() as f64, c.height() as f64);
        self.0.borrow_mut().line = Some((p.0.clamp(0.0, w), p.1.clamp(0.0, h)));
        self.repaint();
    }

    pub fn canvas_move(&self, ev: &web_sys::PointerEvent) {
        let (view, canvas, line_drag) = {
            let s = self.0.borrow();
            (s.ui.view.get_untracked(), s.refs.main.get_untracked(), s.line_drag)
        };
        let Some(c) = canvas else { return };
        if self.0.borrow().drag.as_ref().is_some_and(|d| d.pointer == ev.pointer_id()) {
            // a handle drag whose capture was lost: keep following the pointer
            self.drag_move(ev);
            return;
        }
        if line_drag == Some(ev.pointer_id()) {
            self.move_line(&c, ev);
        }
        if view == View::Loupe {
            self.loupe_at(&c, ev.client_x() as f64, ev.client_y() as f64);
        }
    }

    pub fn canvas_up(&self, ev: &web_sys::PointerEvent) {
        self.drag_end(ev);
        let mut s = self.0.borrow_mut();
        if s.line_drag == Some(ev.pointer_id()) {
            s.line_drag = None;
        }
    }

    pub fn canvas_leave(&self) {
        let ui = self.0.borrow().ui;
        ui.loupe.set(None);
    }

    fn loupe_at(&self, c: &HtmlCanvasElement, client_x: f64, client_y: f64) {
        let (ui, loupe) = {
            let s = self.0.borrow();
            (s.ui, s.refs.loupe.get_untracked())
        };
        let r = c.get_bounding_client_rect();
        if r.width() <= 0.0 || r.height() <= 0.0 {
            return;
        }
        let (fx, fy) = ((client_x - r.left()) / r.width(), (client_y - r.top()) / r.height());
        if !(0.0..=1.0).contains(&fx) || !(0.0..=1.0).contains(&fy) {
            ui.loupe.set(None);
            return;
        }
        ui.loupe.set(Some((fx * 100.0, fy * 100.0)));
        let Some(l) = loupe else { return };
        let Some(ctx) = ctx2d(&l) else { return };
        // the loupe's CSS size equals LOUPE_PX; show LOUPE_PX / MAG CSS px of the canvas
        let css_to_canvas = c.width() as f64 / r.width();
        let span = LOUPE_PX as f64 / LOUPE_MAG * css_to_canvas;
        let (px, py) = (fx * c.width() as f64, fy * c.height() as f64);
        ctx.set_image_smoothing_enabled(false);
        ctx.set_fill_style_str("#fff");
        ctx.fill_rect(0.0, 0.0, LOUPE_PX as f64, LOUPE_PX as f64);
        let _ = ctx.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
            c,
            px - span / 2.0,
            py - span / 2.0,
            span,
            span,
            0.0,
            0.0,
            LOUPE_PX as f64,
            LOUPE_PX as f64,
        );
    }

    // ---- side by side: synchronised zoom and pan --------------------------------------------

    fn sbs_redraw(&self) {
        let s = self.0.borrow();
        let Some((src_r, src_q)) = s.sbs_src.as_ref() else { return };
        for (src, dst) in [(src_r, s.refs.sbs_r.get_untracked()), (src_q, s.refs.sbs_q.get_untracked())] {
            if let Some(dst) = dst {
                draw_zoomed(&dst, src, s.zoom, s.pan);
            }
        }
    }

    /// Zoom both canvases by `factor` about the focal point `f` (canvas pixels; centre if None).
    pub fn zoom_by(&self, factor: f64, f: Option<(f64, f64)>) {
        let ui = {
            let mut s = self.0.borrow_mut();
            let (w, h) = (s.out.0 as f64, s.out.1 as f64);
            let f = f.unwrap_or((w / 2.0, h / 2.0));
            let z0 = s.zoom;
            let z1 = (z0 * factor).clamp(1.0, MAX_ZOOM);
            let k = z1 / z0;
            s.pan = clamp_pan((f.0 - (f.0 - s.pan.0) * k, f.1 - (f.1 - s.pan.1) * k), z1, w, h);
            s.zoom = z1;
            s.ui
        };
        let zoom = self.0.borrow().zoom;
        ui.zoom.set(zoom);
        self.sbs_redraw();
    }

    pub fn zoom_reset(&self) {
        let ui = {
            let mut s = self.0.borrow_mut();
            s.zoom = 1.0;
            s.pan = (0.0, 0.0);
            s.ui
        };
        ui.zoom.set(1.0);
        self.sbs_redraw();
    }

    pub fn sbs_wheel(&self, ev: &web_sys::WheelEvent) {
        let Some(c) = ev.current_target().and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok()) else { return };
        ev.prevent_default();
        let p = canvas_point(&c, ev.client_x() as f64, ev.client_y() as f64);
        let dy = ev.delta_y().clamp(-400.0, 400.0);
        self.zoom_by((-dy * 0.0015).exp(), Some(p));
    }

    pub fn sbs_down(&self, ev: &web_sys::PointerEvent) {
        let Some(c) = ev.current_target().and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok()) else { return };
        let _ = c.set_pointer_capture(ev.pointer_id());
        ev.prevent_default();
        let p = canvas_point(&c, ev.client_x() as f64, ev.client_y() as f64);
        let mut s = self.0.borrow_mut();
        s.sbs_pointers.retain(|(id, _, _)| *id != ev.pointer_id());
        s.sbs_pointers.push((ev.pointer_id(), p.0, p.1));
    }

    pub fn sbs_move(&self, ev: &web_sys::PointerEvent) {
        let Some(c) = ev.current_target().and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok()) else { return };
        let p = canvas_point(&c, ev.client_x() as f64, ev.client_y() as f64);
        let (before, after, pan) = {
            let mut s = self.0.borrow_mut();
            let Some(i) = s.sbs_pointers.iter().position(|(id, _, _)| *id == ev.pointer_id()) else { return };
            let before = s.sbs_pointers.clone();
            s.sbs_pointers[i] = (ev.pointer_id(), p.0, p.1);
            (before, s.sbs_pointers.clone(), s.pan)
        };
        ev.prevent_default();
        match (before.as_slice(), after.as_slice()) {
            ([(_, x0, y0)], [(_, x1, y1)]) => {
                {
                    let mut s = self.0.borrow_mut();
                    let (w, h) = (s.out.0 as f64, s.out.1 as f64);
                    s.pan = clamp_pan((pan.0 + x1 - x0, pan.1 + y1 - y0), s.zoom, w, h);
                }
                self.sbs_redraw();
            }
            ([a0, b0, ..], [a1, b1, ..]) => {
                let d0 = ((a0.1 - b0.1).powi(2) + (a0.2 - b0.2).powi(2)).sqrt();
                let d1 = ((a1.1 - b1.1).powi(2) + (a1.2 - b1.2).powi(2)).sqrt();
                if d0 > 4.0 {
                    self.zoom_by(d1 / d0, Some(((a1.1 + b1.1) / 2.0, (a1.2 + b1.2) / 2.0)));
                }
            }
            _ => {}
        }
    }

    pub fn sbs_up(&self, ev: &web_sys::PointerEvent) {
        self.0.borrow_mut().sbs_pointers.retain(|(id, _, _)| *id != ev.pointer_id());
    }
}

fn clamp_pan(p: (f64, f64), z: f64, w: f64, h: f64) -> (f64, f64) {
    (p.0.clamp(w - w * z, 0.0), p.1.clamp(h - h * z, 0.0))
}

fn draw_zoomed(dst: &HtmlCanvasElement, src: &HtmlCanvasElement, zoom: f64, pan: (f64, f64)) {
    let Some(ctx) = ctx2d(dst) else { return };
    let (w, h) = (dst.width() as f64, dst.height() as f64);
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, w, h);
    if src.width() == 0 || src.height() == 0 {
        return;
    }
    let k = zoom * w / src.width() as f64;
    ctx.set_image_smoothing_enabled(zoom < 3.0);
    let _ = ctx.set_transform(k, 0.0, 0.0, k, pan.0, pan.1);
    let _ = ctx.draw_image_with_html_canvas_element(src, 0.0, 0.0);
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
}

fn crop_spec() -> Spec {
    Spec { key: "crop".into(), view: "crop", params: String::new(), w: CROP_PX, h: CROP_PX }
}

fn specs_js(specs: &[Spec], extra: Option<Spec>) -> Array {
    let arr = Array::new();
    for s in specs.iter().chain(extra.iter()) {
        let o = Object::new();
        set(&o, "key", &s.key.as_str().into());
        set(&o, "view", &s.view.into());
        set(&o, "params", &s.params.as_str().into());
        set(&o, "w", &s.w.into());
        set(&o, "h", &s.h.into());
        arr.push(&o);
    }
    arr
}

fn image_data(buf: &JsValue, w: u32, h: u32) -> Option<ImageData> {
    let buf = buf.clone().dyn_into::<ArrayBuffer>().ok()?;
    if w == 0 || h == 0 || buf.byte_length() != w * h * 4 {
        return None;
    }
    let arr = Uint8ClampedArray::new(&buf);
    ImageData::new_with_js_u8_clamped_array_and_sh(&arr, w, h).ok()
}

fn parse_result(json: &str) -> Result<MatchResult, String> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|_| "internal".to_string())?;
    if let Some(ok) = v.get("ok") {
        return serde_json::from_value(ok.clone()).map_err(|_| "internal".to_string());
    }
    Err(v.get("error_code").and_then(|c| c.as_str()).unwrap_or("internal").to_string())
}

fn browser_result(r: &MatchResult) -> BrowserResult {
    BrowserResult { score: r.score, band: r.band, alignment: r.alignment, manual: r.manual }
}

/// Read a file; downscale photos and large images, re-encode formats other than PNG/JPEG.
/// Returns the bytes to match (in Rust and as a transferable buffer) and their media type.
async fn prepare(file: &web_sys::File) -> Result<(Vec<u8>, ArrayBuffer, &'static str), &'static str> {
    if file.size() > model::MAX_FILE_BYTES {
        return Err("too_large");
    }
    let buf = JsFuture::from(file.array_buffer()).await.map_err(|_| "unreadable")?;
    let buf: ArrayBuffer = buf.dyn_into().map_err(|_| "unreadable")?;
    let bytes = Uint8Array::new(&buf).to_vec();
    if bytes.is_empty() {
        return Err("unreadable");
    }
    if let Some(media) = model::sniff(&bytes) {
        if !model::needs_downscale(bytes.len(), model::image_dims(&bytes)) {
            return Ok((bytes, buf, media));
        }
    }
    reencode(file).await
}

/// Decode with the browser, downscale to at most `DOWNSCALE_TO_SIDE`, encode as JPEG.
async fn reencode(file: &web_sys::File) -> Result<(Vec<u8>, ArrayBuffer, &'static str), &'static str> {
    let promise = window().create_image_bitmap_with_blob(file).map_err(|_| "unreadable")?;
    let bitmap: web_sys::ImageBitmap =
        JsFuture::from(promise).await.map_err(|_| "unreadable")?.dyn_into().map_err(|_| "unreadable")?;
    let (w, h) = model::downscale_size(bitmap.width(), bitmap.height());
    let bitmap = if (w, h) != (bitmap.width(), bitmap.height()) {
        // the browser's high-quality resampling (the canvas' default is lower quality)
        let opts = web_sys::ImageBitmapOptions::new();
        opts.set_resize_width(w);
        opts.set_resize_height(h);
        opts.set_resize_quality(web_sys::ResizeQuality::High);
        let p = window()
            .create_image_bitmap_with_image_bitmap_and_image_bitmap_options(&bitmap, &opts)
            .map_err(|_| "unreadable")?;
        let small: web_sys::ImageBitmap =
            JsFuture::from(p).await.map_err(|_| "unreadable")?.dyn_into().map_err(|_| "unreadable")?;
        bitmap.close();
        small
    } else {
        bitmap
    };
    let canvas = OffscreenCanvas::new(w, h).map_err(|_| "unreadable")?;
    let ctx: OffscreenCanvasRenderingContext2d =
        canvas.get_context("2d").ok().flatten().and_then(|o| o.dyn_into().ok()).ok_or("unreadable")?;
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, w as f64, h as f64);
    ctx.set_image_smoothing_enabled(true);
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, w as f64, h as f64).map_err(|_| "unreadable")?;
    bitmap.close();
    let opts = web_sys::ImageEncodeOptions::new();
    opts.set_type("image/jpeg");
    opts.set_quality(model::DOWNSCALE_QUALITY);
    let blob: web_sys::Blob = JsFuture::from(canvas.convert_to_blob_with_options(&opts).map_err(|_| "unreadable")?)
        .await
        .map_err(|_| "unreadable")?
        .dyn_into()
        .map_err(|_| "unreadable")?;
    let buf: ArrayBuffer =
        JsFuture::from(blob.array_buffer()).await.map_err(|_| "unreadable")?.dyn_into().map_err(|_| "unreadable")?;
    let bytes = Uint8Array::new(&buf).to_vec();
    if model::sniff(&bytes) != Some("image/jpeg") {
        return Err("unreadable");
    }
    Ok((bytes, buf, "image/jpeg"))
}
