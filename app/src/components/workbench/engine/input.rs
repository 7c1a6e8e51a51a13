//! Pointer, wheel and keyboard input: dragging the alignment handles, nudging and rotating,
//! the loupe, the comparison line, zooming and panning side by side.

use super::*;

impl Engine {
    pub(super) fn set_alignment(&self, al: Alignment) {
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

    pub(super) fn fit(&self) -> Fit {
        let s = self.0.borrow();
        Fit::new(s.reg.0, s.reg.1, s.out.0, s.out.1)
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

    pub(super) fn move_line(&self, c: &HtmlCanvasElement, ev: &web_sys::PointerEvent) {
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

    pub(super) fn loupe_at(&self, c: &HtmlCanvasElement, client_x: f64, client_y: f64) {
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

pub(super) fn clamp_pan(p: (f64, f64), z: f64, w: f64, h: f64) -> (f64, f64) {
    (p.0.clamp(w - w * z, 0.0), p.1.clamp(h - h * z, 0.0))
}
