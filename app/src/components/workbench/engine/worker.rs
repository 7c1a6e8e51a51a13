//! The worker protocol: reading the questioned image (file, drop, paste), the one message in
//! flight to the matcher worker and what is sent next ([`Engine::pump`]), and its answers.

use super::*;

impl Engine {
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
    pub(super) fn input_failed(&self, code: &str) {
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

    pub(super) fn on_paste(&self, ev: web_sys::ClipboardEvent) {
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

    pub(super) fn post(&self, msg: &Request<Js>, transfer: &Array) {
        let worker = self.0.borrow().worker.clone();
        if let Some(w) = worker {
            let sent =
                matcher_protocol::to_js(msg).ok().is_some_and(|m| w.post_message_with_transfer(&m, transfer).is_ok());
            if !sent {
                self.fatal("worker");
            }
        }
    }

    /// Send the most urgent waiting work, if the worker is idle.
    pub(super) fn pump(&self) {
        let (msg, transfer) = {
            let mut s = self.0.borrow_mut();
            if s.in_flight.is_some() || !s.ready || s.worker.is_none() {
                return;
            }
            let id = s.next_id;
            s.next_id += 1;
            let transfer = Array::new();
            let gen = s.gen;
            let msg = if let Some(pm) = s.pending_match.take() {
                // a new image supersedes adjustments of the old one
                s.pending_rescore = None;
                s.pending_reset = false;
                let mut renders = s.specs_for(s.ui.view.get_untracked(), false);
                renders.push(crop_spec());
                transfer.push(&pm.buf);
                s.in_flight =
                    Some(Job { id, kind: JobKind::Match { t0: pm.t0, bytes: pm.bytes, media: pm.media }, gen });
                Request::Match { id, questioned: Js(pm.buf.into()), renders }
            } else if s.pending_reset {
                s.pending_reset = false;
                s.pending_rescore = None;
                let renders = s.specs_for(s.ui.view.get_untracked(), true);
                s.in_flight = Some(Job { id, kind: JobKind::Reset, gen });
                Request::Reset { id, renders }
            } else if let Some(alignment) = s.pending_rescore.take() {
                let renders = s.specs_for(s.ui.view.get_untracked(), true);
                let epoch = s.epoch;
                s.in_flight = Some(Job { id, kind: JobKind::Rescore { alignment, epoch }, gen });
                Request::Rescore { id, alignment, renders }
            } else if let Some(renders) = s.missing() {
                s.in_flight = Some(Job { id, kind: JobKind::Render, gen });
                Request::Render { id, renders }
            } else {
                return;
            };
            (msg, transfer)
        };
        self.post(&msg, &transfer);
    }

    pub(super) fn on_message(&self, data: JsValue) {
        let reply = matcher_protocol::from_js::<Reply<Js>>(data)
            .unwrap_or_else(|e| Reply::Crashed { id: None, message: e.to_string() });
        let job = {
            let mut s = self.0.borrow_mut();
            match (s.in_flight.as_ref(), reply.id()) {
                (Some(j), Some(id)) if j.id == id => s.in_flight.take(),
                // a crash without an id is the one message in flight
                (Some(_), None) => s.in_flight.take(),
                _ => None,
            }
        };
        let Some(job) = job else { return };
        match reply {
            Reply::Ready { width, height, .. } if matches!(job.kind, JobKind::Init) => {
                self.on_ready(width.max(1), height.max(1))
            }
            Reply::Failed { .. } if matches!(job.kind, JobKind::Init) => {
                self.fatal("registered");
                return;
            }
            _ if matches!(job.kind, JobKind::Init) => {
                self.fatal("worker");
                return;
            }
            Reply::Done { outcome, frames, .. } => self.on_done(job, outcome, frames),
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

    pub(super) fn on_ready(&self, w: u32, h: u32) {
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

    pub(super) fn on_done(
        &self,
        job: Job,
        outcome: Option<Result<Box<matcher_protocol::Analysis>, String>>,
        frames: Vec<matcher_protocol::Frame<Js>>,
    ) {
        let parsed: Option<Result<MatchResult, String>> = outcome.map(|o| o.map(|a| a.result));
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

    pub(super) fn store_frames(&self, frames: &[matcher_protocol::Frame<Js>], gen: u64) {
        let mut s = self.0.borrow_mut();
        for f in frames {
            if f.key == "crop" {
                continue;
            }
            let Some(img) = image_data(&f.rgba, f.w, f.h) else { continue };
            let keep = match s.frames.get(&f.key) {
                Some((g, _)) => *g <= gen,
                None => true,
            };
            if keep {
                s.frames.insert(f.key.clone(), (gen, img));
            }
        }
        if s.frames.len() > 48 {
            let g = s.gen;
            s.frames.retain(|_, (fg, _)| *fg == g);
        }
    }
}

pub(super) fn browser_result(r: &MatchResult) -> BrowserResult {
    BrowserResult { score: r.score, band: r.band, alignment: r.alignment, manual: r.manual }
}

/// Read a file: a PNG or JPEG as it is (downscaled to a JPEG when it is a large photo); a TIFF
/// or a single-scan PDF as it is (the matcher reads them, here and on the server); any other
/// image the browser decodes (WebP, HEIC where supported) as a lossless PNG — so the worker
/// and the server judge the same pixels. Returns the bytes to match (in Rust and as a
/// transferable buffer) and their media type.
pub(super) async fn prepare(file: &web_sys::File) -> Result<(Vec<u8>, ArrayBuffer, &'static str), &'static str> {
    if file.size() > model::MAX_FILE_BYTES {
        return Err("too_large");
    }
    let buf = JsFuture::from(file.array_buffer()).await.map_err(|_| "unreadable")?;
    let buf: ArrayBuffer = buf.dyn_into().map_err(|_| "unreadable")?;
    let bytes = Uint8Array::new(&buf).to_vec();
    if bytes.is_empty() {
        return Err("unreadable");
    }
    if let Some(media) = model::sniff_document(&bytes) {
        return Ok((bytes, buf, media));
    }
    match model::sniff(&bytes) {
        // a JPEG or PNG is judged as it is: a file cut off half-way is the matcher's to refuse
        // (檔案不完整), not the browser's to patch up
        Some(media) if !model::needs_downscale(bytes.len(), model::image_dims(&bytes)) => Ok((bytes, buf, media)),
        Some(_) => reencode(file, false).await,
        None => reencode(file, true).await,
    }
}

/// Decode with the browser, downscale to at most `DOWNSCALE_TO_SIDE`, encode as a JPEG (a large
/// photo) or a lossless PNG (another format, `lossless`).
pub(super) async fn reencode(
    file: &web_sys::File,
    lossless: bool,
) -> Result<(Vec<u8>, ArrayBuffer, &'static str), &'static str> {
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
    let media = if lossless { "image/png" } else { "image/jpeg" };
    opts.set_type(media);
    if !lossless {
        opts.set_quality(model::DOWNSCALE_QUALITY);
    }
    let blob: web_sys::Blob = JsFuture::from(canvas.convert_to_blob_with_options(&opts).map_err(|_| "unreadable")?)
        .await
        .map_err(|_| "unreadable")?
        .dyn_into()
        .map_err(|_| "unreadable")?;
    let buf: ArrayBuffer =
        JsFuture::from(blob.array_buffer()).await.map_err(|_| "unreadable")?.dyn_into().map_err(|_| "unreadable")?;
    let bytes = Uint8Array::new(&buf).to_vec();
    if model::sniff(&bytes) != Some(media) {
        return Err("unreadable");
    }
    Ok((bytes, buf, media))
}

pub(super) fn crop_spec() -> Spec {
    Spec { key: "crop".into(), view: ViewKind::Crop, params: RenderParams::default(), w: CROP_PX, h: CROP_PX }
}
