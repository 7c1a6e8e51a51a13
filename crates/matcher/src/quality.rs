//! Registered-impression quality: flags faint, blurred or broken impressions as unclear.

use super::ink::InkMap;
use super::locate::BoxI;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    Ok,
    Unclear,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct QualityMetrics {
    /// median redness of ink pixels (0-255)
    pub ink_level: f64,
    /// share of partial (soft-edge) pixels relative to solid ink pixels
    pub blur: f64,
    /// share of outline directions where the outer boundary is missing
    pub frame_gaps: f64,
    /// share of ink pixels that lie in small fragments
    pub fragments: f64,
    /// narrow breaks: background pixels in runs of <= 4 px bounded by ink on both sides (rows and
    /// columns), relative to the ink area
    pub breaks: f64,
}

// Thresholds (dev-set registered impressions all pass with margin).
pub const MIN_INK_LEVEL: f64 = 60.0;
pub const MAX_BLUR: f64 = 0.25;
pub const MAX_FRAME_GAPS: f64 = 0.05;
pub const MAX_FRAGMENTS: f64 = 0.05;
pub const MAX_BREAKS: f64 = 0.25;

pub fn metrics(ink: &InkMap, b: &BoxI, c: (f64, f64)) -> QualityMetrics {
    let w = ink.w;
    let (mut solid, mut partial) = (0u64, 0u64);
    for y in b.y0..=b.y1.min(ink.h.saturating_sub(1)) {
        for x in b.x0..=b.x1.min(w.saturating_sub(1)) {
            let s = ink.strength.get(y * w + x).copied().unwrap_or(0.0);
            if s >= 0.85 {
                solid += 1;
            } else if s > 0.15 {
                partial += 1;
            }
        }
    }
    let blur = if solid > 0 { partial as f64 / solid as f64 } else { 10.0 };
    // outline: max ink radius along rays
    let na = 180usize;
    let rmax_lim = ((b.w() * b.w() + b.h() * b.h()) as f64).sqrt() * 0.75;
    let mut rmax = vec![0.0f64; na];
    for (k, r) in rmax.iter_mut().enumerate() {
        let th = 2.0 * core::f64::consts::PI * k as f64 / na as f64;
        let (dx, dy) = (libm::cos(th), libm::sin(th));
        let mut t = rmax_lim;
        while t > 0.0 {
            let x = libm::floor(c.0 + dx * t + 0.5);
            let y = libm::floor(c.1 + dy * t + 0.5);
            if x >= 0.0
                && y >= 0.0
                && (x as usize) < w
                && (y as usize) < ink.h
                && ink.is_ink(y as usize * w + x as usize)
            {
                break;
            }
            t -= 1.0;
        }
        *r = t.max(0.0);
    }
    let mut gaps = 0usize;
    for k in 0..na {
        let mut m = 0.0f64;
        for d in 0..=4usize {
            let j = (k + na + d - 2) % na;
            m = m.max(rmax[j]);
        }
        if rmax[k] < 0.85 * m {
            gaps += 1;
        }
    }
    let frame_gaps = gaps as f64 / na as f64;
    // fragments: ink connected components (8-conn) smaller than 0.05% of the box area
    let bw = b.w();
    let bh = b.h();
    let mut lab = vec![false; bw * bh];
    let mut stack = Vec::new();
    let small_lim = ((bw * bh) as f64 * 0.0005).max(6.0) as usize;
    let (mut total, mut small) = (0usize, 0usize);
    for sy in 0..bh {
        for sx in 0..bw {
            let gi = (b.y0 + sy) * w + b.x0 + sx;
            if lab[sy * bw + sx] || !ink.is_ink(gi) {
                continue;
            }
            let mut size = 0usize;
            lab[sy * bw + sx] = true;
            stack.push((sx, sy));
            while let Some((x, y)) = stack.pop() {
                size += 1;
                for dy in -1i64..=1 {
                    for dx in -1i64..=1 {
                        let xx = x as i64 + dx;
                        let yy = y as i64 + dy;
                        if xx < 0 || yy < 0 || xx as usize >= bw || yy as usize >= bh {
                            continue;
                        }
                        let (xu, yu) = (xx as usize, yy as usize);
                        if !lab[yu * bw + xu] && ink.is_ink((b.y0 + yu) * w + b.x0 + xu) {
                            lab[yu * bw + xu] = true;
                            stack.push((xu, yu));
                        }
                    }
                }
            }
            total += size;
            if size < small_lim {
                small += size;
            }
        }
    }
    let fragments = if total > 0 { small as f64 / total as f64 } else { 1.0 };
    // narrow breaks
    let mut gap_px = 0usize;
    let mut ink_px = 0usize;
    let scan = |len: usize, at: &dyn Fn(usize) -> bool, gap_px: &mut usize| {
        let mut last_ink: Option<usize> = None;
        for i in 0..len {
            if at(i) {
                if let Some(l) = last_ink {
                    let run = i - l - 1;
                    if (1..=4).contains(&run) {
                        *gap_px += run;
                    }
                }
                last_ink = Some(i);
            }
        }
    };
    for y in b.y0..=b.y1.min(ink.h.saturating_sub(1)) {
        let at = |i: usize| ink.is_ink(y * w + b.x0 + i);
        scan(bw, &at, &mut gap_px);
        for i in 0..bw {
            if at(i) {
                ink_px += 1;
            }
        }
    }
    for x in b.x0..=b.x1.min(w.saturating_sub(1)) {
        let at = |i: usize| ink.is_ink((b.y0 + i) * w + x);
        scan(bh, &at, &mut gap_px);
    }
    let breaks = if ink_px > 0 { gap_px as f64 / ink_px as f64 } else { 1.0 };
    QualityMetrics { ink_level: ink.level as f64, blur, frame_gaps, fragments, breaks }
}

pub fn judge(m: &QualityMetrics) -> Quality {
    if m.ink_level < MIN_INK_LEVEL
        || m.blur > MAX_BLUR
        || m.frame_gaps > MAX_FRAME_GAPS
        || m.fragments > MAX_FRAGMENTS
        || m.breaks > MAX_BREAKS
    {
        Quality::Unclear
    } else {
        Quality::Ok
    }
}

/// Edge softness of an impression's ink in a box: partial (soft-edge) pixels per solid one.
/// A sharp scan of strokes several pixels wide gives well under 1; defocus raises it.
pub fn edge_blur(ink: &InkMap, b: &BoxI) -> f64 {
    let (mut solid, mut partial) = (0u64, 0u64);
    for y in b.y0..=b.y1.min(ink.h.saturating_sub(1)) {
        for x in b.x0..=b.x1.min(ink.w.saturating_sub(1)) {
            let s = ink.strength.get(y * ink.w + x).copied().unwrap_or(0.0);
            if s >= 0.85 {
                solid += 1;
            } else if s > 0.15 {
                partial += 1;
            }
        }
    }
    if solid > 0 {
        partial as f64 / solid as f64
    } else {
        10.0
    }
}
