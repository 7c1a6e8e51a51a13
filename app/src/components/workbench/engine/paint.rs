//! Painting: the cached frames onto the canvases (overlay, blink, side by side, the crop), the
//! view switches and the alignment handles.

use super::*;

impl Engine {
    pub(super) fn paint_crop(&self, frames: &[matcher_protocol::Frame<Js>]) {
        let canvas = self.0.borrow().refs.crop.get_untracked();
        let Some(c) = canvas else { return };
        for f in frames.iter().filter(|f| f.key == "crop") {
            if let (Some(img), Some(ctx)) = (image_data(&f.rgba, CROP_PX, CROP_PX), ctx2d(&c)) {
                let _ = ctx.put_image_data(&img, 0.0, 0.0);
            }
        }
    }

    /// After the next frame is presented: `data-painted="1"` and the elapsed time.
    pub(super) fn mark_painted(&self, t0: f64) {
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
                        if view == View::Heatmap {
                            self.frame_regions(&ctx);
                        }
                    }
                }
            }
        }
        if needs {
            self.pump();
        }
    }

    /// On the heat map: a frame round each region where the impressions differ (the reason
    /// 印文局部不一致 names them), in registered-image pixels mapped onto the canvas.
    fn frame_regions(&self, ctx: &web_sys::CanvasRenderingContext2d) {
        let regions = {
            let s = self.0.borrow();
            s.current.as_ref().map(|r| r.regions.clone()).unwrap_or_default()
        };
        if regions.is_empty() {
            return;
        }
        let fit = self.fit();
        ctx.save();
        ctx.set_stroke_style_str("#0050b3");
        ctx.set_line_width(2.0);
        let _ = ctx.set_line_dash(&js_sys::Array::of2(&6.0.into(), &4.0.into()));
        for r in &regions {
            let (x0, y0) = fit.to_output(r.x - 0.5, r.y - 0.5);
            ctx.stroke_rect(x0, y0, r.width * fit.k, r.height * fit.k);
        }
        ctx.restore();
    }

    pub(super) fn paint_blink_phase(&self) {
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

    pub(super) fn paint_sbs(&self) {
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

    pub(super) fn sbs_redraw(&self) {
        let s = self.0.borrow();
        let Some((src_r, src_q)) = s.sbs_src.as_ref() else { return };
        for (src, dst) in [(src_r, s.refs.sbs_r.get_untracked()), (src_q, s.refs.sbs_q.get_untracked())] {
            if let Some(dst) = dst {
                draw_zoomed(&dst, src, s.zoom, s.pan);
            }
        }
    }

    /// Where the handles sit (percent of the canvas box).
    pub(super) fn update_handles(&self) {
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
}

pub(super) fn draw_zoomed(dst: &HtmlCanvasElement, src: &HtmlCanvasElement, zoom: f64, pan: (f64, f64)) {
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

/// A frame's RGBA (the worker's `Uint8Array`, its buffer transferred) as `ImageData`, without
/// copying it.
pub(super) fn image_data(rgba: &Js, w: u32, h: u32) -> Option<ImageData> {
    let bytes = rgba.0.dyn_ref::<Uint8Array>()?;
    if w == 0 || h == 0 || bytes.byte_length() != w * h * 4 {
        return None;
    }
    let buf: ArrayBuffer = bytes.buffer().dyn_into().ok()?;
    let arr = Uint8ClampedArray::new_with_byte_offset_and_length(&buf, bytes.byte_offset(), bytes.byte_length());
    ImageData::new_with_js_u8_clamped_array_and_sh(&arr, w, h).ok()
}
