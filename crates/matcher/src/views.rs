//! Comparison views rendered as RGBA buffers in the registered image's frame.

use super::decode::Decoded;
use super::geom::{dist2_trunc, Proj};
use super::ink::{CLEAR, FAINT, OCCLUDED};
use super::{BlockHeat, GlobalTransform};
use serde::{Deserialize, Serialize};

/// An RGBA8 image (row-major, 4 bytes per pixel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rgba {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

pub const COLOR_REGISTERED: [u8; 3] = [30, 100, 255];
pub const COLOR_QUESTIONED: [u8; 3] = [235, 40, 40];
pub const COLOR_OVERLAP: [u8; 3] = [20, 20, 20];
pub const COLOR_OCCLUDED: [u8; 3] = [255, 190, 0];
pub const COLOR_BACKGROUND: [u8; 3] = [255, 255, 255];

const MAX_SIDE: u32 = 4096;

/// Maps output pixels to registered coordinates (whole registered image fitted, centred).
struct Frame {
    w: usize,
    h: usize,
    k: f64,
    ox: f64,
    oy: f64,
}

impl Frame {
    fn new(reg: &Decoded, w: u32, h: u32) -> Frame {
        let w = w.clamp(1, MAX_SIDE) as usize;
        let h = h.clamp(1, MAX_SIDE) as usize;
        let rw = reg.width.max(1) as f64;
        let rh = reg.height.max(1) as f64;
        let k = (w as f64 / rw).min(h as f64 / rh).max(1e-6);
        let ox = (w as f64 - rw * k) * 0.5;
        let oy = (h as f64 - rh * k) * 0.5;
        Frame { w, h, k, ox, oy }
    }
    #[inline]
    fn to_reg(&self, i: usize, j: usize) -> (f64, f64) {
        ((i as f64 + 0.5 - self.ox) / self.k - 0.5, (j as f64 + 0.5 - self.oy) / self.k - 0.5)
    }
}

/// Per-pixel registered and questioned coordinates for every output pixel, row by row
/// (affine, evaluated with one multiply-add per coordinate).
#[inline]
fn scan(f: &Frame, sim: &Proj, mut cb: impl FnMut(usize, usize, f64, f64, f64, f64)) {
    let ik = 1.0 / f.k;
    let (x0, _) = f.to_reg(0, 0);
    for j in 0..f.h {
        let (_, y) = f.to_reg(0, j);
        if sim.is_affine() {
            let (qx0, qy0) = sim.apply(x0, y);
            let (dqx, dqy) = (sim.m[0] * ik, sim.m[3] * ik);
            for i in 0..f.w {
                let t = i as f64;
                cb(i, j, x0 + t * ik, y, qx0 + t * dqx, qy0 + t * dqy);
            }
        } else {
            for i in 0..f.w {
                let x = x0 + i as f64 * ik;
                let (qx, qy) = sim.apply(x, y);
                cb(i, j, x, y, qx, qy);
            }
        }
    }
}

/// Index of the nearest pixel, if inside.
#[inline]
fn idx(d: &Decoded, x: f64, y: f64) -> Option<usize> {
    let xs = x + 0.5;
    let ys = y + 0.5;
    if xs >= 0.0 && ys >= 0.0 && xs < d.width as f64 && ys < d.height as f64 {
        Some(ys as usize * d.width + xs as usize)
    } else {
        None
    }
}

#[inline]
fn class_at(d: &Decoded, x: f64, y: f64) -> u8 {
    match idx(d, x, y) {
        Some(i) => d.ink.class.get(i).copied().unwrap_or(0),
        None => 0,
    }
}

#[inline]
fn rgb_at(d: &Decoded, x: f64, y: f64) -> [u8; 3] {
    if let Some(i) = idx(d, x, y) {
        let i = i * 3;
        match d.rgb.get(i..i + 3) {
            Some(s) => [s[0], s[1], s[2]],
            None => COLOR_BACKGROUND,
        }
    } else {
        COLOR_BACKGROUND
    }
}

fn is_ink(c: u8) -> bool {
    c == FAINT || c == CLEAR
}

fn new_buf(f: &Frame) -> Vec<u8> {
    vec![255u8; f.w * f.h * 4]
}

#[inline]
fn put(buf: &mut [u8], f: &Frame, i: usize, j: usize, c: [u8; 3]) {
    let o = (j * f.w + i) * 4;
    if let Some(p) = buf.get_mut(o..o + 4) {
        p[0] = c[0];
        p[1] = c[1];
        p[2] = c[2];
        p[3] = 255;
    }
}

fn finish(f: &Frame, data: Vec<u8>) -> Rgba {
    Rgba { width: f.w as u32, height: f.h as u32, data }
}

/// Colour overlay: registered-only, questioned-only, overlap and occluded pixels in four colours.
pub fn overlay(reg: &Decoded, q: &Decoded, al: impl Into<GlobalTransform>, width: u32, height: u32) -> Rgba {
    let f = Frame::new(reg, width, height);
    let sim = al.into().to_proj();
    let mut buf = new_buf(&f);
    scan(&f, &sim, |i, j, x, y, qx, qy| {
        let rc = is_ink(class_at(reg, x, y));
        let qcl = class_at(q, qx, qy);
        let c = if qcl == OCCLUDED {
            COLOR_OCCLUDED
        } else {
            match (rc, is_ink(qcl)) {
                (true, true) => COLOR_OVERLAP,
                (true, false) => COLOR_REGISTERED,
                (false, true) => COLOR_QUESTIONED,
                _ => COLOR_BACKGROUND,
            }
        };
        put(&mut buf, &f, i, j, c);
    });
    finish(&f, buf)
}

/// Difference beyond a tolerance of `tol_px` registered pixels: questioned ink farther than the
/// tolerance from registered ink (extra, questioned colour), registered ink farther than the
/// tolerance from questioned ink (missing, registered colour); matching ink light grey.
pub fn difference(
    reg: &Decoded,
    q: &Decoded,
    al: impl Into<GlobalTransform>,
    tol_px: f64,
    width: u32,
    height: u32,
) -> Rgba {
    let f = Frame::new(reg, width, height);
    let sim = al.into().to_proj();
    let n = f.w * f.h;
    let mut rm = vec![false; n];
    let mut qm = vec![false; n];
    let mut om = vec![false; n];
    scan(&f, &sim, |i, j, x, y, qx, qy| {
        rm[j * f.w + i] = is_ink(class_at(reg, x, y));
        let qc = class_at(q, qx, qy);
        qm[j * f.w + i] = is_ink(qc);
        om[j * f.w + i] = qc == OCCLUDED;
    });
    let tol = (if tol_px.is_finite() { tol_px.clamp(0.0, 50.0) } else { 2.0 } * f.k).min(110.0);
    let r = libm::ceil(tol) as usize + 1;
    let rdt = dist2_trunc(&rm, f.w, f.h, r);
    let qdt = dist2_trunc(&qm, f.w, f.h, r);
    let tol2 = (tol * tol) as f32;
    let mut buf = new_buf(&f);
    for j in 0..f.h {
        for i in 0..f.w {
            let k = j * f.w + i;
            let c = if om[k] {
                COLOR_OCCLUDED
            } else if qm[k] && rdt[k] as f32 > tol2 {
                COLOR_QUESTIONED
            } else if rm[k] && qdt[k] as f32 > tol2 {
                COLOR_REGISTERED
            } else if rm[k] || qm[k] {
                [200, 200, 200]
            } else {
                COLOR_BACKGROUND
            };
            put(&mut buf, &f, i, j, c);
        }
    }
    finish(&f, buf)
}

/// Signed side of the line through (px, py) (output pixels) at `angle_deg`.
#[inline]
fn side(i: usize, j: usize, px: f64, py: f64, nx: f64, ny: f64) -> f64 {
    (i as f64 + 0.5 - px) * nx + (j as f64 + 0.5 - py) * ny
}

/// Split view: registered on one side of a line (through `(px, py)` in output pixels, at
/// `angle_deg`, counter-clockwise on screen from horizontal), aligned questioned on the other.
pub fn split(
    reg: &Decoded,
    q: &Decoded,
    al: impl Into<GlobalTransform>,
    px: f64,
    py: f64,
    angle_deg: f64,
    width: u32,
    height: u32,
) -> Rgba {
    let f = Frame::new(reg, width, height);
    let sim = al.into().to_proj();
    let t = if angle_deg.is_finite() { angle_deg.to_radians() } else { 0.0 };
    // line direction (cos t, -sin t) on screen; normal:
    let (nx, ny) = (libm::sin(t), libm::cos(t));
    let mut buf = new_buf(&f);
    for j in 0..f.h {
        for i in 0..f.w {
            let (x, y) = f.to_reg(i, j);
            let s = side(i, j, px, py, nx, ny);
            let c = if s.abs() < 0.75 {
                [0, 160, 0]
            } else if s < 0.0 {
                rgb_at(reg, x, y)
            } else {
                let (qx, qy) = sim.apply(x, y);
                rgb_at(q, qx, qy)
            };
            put(&mut buf, &f, i, j, c);
        }
    }
    finish(&f, buf)
}

/// Mirror fold: registered on one side of the line; on the other side the aligned questioned
/// impression reflected across the line, so strokes should continue across the fold.
pub fn mirror_fold(
    reg: &Decoded,
    q: &Decoded,
    al: impl Into<GlobalTransform>,
    px: f64,
    py: f64,
    angle_deg: f64,
    width: u32,
    height: u32,
) -> Rgba {
    let f = Frame::new(reg, width, height);
    let sim = al.into().to_proj();
    let t = if angle_deg.is_finite() { angle_deg.to_radians() } else { 0.0 };
    let (nx, ny) = (libm::sin(t), libm::cos(t));
    let mut buf = new_buf(&f);
    for j in 0..f.h {
        for i in 0..f.w {
            let s = side(i, j, px, py, nx, ny);
            let c = if s.abs() < 0.75 {
                [0, 160, 0]
            } else if s < 0.0 {
                let (x, y) = f.to_reg(i, j);
                rgb_at(reg, x, y)
            } else {
                // reflect output point across the line
                let mx = i as f64 + 0.5 - 2.0 * s * nx;
                let my = j as f64 + 0.5 - 2.0 * s * ny;
                let x = (mx - f.ox) / f.k - 0.5;
                let y = (my - f.oy) / f.k - 0.5;
                let (qx, qy) = sim.apply(x, y);
                rgb_at(q, qx, qy)
            };
            put(&mut buf, &f, i, j, c);
        }
    }
    finish(&f, buf)
}

/// Side by side: registered (left half) and aligned questioned (right half).
pub fn side_by_side(reg: &Decoded, q: &Decoded, al: impl Into<GlobalTransform>, width: u32, height: u32) -> Rgba {
    let width = width.clamp(2, MAX_SIDE);
    let half = (width / 2).max(1);
    let f = Frame::new(reg, half, height);
    let sim = al.into().to_proj();
    let ow = width as usize;
    let mut buf = vec![255u8; ow * f.h * 4];
    for j in 0..f.h {
        for i in 0..f.w {
            let (x, y) = f.to_reg(i, j);
            let a = rgb_at(reg, x, y);
            let (qx, qy) = sim.apply(x, y);
            let b = rgb_at(q, qx, qy);
            for (col, c) in [(i, a), (i + half as usize, b)] {
                let o = (j * ow + col) * 4;
                if let Some(p) = buf.get_mut(o..o + 4) {
                    p[0] = c[0];
                    p[1] = c[1];
                    p[2] = c[2];
                    p[3] = 255;
                }
            }
        }
    }
    Rgba { width: ow as u32, height: f.h as u32, data: buf }
}

/// Blink frames: registered and aligned questioned rendered with identical geometry.
pub fn blink(reg: &Decoded, q: &Decoded, al: impl Into<GlobalTransform>, width: u32, height: u32) -> (Rgba, Rgba) {
    let f = Frame::new(reg, width, height);
    let sim = al.into().to_proj();
    let mut a = new_buf(&f);
    let mut b = new_buf(&f);
    scan(&f, &sim, |i, j, x, y, qx, qy| {
        put(&mut a, &f, i, j, rgb_at(reg, x, y));
        put(&mut b, &f, i, j, rgb_at(q, qx, qy));
    });
    (finish(&f, a), finish(&f, b))
}

/// Block heat map over the registered impression (green = consistent, red = inconsistent).
pub fn heatmap(reg: &Decoded, heat: &BlockHeat, width: u32, height: u32) -> Rgba {
    let f = Frame::new(reg, width, height);
    let mut buf = new_buf(&f);
    let bs = heat.block_size.max(1) as f64;
    for j in 0..f.h {
        for i in 0..f.w {
            let (x, y) = f.to_reg(i, j);
            let ink = is_ink(class_at(reg, x, y));
            let gx = libm::floor((x - heat.origin_x + 0.5) / bs);
            let gy = libm::floor((y - heat.origin_y + 0.5) / bs);
            let mut v = -1.0f32;
            if gx >= 0.0 && gy >= 0.0 && (gx as usize) < heat.cols && (gy as usize) < heat.rows {
                v = heat.values.get(gy as usize * heat.cols + gx as usize).copied().unwrap_or(-1.0);
            }
            let base: [f32; 3] = if ink { [60.0, 60.0, 60.0] } else { [255.0, 255.0, 255.0] };
            let c = if v >= 0.0 {
                let v = v.clamp(0.0, 1.0);
                let tint = [255.0 * (1.0 - v), 200.0 * v, 40.0];
                let a = 0.45f32;
                [
                    (base[0] * (1.0 - a) + tint[0] * a) as u8,
                    (base[1] * (1.0 - a) + tint[1] * a) as u8,
                    (base[2] * (1.0 - a) + tint[2] * a) as u8,
                ]
            } else {
                [base[0] as u8, base[1] as u8, base[2] as u8]
            };
            put(&mut buf, &f, i, j, c);
        }
    }
    finish(&f, buf)
}
