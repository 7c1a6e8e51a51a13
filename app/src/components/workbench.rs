//! The in-browser comparison workbench: the questioned image comes in (file, drop, paste,
//! camera), the matcher runs in a Web Worker, the views redraw, the clerk adjusts.
//!
//! The markup is the same in both builds (the server renders it; the browser hydrates it); all
//! behaviour lives in [`engine`] (feature `hydrate`), the pure parts in [`model`].

#![cfg_attr(not(feature = "hydrate"), allow(unused_variables))]

use std::sync::Arc;

use leptos::html;
use leptos::prelude::*;

use crate::domain::comparison::{band_code, band_en, band_zh};
use crate::domain::BrowserResult;
use crate::i18n::verdict::{
    capture_text, print_evidence_text, questioned_unclear_text, registered_unclear_text, review_reasons_text,
};
use crate::i18n::{use_locale, Locale};
use matcher::{Alignment, Band, MatchResult, Quality, UnclearReason};

#[cfg(feature = "hydrate")]
mod engine;
pub mod model;

use model::View;

#[cfg(feature = "hydrate")]
use engine::{DragKind, Engine};

/// Stands in for the browser engine on the server (never constructed there).
#[cfg(not(feature = "hydrate"))]
#[derive(Clone)]
struct Engine;

/// What the workbench hands to the page whenever its result changes.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbenchOutcome {
    /// The questioned image's bytes exactly as matched (after any downscaling of a photo).
    pub questioned: Arc<Vec<u8>>,
    /// `image/png` or `image/jpeg`.
    pub media_type: String,
    /// The browser's current result (automatic, or re-scored after a manual adjustment).
    pub result: BrowserResult,
    /// The manual alignment, when the clerk adjusted it.
    pub manual_alignment: Option<Alignment>,
}

/// What the result panel shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shown {
    score: f64,
    band: Band,
    rotation_deg: f64,
    scale: f64,
    manual: bool,
    unclear: bool,
    /// Why the questioned impression is unclear (印文不清); empty when it is clear.
    q_unclear: Vec<UnclearReason>,
    /// Why a pair is left for review (empty unless 待人工判斷).
    review: Vec<matcher::ReviewReason>,
    /// The capture correction fitted before judging (掃描變形), when worth mentioning.
    capture: matcher::CaptureCorrection,
    /// What the printed-copy check saw (疑似列印複製).
    printed: matcher::PrintEvidence,
    alignment: Alignment,
}

impl Shown {
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn of(r: &MatchResult) -> Shown {
        Shown {
            score: r.score,
            band: r.band,
            rotation_deg: r.rotation_deg,
            scale: r.scale,
            manual: r.manual,
            unclear: r.registered_quality == Quality::Unclear,
            q_unclear: r.questioned_quality.reasons.clone(),
            review: r.review_reasons.clone(),
            capture: r.capture,
            printed: r.printed,
            alignment: r.alignment,
        }
    }
}

/// Handle positions, percent of the canvas box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Handles {
    move_x: f64,
    move_y: f64,
    rotate_x: f64,
    rotate_y: f64,
    centre_x: f64,
    centre_y: f64,
}

/// The workbench's reactive state (shared with the engine).
#[derive(Clone, Copy)]
pub(crate) struct Ui {
    ready: RwSignal<bool>,
    busy: RwSignal<bool>,
    rescoring: RwSignal<bool>,
    /// Error code (see [`model::error_text`]).
    error: RwSignal<Option<String>>,
    shown: RwSignal<Option<Shown>>,
    view: RwSignal<View>,
    tol: RwSignal<f64>,
    line_angle: RwSignal<f64>,
    blink_hz: RwSignal<f64>,
    zoom: RwSignal<f64>,
    handles: RwSignal<Option<Handles>>,
    /// Loupe position, percent of the canvas box.
    loupe: RwSignal<Option<(f64, f64)>>,
    drag_over: RwSignal<bool>,
}

/// Elements the engine draws on or measures.
#[derive(Clone, Copy)]
pub(crate) struct Refs {
    stage: NodeRef<html::Div>,
    main: NodeRef<html::Canvas>,
    loupe: NodeRef<html::Canvas>,
    crop: NodeRef<html::Canvas>,
    sbs_r: NodeRef<html::Canvas>,
    sbs_q: NodeRef<html::Canvas>,
}

fn band_text(b: Band, l: Locale) -> &'static str {
    l.pick(band_zh(b), band_en(b))
}

/// Run `$body` with the engine (browser only; nothing on the server).
macro_rules! with_engine {
    ($store:expr, |$e:ident| $body:expr) => {{
        #[cfg(feature = "hydrate")]
        if let Some($e) = $store.try_with_value(|x: &Option<Engine>| x.clone()).flatten() {
            $body;
        }
    }};
}

#[component]
pub fn Workbench(
    /// The registered impression's file bytes (PNG or JPEG), as its URL (`seal.image_url`) served them.
    registered: Arc<Vec<u8>>,
    /// Called with the latest outcome, or `None` when there is no usable result.
    on_outcome: Callback<Option<WorkbenchOutcome>>,
) -> impl IntoView {
    let locale = use_locale();
    let ui = Ui {
        ready: RwSignal::new(false),
        busy: RwSignal::new(false),
        rescoring: RwSignal::new(false),
        error: RwSignal::new(None),
        shown: RwSignal::new(None),
        view: RwSignal::new(View::Overlay),
        tol: RwSignal::new(2.0),
        line_angle: RwSignal::new(90.0),
        blink_hz: RwSignal::new(2.0),
        zoom: RwSignal::new(1.0),
        handles: RwSignal::new(None),
        loupe: RwSignal::new(None),
        drag_over: RwSignal::new(false),
    };
    let refs = Refs {
        stage: NodeRef::new(),
        main: NodeRef::new(),
        loupe: NodeRef::new(),
        crop: NodeRef::new(),
        sbs_r: NodeRef::new(),
        sbs_q: NodeRef::new(),
    };
    let store: StoredValue<Option<Engine>, LocalStorage> = StoredValue::new_local(None);

    #[cfg(feature = "hydrate")]
    {
        let registered = registered.clone();
        Effect::new(move |_| {
            if store.with_value(|e| e.is_none()) {
                store.set_value(Some(Engine::start(registered.clone(), ui, refs, on_outcome)));
            }
        });
        on_cleanup(move || {
            if let Some(e) = store.try_with_value(|e| e.clone()).flatten() {
                e.stop();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (&registered, on_outcome);

    // ---- input ----
    let on_input = move |ev: leptos::ev::Event| with_engine!(store, |e| e.input_changed(&ev));
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        ui.drag_over.set(false);
        with_engine!(store, |e| e.dropped(&ev));
    };
    let on_dragover = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        ui.drag_over.set(true);
    };

    // ---- views ----
    let select_view = move |v: View| {
        ui.view.set(v);
        with_engine!(store, |e| e.set_view(v));
    };
    let params_changed = move || with_engine!(store, |e| e.params_changed());

    // ---- manual adjustment ----
    let nudge = move |dx: f64, dy: f64| with_engine!(store, |e| e.nudge(dx, dy));
    let rotate = move |ccw: f64| with_engine!(store, |e| e.rotate(ccw));
    let reset = move || with_engine!(store, |e| e.reset());
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ui.shown.get_untracked().is_none() {
            return;
        }
        let tag = ev
            .target()
            .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(t).ok())
            .map(|e| e.tag_name().to_ascii_uppercase())
            .unwrap_or_default();
        if matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA") || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let step = if ev.shift_key() { 10.0 } else { 1.0 };
        let handled = match ev.key().as_str() {
            "ArrowLeft" => {
                nudge(-step, 0.0);
                true
            }
            "ArrowRight" => {
                nudge(step, 0.0);
                true
            }
            "ArrowUp" => {
                nudge(0.0, -step);
                true
            }
            "ArrowDown" => {
                nudge(0.0, step);
                true
            }
            "[" | "q" | "Q" | "{" => {
                rotate(0.1 * step);
                true
            }
            "]" | "e" | "E" | "}" => {
                rotate(-0.1 * step);
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    };

    let has_result = move || ui.shown.with(|s| s.is_some());
    let show_handles = move || ui.handles.with(|h| h.is_some()) && ui.view.get().has_handles();
    let handle_pct = move |f: fn(&Handles) -> f64| {
        ui.handles.with(|h| h.as_ref().map(|h| format!("{:.2}%", f(h))).unwrap_or_default())
    };
    let view_is = move |v: View| ui.view.get() == v;

    let view_buttons = View::ALL
        .into_iter()
        .map(|v| {
            view! {
                <button
                    type="button"
                    class="wb-view"
                    data-testid=format!("view-{}", v.name())
                    aria-pressed=move || if view_is(v) { "true" } else { "false" }
                    on:click=move |_| select_view(v)
                >
                    {v.label(locale)}
                </button>
            }
        })
        .collect_view();

    view! {
        <section
            class="workbench"
            data-testid="workbench"
            data-ready=move || if ui.ready.get() { "1" } else { "0" }
            aria-label=locale.pick("印鑑比對工作區", "Seal comparison workbench")
            on:keydown=on_keydown
        >
            <div
                class="wb-drop no-print"
                class:wb-drag-over=move || ui.drag_over.get()
                data-testid="drop-zone"
                tabindex="0"
                role="group"
                aria-label=locale.pick("印文影像", "Questioned impression image")
                on:dragover=on_dragover
                on:dragleave=move |_| ui.drag_over.set(false)
                on:drop=on_drop
            >
                <p class="wb-drop-hint">
                    {locale.pick(
                        "將申請書上的印文影像拖放到此處、貼上（Ctrl+V），或：",
                        "Drop the scanned impression here, paste it (Ctrl+V), or:",
                    )}
                </p>
                <div class="wb-pickers">
                    <label class="wb-picker">
                        <span>{locale.pick("選擇檔案", "Choose a file")}</span>
                        <input
                            type="file"
                            accept="image/*,application/pdf,.tif,.tiff,.pdf"
                            data-testid="questioned-input"
                            on:change=on_input
                        />
                    </label>
                    <label class="wb-picker">
                        <span>{locale.pick("以相機拍攝", "Take a photo")}</span>
                        <input
                            type="file"
                            accept="image/*"
                            capture="environment"
                            data-testid="camera-input"
                            on:change=on_input
                        />
                    </label>
                </div>
                <p class="wb-status" role="status" aria-live="polite" data-testid="workbench-status">
                    {move || {
                        if ui.busy.get() {
                            locale.pick("比對中…", "Comparing…")
                        } else if !ui.ready.get() && ui.error.with(|e| e.is_none()) {
                            locale.pick("準備比對元件…", "Preparing the matcher…")
                        } else {
                            ""
                        }
                    }}
                </p>
            </div>
            {move || {
                ui.error
                    .get()
                    .map(|code| {
                        view! {
                            <p class="error" role="alert" data-testid="workbench-error" data-code=code.clone()>
                                {model::error_text(&code, locale)}
                            </p>
                        }
                    })
            }}
            <div class="wb-body" class:wb-empty=move || !has_result()>
                <div class="wb-stage-col">
                    <div class="wb-views no-print" role="group" aria-label=locale.pick("檢視方式", "View")>
                        {view_buttons}
                    </div>
                    <div
                        class="wb-stage"
                        node_ref=refs.stage
                        tabindex="0"
                        aria-label=locale.pick(
                            "比對畫面：方向鍵移動 1 像素，[ ] 旋轉 0.1°",
                            "Comparison view: arrow keys move 1 px, [ ] rotate 0.1°",
                        )
                        hidden=move || view_is(View::SideBySide)
                        on:pointerdown=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.canvas_down(&ev))
                        on:pointermove=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.canvas_move(&ev))
                        on:pointerup=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.canvas_up(&ev))
                        on:pointercancel=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.canvas_up(&ev))
                        on:pointerleave=move |_| with_engine!(store, |e| e.canvas_leave())
                    >
                        <canvas
                            class="wb-canvas"
                            class:wb-line=move || ui.view.get().has_line()
                            data-testid="overlay-canvas"
                            data-view="overlay"
                            data-painted="0"
                            width="480"
                            height="480"
                            node_ref=refs.main
                        ></canvas>
                        <p class="wb-placeholder" hidden=has_result>
                            {locale.pick("尚未提供印文影像", "No questioned impression yet")}
                        </p>
                        // stable elements (only their positions change), so that a drag keeps its pointer capture
                        <span
                            class="wb-pivot"
                            aria-hidden="true"
                            hidden=move || !show_handles()
                            style:left=move || handle_pct(|h| h.centre_x)
                            style:top=move || handle_pct(|h| h.centre_y)
                        ></span>
                        <button
                            type="button"
                            class="wb-handle wb-handle-move no-print"
                            data-testid="handle-move"
                            title=locale.pick("拖曳以移動印文", "Drag to move the questioned impression")
                            aria-label=locale.pick("移動印文", "Move the questioned impression")
                            hidden=move || !show_handles()
                            style:left=move || handle_pct(|h| h.move_x)
                            style:top=move || handle_pct(|h| h.move_y)
                            on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                                with_engine!(store, |e| e.drag_start(DragKind::Move, &ev))
                            }
                            on:pointermove=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.drag_move(&ev))
                            on:pointerup=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.drag_end(&ev))
                            on:pointercancel=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.drag_end(&ev))
                        >
                            "✥"
                        </button>
                        <button
                            type="button"
                            class="wb-handle wb-handle-rotate no-print"
                            data-testid="handle-rotate"
                            title=locale.pick("拖曳以旋轉印文", "Drag to rotate the questioned impression")
                            aria-label=locale.pick("旋轉印文", "Rotate the questioned impression")
                            hidden=move || !show_handles()
                            style:left=move || handle_pct(|h| h.rotate_x)
                            style:top=move || handle_pct(|h| h.rotate_y)
                            on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                                with_engine!(store, |e| e.drag_start(DragKind::Rotate, &ev))
                            }
                            on:pointermove=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.drag_move(&ev))
                            on:pointerup=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.drag_end(&ev))
                            on:pointercancel=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.drag_end(&ev))
                        >
                            "⟳"
                        </button>
                        <canvas
                            class="wb-loupe"
                            data-testid="loupe"
                            width="180"
                            height="180"
                            node_ref=refs.loupe
                            aria-hidden="true"
                            hidden=move || ui.loupe.get().is_none() || !view_is(View::Loupe)
                            style:left=move || ui.loupe.get().map(|p| format!("{:.2}%", p.0)).unwrap_or_default()
                            style:top=move || ui.loupe.get().map(|p| format!("{:.2}%", p.1)).unwrap_or_default()
                        ></canvas>
                    </div>
                    <div class="wb-sbs" hidden=move || !view_is(View::SideBySide)>
                        <figure>
                            <canvas
                                data-testid="sbs-registered"
                                width="480"
                                height="480"
                                node_ref=refs.sbs_r
                                on:wheel=move |ev: leptos::ev::WheelEvent| with_engine!(store, |e| e.sbs_wheel(&ev))
                                on:pointerdown=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.sbs_down(&ev))
                                on:pointermove=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.sbs_move(&ev))
                                on:pointerup=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.sbs_up(&ev))
                                on:pointercancel=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.sbs_up(&ev))
                            ></canvas>
                            <figcaption>{locale.pick("印模（登記）", "Registered")}</figcaption>
                        </figure>
                        <figure>
                            <canvas
                                data-testid="sbs-questioned"
                                width="480"
                                height="480"
                                node_ref=refs.sbs_q
                                on:wheel=move |ev: leptos::ev::WheelEvent| with_engine!(store, |e| e.sbs_wheel(&ev))
                                on:pointerdown=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.sbs_down(&ev))
                                on:pointermove=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.sbs_move(&ev))
                                on:pointerup=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.sbs_up(&ev))
                                on:pointercancel=move |ev: leptos::ev::PointerEvent| with_engine!(store, |e| e.sbs_up(&ev))
                            ></canvas>
                            <figcaption>{locale.pick("印文（已對齊）", "Questioned (aligned)")}</figcaption>
                        </figure>
                    </div>
                    <div class="wb-controls no-print">
                        <Show when=move || view_is(View::Difference)>
                            <label class="wb-range">
                                <span>
                                    {locale.pick("容許誤差", "Tolerance")}" "
                                    <output>{move || format!("{:.1} px", ui.tol.get())}</output>
                                </span>
                                <input
                                    type="range"
                                    min="0"
                                    max="8"
                                    step="0.5"
                                    data-testid="tolerance"
                                    prop:value=move || ui.tol.get().to_string()
                                    on:input=move |ev| {
                                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                            ui.tol.set(v);
                                            params_changed();
                                        }
                                    }
                                />
                            </label>
                        </Show>
                        <Show when=move || ui.view.get().has_line()>
                            <label class="wb-range">
                                <span>
                                    {locale.pick("分割線角度", "Line angle")}" "
                                    <output>{move || format!("{:.0}°", ui.line_angle.get())}</output>
                                </span>
                                <input
                                    type="range"
                                    min="0"
                                    max="180"
                                    step="1"
                                    data-testid="line-angle"
                                    prop:value=move || ui.line_angle.get().to_string()
                                    on:input=move |ev| {
                                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                            ui.line_angle.set(v);
                                            params_changed();
                                        }
                                    }
                                />
                            </label>
                            <p class="muted wb-hint">{locale.pick("在畫面上拖曳以移動分割線", "Drag on the image to move the line")}</p>
                        </Show>
                        <Show when=move || view_is(View::Blink)>
                            <label class="wb-range">
                                <span>
                                    {locale.pick("閃爍頻率", "Blink rate")}" "
                                    <output>{move || format!("{:.0} Hz", ui.blink_hz.get())}</output>
                                </span>
                                <input
                                    type="range"
                                    min="1"
                                    max="5"
                                    step="1"
                                    data-testid="blink-hz"
                                    prop:value=move || ui.blink_hz.get().to_string()
                                    on:input=move |ev| {
                                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                            ui.blink_hz.set(v);
                                            with_engine!(store, |e| e.restart_blink());
                                        }
                                    }
                                />
                            </label>
                        </Show>
                        <Show when=move || view_is(View::SideBySide)>
                            <div class="wb-zoom" role="group" aria-label=locale.pick("縮放", "Zoom")>
                                <button
                                    type="button"
                                    data-testid="zoom-out"
                                    aria-label=locale.pick("縮小", "Zoom out")
                                    on:click=move |_| with_engine!(store, |e| e.zoom_by(1.0 / 1.5, None))
                                >
                                    "−"
                                </button>
                                <output data-testid="zoom">{move || format!("{:.0}%", ui.zoom.get() * 100.0)}</output>
                                <button
                                    type="button"
                                    data-testid="zoom-in"
                                    aria-label=locale.pick("放大", "Zoom in")
                                    on:click=move |_| with_engine!(store, |e| e.zoom_by(1.5, None))
                                >
                                    "+"
                                </button>
                                <button
                                    type="button"
                                    data-testid="zoom-reset"
                                    on:click=move |_| with_engine!(store, |e| e.zoom_reset())
                                >
                                    {locale.pick("原尺寸", "Fit")}
                                </button>
                            </div>
                            <p class="muted wb-hint">
                                {locale.pick("滾輪或雙指縮放，拖曳平移；兩側同步", "Wheel or pinch to zoom, drag to pan; both sides follow")}
                            </p>
                        </Show>
                        <Show when=move || view_is(View::Loupe)>
                            <p class="muted wb-hint">{locale.pick("將指標移到畫面上以放大檢視", "Point at the image to magnify it")}</p>
                        </Show>
                    </div>
                    <div class="wb-adjust no-print" role="group" aria-label=locale.pick("手動調整", "Manual adjustment")>
                        <button
                            type="button"
                            data-testid="rotate-ccw"
                            title=locale.pick("逆時針旋轉 0.1°（[ 或 Q）", "Rotate 0.1° counter-clockwise ([ or Q)")
                            disabled=move || !has_result()
                            on:click=move |_| rotate(0.1)
                        >
                            "↺ 0.1°"
                        </button>
                        <button
                            type="button"
                            data-testid="rotate-cw"
                            title=locale.pick("順時針旋轉 0.1°（] 或 E）", "Rotate 0.1° clockwise (] or E)")
                            disabled=move || !has_result()
                            on:click=move |_| rotate(-0.1)
                        >
                            "↻ 0.1°"
                        </button>
                        <button
                            type="button"
                            data-testid="nudge-left"
                            aria-label=locale.pick("左移 1 像素", "Move left 1 px")
                            disabled=move || !has_result()
                            on:click=move |_| nudge(-1.0, 0.0)
                        >
                            "←"
                        </button>
                        <button
                            type="button"
                            data-testid="nudge-up"
                            aria-label=locale.pick("上移 1 像素", "Move up 1 px")
                            disabled=move || !has_result()
                            on:click=move |_| nudge(0.0, -1.0)
                        >
                            "↑"
                        </button>
                        <button
                            type="button"
                            data-testid="nudge-down"
                            aria-label=locale.pick("下移 1 像素", "Move down 1 px")
                            disabled=move || !has_result()
                            on:click=move |_| nudge(0.0, 1.0)
                        >
                            "↓"
                        </button>
                        <button
                            type="button"
                            data-testid="nudge-right"
                            aria-label=locale.pick("右移 1 像素", "Move right 1 px")
                            disabled=move || !has_result()
                            on:click=move |_| nudge(1.0, 0.0)
                        >
                            "→"
                        </button>
                        <button
                            type="button"
                            class="secondary"
                            data-testid="reset-auto"
                            disabled=move || !ui.shown.with(|s| s.as_ref().is_some_and(|s| s.manual)) && !ui.rescoring.get()
                            on:click=move |_| reset()
                        >
                            {locale.pick("回復自動對齊", "Reset to automatic")}
                        </button>
                    </div>
                </div>
                <aside class="wb-result" aria-live="polite">
                    {move || {
                        ui.shown
                            .get()
                            .map(|s| {
                                view! {
                                    <div
                                        class="wb-verdict"
                                        data-testid="verdict"
                                        data-band=band_code(s.band)
                                        data-manual=if s.manual { "1" } else { "0" }
                                    >
                                        {band_text(s.band, locale)}
                                    </div>
                                    <dl class="wb-figures" class:wb-stale=move || ui.rescoring.get()>
                                        <dt>{locale.pick("相似度分數", "Score")}</dt>
                                        <dd data-testid="score">{format!("{:.3}", s.score)}</dd>
                                        <dt>{locale.pick("旋轉角度", "Rotation")}</dt>
                                        <dd data-testid="rotation">{format!("{:.2}°", s.rotation_deg)}</dd>
                                        <dt>{locale.pick("縮放比例", "Scale")}</dt>
                                        <dd data-testid="scale">{format!("{:.3}", s.scale)}</dd>
                                        <dt>{locale.pick("對齊方式", "Alignment")}</dt>
                                        <dd data-testid="alignment-mode">
                                            {if s.manual {
                                                locale.pick("手動調整", "Manual")
                                            } else {
                                                locale.pick("自動", "Automatic")
                                            }}
                                        </dd>
                                    </dl>
                                    {s
                                        .unclear
                                        .then(|| {
                                            view! {
                                                <p class="notice" data-testid="registered-unclear">
                                                    {registered_unclear_text(locale)}
                                                </p>
                                            }
                                        })}
                                    {(!s.q_unclear.is_empty())
                                        .then(|| {
                                            view! {
                                                <p class="notice" data-testid="questioned-unclear">
                                                    {questioned_unclear_text(&s.q_unclear, locale)}
                                                </p>
                                            }
                                        })}
                                    {(!s.review.is_empty())
                                        .then(|| {
                                            view! {
                                                <p class="notice" data-testid="review-reasons">
                                                    {review_reasons_text(&s.review, locale)}
                                                </p>
                                            }
                                        })}
                                    {print_evidence_text(&s.printed, locale)
                                        .map(|t| view! { <p class="notice" data-testid="print-evidence">{t}</p> })}
                                    {capture_text(&s.capture, locale)
                                        .map(|t| view! { <p class="muted" data-testid="capture-correction">{t}</p> })}
                                    <p class="muted wb-alignment" data-testid="alignment">
                                        {format!(
                                            "tx {:.1} · ty {:.1} px",
                                            s.alignment.tx,
                                            s.alignment.ty,
                                        )}
                                    </p>
                                }
                                    .into_any()
                            })
                    }}
                    <figure class="wb-crop" hidden=move || !has_result()>
                        <canvas data-testid="seal-crop" width="160" height="160" node_ref=refs.crop></canvas>
                        <figcaption>{locale.pick("印文（定位範圍）", "Questioned seal as located")}</figcaption>
                    </figure>
                    <Legend view=ui.view locale=locale/>
                </aside>
            </div>
        </section>
    }
}

#[component]
fn Legend(view: RwSignal<View>, locale: Locale) -> impl IntoView {
    use matcher::views::{COLOR_OCCLUDED, COLOR_OVERLAP, COLOR_QUESTIONED, COLOR_REGISTERED};
    let css = |c: [u8; 3]| format!("background: rgb({}, {}, {})", c[0], c[1], c[2]);
    move || {
        let items: Vec<(String, &'static str)> = match view.get() {
            View::Overlay | View::Loupe => vec![
                (css(COLOR_REGISTERED), locale.pick("僅印模", "Registered only")),
                (css(COLOR_QUESTIONED), locale.pick("僅印文", "Questioned only")),
                (css(COLOR_OVERLAP), locale.pick("重疊", "Overlap")),
                (css(COLOR_OCCLUDED), locale.pick("遮蔽（文字、線條）", "Occluded (text, lines)")),
            ],
            View::Difference => vec![
                (css(COLOR_QUESTIONED), locale.pick("印文多出", "Extra in questioned")),
                (css(COLOR_REGISTERED), locale.pick("印文缺少", "Missing in questioned")),
                (css([200, 200, 200]), locale.pick("容許範圍內相符", "Within tolerance")),
                (css(COLOR_OCCLUDED), locale.pick("遮蔽", "Occluded")),
            ],
            View::Heatmap => vec![
                (css([0, 200, 40]), locale.pick("一致", "Consistent")),
                (css([255, 0, 40]), locale.pick("不一致", "Inconsistent")),
            ],
            View::Split | View::Mirror => {
                vec![(css([0, 160, 0]), locale.pick("分割線：左／上為印模", "Line: registered on the left / top"))]
            }
            View::SideBySide | View::Blink => vec![],
        };
        (!items.is_empty()).then(|| {
            view! {
                <ul class="wb-legend" data-testid="legend">
                    {items
                        .into_iter()
                        .map(|(style, label)| view! { <li><span class="wb-swatch" style=style></span>{label}</li> })
                        .collect_view()}
                </ul>
            }
        })
    }
}
