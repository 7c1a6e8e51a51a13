//! Seal localisation (bounding box of the seal's ink) and face-centre estimation.

use super::ink::InkMap;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxI {
    pub x0: usize,
    pub y0: usize,
    /// inclusive
    pub x1: usize,
    pub y1: usize,
}

impl BoxI {
    pub fn w(&self) -> usize {
        self.x1.saturating_sub(self.x0) + 1
    }
    pub fn h(&self) -> usize {
        self.y1.saturating_sub(self.y0) + 1
    }
    pub fn center(&self) -> (f64, f64) {
        ((self.x0 + self.x1) as f64 * 0.5, (self.y0 + self.y1) as f64 * 0.5)
    }
}

const CELL: usize = 4;

/// Find the seal: the largest cluster of red ink (cells of 4x4 px, bridged over small gaps).
/// Returns the bounding box of the ink belonging to it.
pub fn locate(ink: &InkMap) -> Option<BoxI> {
    let (w, h) = (ink.w, ink.h);
    if w == 0 || h == 0 {
        return None;
    }
    let gw = w.div_ceil(CELL);
    let gh = h.div_ceil(CELL);
    let mut cnt = vec![0u16; gw * gh];
    for y in 0..h {
        for x in 0..w {
            if ink.is_ink(y * w + x) {
                cnt[(y / CELL) * gw + x / CELL] += 1;
            }
        }
    }
    let on: Vec<bool> = cnt.iter().map(|&c| c >= 2).collect();
    // dilate by radius R cells
    let r = 3i64;
    let mut dil = vec![false; gw * gh];
    // separable max
    let mut tmp = vec![false; gw * gh];
    for y in 0..gh {
        for x in 0..gw {
            let mut v = false;
            for d in -r..=r {
                let xx = x as i64 + d;
                if xx >= 0 && (xx as usize) < gw && on[y * gw + xx as usize] {
                    v = true;
                    break;
                }
            }
            tmp[y * gw + x] = v;
        }
    }
    for y in 0..gh {
        for x in 0..gw {
            let mut v = false;
            for d in -r..=r {
                let yy = y as i64 + d;
                if yy >= 0 && (yy as usize) < gh && tmp[yy as usize * gw + x] {
                    v = true;
                    break;
                }
            }
            dil[y * gw + x] = v;
        }
    }
    // connected components (4-connectivity) with ink mass
    let mut label = vec![u32::MAX; gw * gh];
    let mut comps: Vec<(u64, usize, usize, usize, usize)> = Vec::new(); // mass, bbox in cells
    let mut stack = Vec::new();
    for s in 0..gw * gh {
        if !dil[s] || label[s] != u32::MAX {
            continue;
        }
        let id = comps.len() as u32;
        let mut comp = (0u64, usize::MAX, usize::MAX, 0usize, 0usize);
        label[s] = id;
        stack.push(s);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % gw, i / gw);
            if on[i] {
                comp.0 += cnt[i] as u64;
                comp.1 = comp.1.min(x);
                comp.2 = comp.2.min(y);
                comp.3 = comp.3.max(x);
                comp.4 = comp.4.max(y);
            }
            let nb = [
                if x > 0 { Some(i - 1) } else { None },
                if x + 1 < gw { Some(i + 1) } else { None },
                if y > 0 { Some(i - gw) } else { None },
                if y + 1 < gh { Some(i + gw) } else { None },
            ];
            for j in nb.into_iter().flatten() {
                if dil[j] && label[j] == u32::MAX {
                    label[j] = id;
                    stack.push(j);
                }
            }
        }
        comps.push(comp);
    }
    let best =
        comps.iter().enumerate().filter(|(_, c)| c.0 > 0).max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(&a.0)))?;
    let bc = *best.1;
    // merge other components whose bbox centre falls inside the main bbox (expanded 25%)
    let (bx0, by0, bx1, by1) = (bc.1 as f64, bc.2 as f64, bc.3 as f64, bc.4 as f64);
    let ex = (bx1 - bx0 + 1.0) * 0.25;
    let ey = (by1 - by0 + 1.0) * 0.25;
    let mut keep = vec![false; comps.len()];
    keep[best.0] = true;
    for (k, c) in comps.iter().enumerate() {
        if c.0 == 0 || k == best.0 {
            continue;
        }
        let cx = (c.1 + c.3) as f64 * 0.5;
        let cy = (c.2 + c.4) as f64 * 0.5;
        if cx >= bx0 - ex && cx <= bx1 + ex && cy >= by0 - ey && cy <= by1 + ey && c.0 * 50 >= bc.0 / 20 {
            keep[k] = true;
        }
    }
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0usize, 0usize);
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if !ink.is_ink(i) {
                continue;
            }
            let c = (y / CELL) * gw + x / CELL;
            if !on[c] {
                continue;
            }
            let l = label[c];
            if l != u32::MAX && keep.get(l as usize).copied().unwrap_or(false) {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x);
                y1 = y1.max(y);
            }
        }
    }
    if x0 > x1 || y0 > y1 {
        return None;
    }
    Some(BoxI { x0, y0, x1, y1 })
}

/// Face centre of a (clean, nearly upright) registered impression: the centre of the ink's
/// bounding extent, measured robustly from projection profiles within the located box.
pub fn registered_face_center(ink: &InkMap, b: &BoxI) -> (f64, f64) {
    let w = ink.w;
    let bw = b.w();
    let bh = b.h();
    let mut px = vec![0.0f64; bw];
    let mut py = vec![0.0f64; bh];
    for y in b.y0..=b.y1.min(ink.h.saturating_sub(1)) {
        for x in b.x0..=b.x1.min(w.saturating_sub(1)) {
            let s = ink.strength.get(y * w + x).copied().unwrap_or(0.0) as f64;
            px[x - b.x0] += s;
            py[y - b.y0] += s;
        }
    }
    let edge = |p: &[f64]| -> (f64, f64) {
        // first/last index where the profile reaches 25% of its robust maximum (sub-pixel)
        let mut sorted: Vec<f64> = p.to_vec();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(core::cmp::Ordering::Equal));
        let m = sorted.get(sorted.len() * 9 / 10).copied().unwrap_or(0.0);
        let t = 0.25 * m;
        let n = p.len();
        let mut lo = 0.0;
        for i in 0..n {
            if p[i] >= t {
                let prev = if i > 0 { p[i - 1] } else { 0.0 };
                let f = if p[i] > prev { (t - prev) / (p[i] - prev) } else { 0.0 };
                lo = i as f64 - 1.0 + f.clamp(0.0, 1.0);
                break;
            }
        }
        let mut hi = (n as f64) - 1.0;
        for i in (0..n).rev() {
            if p[i] >= t {
                let next = if i + 1 < n { p[i + 1] } else { 0.0 };
                let f = if p[i] > next { (t - next) / (p[i] - next) } else { 0.0 };
                hi = i as f64 + 1.0 - f.clamp(0.0, 1.0);
                break;
            }
        }
        (lo, hi)
    };
    let (xl, xh) = edge(&px);
    let (yl, yh) = edge(&py);
    (b.x0 as f64 + 0.5 * (xl + xh), b.y0 as f64 + 0.5 * (yl + yh))
}

/// Rotation-independent size of the ink in a box: the smallest extent over 12 directions
/// (side of a square, diameter of a circle, minor axis of an oval), in pixels.
pub fn min_extent(ink: &InkMap, b: &BoxI) -> f64 {
    const K: usize = 12;
    let dirs: Vec<(f64, f64)> = (0..K)
        .map(|k| {
            let t = core::f64::consts::PI * k as f64 / K as f64;
            (libm::cos(t), libm::sin(t))
        })
        .collect();
    let mut lo = [f64::INFINITY; K];
    let mut hi = [f64::NEG_INFINITY; K];
    for y in b.y0..=b.y1.min(ink.h.saturating_sub(1)) {
        for x in b.x0..=b.x1.min(ink.w.saturating_sub(1)) {
            if !ink.is_ink(y * ink.w + x) {
                continue;
            }
            for (k, &(c, s)) in dirs.iter().enumerate() {
                let p = x as f64 * c + y as f64 * s;
                lo[k] = lo[k].min(p);
                hi[k] = hi[k].max(p);
            }
        }
    }
    let mut m = f64::INFINITY;
    for k in 0..K {
        if hi[k] >= lo[k] {
            m = m.min(hi[k] - lo[k] + 1.0);
        }
    }
    if m.is_finite() {
        m
    } else {
        0.0
    }
}
