//! Feature scores and their fusion.

use super::align::{Block, BlockGrid};
use super::geom::{dist2_trunc, Proj};
use super::ink::{InkMap, CLEAR, FAINT, OCCLUDED};
use super::locate::BoxI;
use serde::{Deserialize, Serialize};

/// Individual feature scores (raw measurements; larger = less consistent unless noted).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct FeatureScores {
    /// Fraction of clearly-red questioned ink farther than 2 px (registered working px) from the aligned registered ink.
    pub extra_ink: f64,
    /// Fraction of registered ink (not occluded) farther than 2 px from questioned ink.
    pub missing_ink: f64,
    /// Symmetric truncated (4 px) chamfer distance, registered working pixels.
    pub chamfer: f64,
    /// Worst block's extra-ink fraction.
    pub worst_block: f64,
    /// |ln(questioned stroke width / registered stroke width)|.
    pub stroke_width: f64,
    /// Median residual displacement of small blocks after global alignment (registered working px).
    pub residual_median: f64,
    /// Median magnitude of the neighbourhood-smoothed residual field (px).
    pub residual_smooth: f64,
    /// Median normalised cross-correlation of blocks (higher = more similar).
    pub block_ncc: f64,
    /// Fraction of structured blocks that failed to match.
    pub block_fail: f64,
    /// Median residual over all structured blocks, failed blocks counted as 3 px.
    pub residual_all: f64,
    /// `residual_median` over the pair's own matching noise: the median RMS displacement of a
    /// block's four quadrants about the block's match. Dimensionless; a genuine pair's residual
    /// is noise (medians 0.55–0.61 on the dev and synthetic sets, whose residual floors differ
    /// 1.6 times), a traced copy's a smooth field (medians 1.2–1.4).
    #[serde(default)]
    pub residual_ratio: f64,
}

/// Why a questioned impression is too unclear for a definite verdict (印文不清).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnclearReason {
    /// black print, a ruling line or a signature covers much of the seal
    Occluded,
    /// uneven pressure left part of the seal without ink
    Faded,
    /// the seal moved while pressed, bounced or was stamped twice: a shifted copy of the
    /// impression overlies it (印文重影或滑動)
    Smeared,
    /// the questioned seal is imaged with too few pixels for the registered one's detail
    /// (a photograph from afar, a low-resolution scan)
    TooSmall,
    /// the questioned scan is too blurred (out of focus) for the registered one's detail
    Blurred,
}

/// How much of the registered seal can be seen in the questioned impression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct QuestionedQuality {
    /// Share of the registered ink that falls under black or blue-black ink in the questioned scan.
    pub occluded_share: f64,
    /// Share of the (unoccluded) registered ink lying in regions where the questioned impression
    /// has lost most of its ink while adding little ink of its own (fading, not a different seal).
    pub faded_share: f64,
    /// Empty when the impression is clear enough to judge.
    pub reasons: Vec<UnclearReason>,
    /// Offset of the second touch of the seal (smear, ghost, double stamping), registered
    /// pixels; 0 when none was found.
    #[serde(default)]
    pub smear_px: f64,
    /// Edge softness of the questioned ink: partial (soft-edge) ink pixels per solid one, at the
    /// registered impression's scale (the registered impression's own value is in
    /// `QualityMetrics::blur`).
    #[serde(default)]
    pub blur: f64,
}

impl QuestionedQuality {
    pub fn unclear(&self) -> bool {
        !self.reasons.is_empty()
    }
    /// Share of the registered ink the verdict could not look at.
    pub fn hidden_share(&self) -> f64 {
        (self.occluded_share + (1.0 - self.occluded_share) * self.faded_share).clamp(0.0, 1.0)
    }
}

/// An impression is unclear when more than this share of the registered ink is occluded …
pub const MAX_OCCLUDED_SHARE: f64 = 0.20;
/// … or lies in faded regions.
pub const MAX_FADED_SHARE: f64 = 0.20;
/// A region (of a 4 x 4 grid over the registered seal) counts as faded when at least this share
/// of its registered ink has no questioned ink nearby …
pub const FADED_REGION_MISSING: f64 = 0.5;
/// … and the whole impression adds at most this share of ink the registered seal lacks (a
/// different seal misses ink because its strokes lie elsewhere, and then adds ink).
pub const FADED_MAX_EXTRA: f64 = 0.03;

/// A pair with more foreign ink than this (share of the questioned seal's clear ink farther than
/// 2 px from registered ink) is never 相符: genuine dev pairs reach 0.0016, forged ones 0.57.
pub const CONSISTENT_MAX_EXTRA_INK: f64 = 0.01;
/// … nor one whose worst block is this much foreign ink (genuine dev pairs reach 0.034).
pub const CONSISTENT_MAX_WORST_BLOCK: f64 = 0.15;

pub struct ScoreOut {
    pub features: FeatureScores,
    pub questioned: QuestionedQuality,
    /// per-block consistency in [0,1] (1 = consistent), NaN-free; -1 where not evaluated
    pub heat: Vec<f32>,
    /// per-block share of the questioned ink that is foreign (0 where too little ink)
    pub block_extra: Vec<f64>,
}

/// Truncation distance of the chamfer score (registered working px).
pub const CHAMFER_TRUNC: f64 = 4.0;

/// Blocks whose structure tensor is more anisotropic than this are ignored for residuals
/// (aperture problem: a lone straight stroke cannot pin the displacement along itself).
pub const ISO_MIN: f64 = 0.15;

/// Blocks where the questioned impression carries less than this share of the registered
/// block's ink are faded (uneven pressure): their strokes are partly missing, so their match
/// is pulled off by ink loss rather than by the carving, and they are left out of the residual
/// statistics (unless too few blocks would remain). On genuine pairs the residual grows where
/// the ink fades; on traced copies it does not (the distortion is everywhere).
pub const MIN_INK_RATIO: f64 = 0.6;
/// The fewest inked blocks the residual statistics are computed on; below it all are used.
const MIN_INKED_BLOCKS: usize = 5;

fn median(v: &mut Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(core::cmp::Ordering::Equal));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn stroke_width(ink: &InkMap, b: &BoxI) -> f64 {
    let w = ink.w;
    let (mut area, mut per) = (0u64, 0u64);
    for y in b.y0..=b.y1.min(ink.h.saturating_sub(1)) {
        for x in b.x0..=b.x1.min(w.saturating_sub(1)) {
            let i = y * w + x;
            if !ink.is_ink(i) {
                continue;
            }
            area += 1;
            let nbs = [
                if x > 0 { Some(i - 1) } else { None },
                if x + 1 < w { Some(i + 1) } else { None },
                if y > 0 { Some(i - w) } else { None },
                if y + 1 < ink.h { Some(i + w) } else { None },
            ];
            for j in nbs {
                match j {
                    Some(j) => {
                        let c = ink.class[j];
                        if c != FAINT && c != CLEAR && c != OCCLUDED {
                            per += 1;
                        }
                    }
                    None => per += 1,
                }
            }
        }
    }
    if per == 0 {
        return 0.0;
    }
    2.0 * area as f64 / per as f64
}

pub fn compute(reg: &InkMap, rbox: &BoxI, q: &InkMap, qbox: &BoxI, sim: &Proj, grid: &BlockGrid) -> ScoreOut {
    let (rcx, rcy) = rbox.center();
    let s = sim.scale_at(rcx, rcy).max(1e-6);
    let inv = sim.inverse();
    // registered DT (registered px)
    // registered DT on the seal box plus a margin (registered px); outside counts as far
    let rr = (libm::ceil(CHAMFER_TRUNC) as usize + 1).min(64);
    let bx0 = rbox.x0.saturating_sub(rr + 2);
    let by0 = rbox.y0.saturating_sub(rr + 2);
    let bx1 = (rbox.x1 + rr + 2).min(reg.w.saturating_sub(1));
    let by1 = (rbox.y1 + rr + 2).min(reg.h.saturating_sub(1));
    let bw = bx1.saturating_sub(bx0) + 1;
    let bh = by1.saturating_sub(by0) + 1;
    let mut rmask = vec![false; bw * bh];
    for y in 0..bh {
        for x in 0..bw {
            rmask[y * bw + x] = reg.is_ink((by0 + y) * reg.w + bx0 + x);
        }
    }
    let rdt_crop = dist2_trunc(&rmask, bw, bh, rr);
    let rdt_at = |xi: f64, yi: f64| -> f64 {
        let x = xi - bx0 as f64;
        let y = yi - by0 as f64;
        if x >= 0.0 && y >= 0.0 && (x as usize) < bw && (y as usize) < bh {
            (rdt_crop[y as usize * bw + x as usize] as f64).sqrt()
        } else {
            1e3
        }
    };
    // questioned region: union of seal box and mapped registered box
    let mut qx0 = qbox.x0 as f64;
    let mut qy0 = qbox.y0 as f64;
    let mut qx1 = qbox.x1 as f64;
    let mut qy1 = qbox.y1 as f64;
    for &(x, y) in &[(rbox.x0, rbox.y0), (rbox.x1, rbox.y0), (rbox.x0, rbox.y1), (rbox.x1, rbox.y1)] {
        let (a, b) = sim.apply(x as f64, y as f64);
        qx0 = qx0.min(a);
        qy0 = qy0.min(b);
        qx1 = qx1.max(a);
        qy1 = qy1.max(b);
    }
    let m = 8.0;
    let rx0 = (qx0 - m).max(0.0) as usize;
    let ry0 = (qy0 - m).max(0.0) as usize;
    let rx1 = ((qx1 + m).max(0.0) as usize).min(q.w.saturating_sub(1));
    let ry1 = ((qy1 + m).max(0.0) as usize).min(q.h.saturating_sub(1));
    let cw = rx1.saturating_sub(rx0) + 1;
    let ch = ry1.saturating_sub(ry0) + 1;
    let mut qmask = vec![false; cw * ch];
    let mut omask = vec![false; cw * ch];
    for y in 0..ch {
        for x in 0..cw {
            let i = (ry0 + y) * q.w + rx0 + x;
            qmask[y * cw + x] = q.is_ink(i);
            omask[y * cw + x] = q.class.get(i).copied() == Some(OCCLUDED);
        }
    }
    let qdt = dist2_trunc(&qmask, cw, ch, (libm::ceil(CHAMFER_TRUNC * s) as usize + 1).min(100));
    let odt = dist2_trunc(&omask, cw, ch, (libm::ceil(2.5 * s) as usize + 1).min(100));

    let bs = grid.bs.max(1);
    let nblk = grid.nx * grid.ny;
    let mut blk_extra = vec![0u32; nblk];
    let mut blk_q = vec![0u32; nblk];
    let blk_of = |px: f64, py: f64| -> Option<usize> {
        let gx = libm::floor((px - grid.x0 as f64 + 0.5) / bs as f64);
        let gy = libm::floor((py - grid.y0 as f64 + 0.5) / bs as f64);
        if gx >= 0.0 && gy >= 0.0 && (gx as usize) < grid.nx && (gy as usize) < grid.ny {
            Some(gy as usize * grid.nx + gx as usize)
        } else {
            None
        }
    };

    // questioned clear ink -> distance to registered ink
    let (mut nq, mut nextra, mut cham_q) = (0u64, 0u64, 0.0f64);
    for y in 0..ch {
        for x in 0..cw {
            let i = (ry0 + y) * q.w + rx0 + x;
            if q.class.get(i).copied() != Some(CLEAR) {
                continue;
            }
            let (px, py) = inv.apply((rx0 + x) as f64, (ry0 + y) as f64);
            let xi = libm::floor(px + 0.5);
            let yi = libm::floor(py + 0.5);
            let d = rdt_at(xi, yi).min(10.0);
            nq += 1;
            cham_q += d.min(CHAMFER_TRUNC);
            let b = blk_of(px, py);
            if let Some(b) = b {
                blk_q[b] += 1;
            }
            if d > 2.0 {
                nextra += 1;
                if let Some(b) = b {
                    blk_extra[b] += 1;
                }
            }
        }
    }
    // registered clear ink -> distance to questioned ink
    let (mut nr, mut nmiss, mut cham_r, mut nocc) = (0u64, 0u64, 0.0f64, 0u64);
    const REG: usize = 4;
    let mut reg_n = [0u64; REG * REG];
    let mut reg_miss = [0u64; REG * REG];
    let region = |x: usize, y: usize| -> usize {
        let gx = ((x - rbox.x0) * REG / rbox.w().max(1)).min(REG - 1);
        let gy = ((y - rbox.y0) * REG / rbox.h().max(1)).min(REG - 1);
        gy * REG + gx
    };
    for y in rbox.y0..=rbox.y1.min(reg.h.saturating_sub(1)) {
        for x in rbox.x0..=rbox.x1.min(reg.w.saturating_sub(1)) {
            let i = y * reg.w + x;
            if reg.class.get(i).copied() != Some(CLEAR) {
                continue;
            }
            let (qx, qy) = sim.apply(x as f64, y as f64);
            let xi = libm::floor(qx + 0.5) - rx0 as f64;
            let yi = libm::floor(qy + 0.5) - ry0 as f64;
            if !(xi >= 0.0 && yi >= 0.0 && (xi as usize) < cw && (yi as usize) < ch) {
                continue;
            }
            let j = yi as usize * cw + xi as usize;
            if (odt[j] as f64).sqrt() <= 2.5 * s {
                nocc += 1;
                continue;
            }
            let d = (qdt[j] as f64).sqrt() / s;
            nr += 1;
            cham_r += d.min(CHAMFER_TRUNC);
            let k = region(x, y);
            reg_n[k] += 1;
            if d > 2.0 {
                nmiss += 1;
                reg_miss[k] += 1;
            }
        }
    }
    let extra_ink = if nq > 0 { nextra as f64 / nq as f64 } else { 1.0 };
    let missing_ink = if nr > 0 { nmiss as f64 / nr as f64 } else { 1.0 };
    let occluded_share = if nr + nocc > 0 { nocc as f64 / (nr + nocc) as f64 } else { 0.0 };
    let faded_share = if nr > 0 && extra_ink <= FADED_MAX_EXTRA {
        let min_n = (nr / (4 * (REG * REG) as u64)).max(8);
        let faded: u64 = (0..REG * REG)
            .filter(|&k| reg_n[k] >= min_n && reg_miss[k] as f64 >= FADED_REGION_MISSING * reg_n[k] as f64)
            .map(|k| reg_n[k])
            .sum();
        faded as f64 / nr as f64
    } else {
        0.0
    };
    let mut reasons = Vec::new();
    if occluded_share > MAX_OCCLUDED_SHARE {
        reasons.push(UnclearReason::Occluded);
    }
    if faded_share > MAX_FADED_SHARE {
        reasons.push(UnclearReason::Faded);
    }
    let questioned = QuestionedQuality { occluded_share, faded_share, reasons, smear_px: 0.0, blur: 0.0 };
    let chamfer = 0.5
        * (if nq > 0 { cham_q / nq as f64 } else { CHAMFER_TRUNC }
            + if nr > 0 { cham_r / nr as f64 } else { CHAMFER_TRUNC });

    // residual field
    let pinned = |b: &&Block| b.valid && !b.at_edge && b.iso >= ISO_MIN;
    let inked = |b: &Block| b.q_mean >= MIN_INK_RATIO * b.r_mean;
    let skip_faded = grid.blocks.iter().filter(pinned).filter(|b| inked(b)).count() >= MIN_INKED_BLOCKS;
    let counted = |b: &Block| !skip_faded || inked(b);
    let mut mags = Vec::new();
    let mut n_struct = 0usize;
    let mut n_fail = 0usize;
    let mut nccs = Vec::new();
    for b in grid.blocks.iter() {
        if b.ncc == 0.0 && !b.valid {
            continue; // not evaluated (no structure / occluded)
        }
        n_struct += 1;
        nccs.push(b.ncc);
        if !b.valid || b.at_edge {
            n_fail += 1;
            continue;
        }
        if b.iso < ISO_MIN || !counted(b) {
            continue;
        }
        mags.push((b.dx * b.dx + b.dy * b.dy).sqrt());
    }
    let residual_median = if mags.is_empty() { 3.0 } else { median(&mut mags) };
    let mut all: Vec<f64> = mags.clone();
    for _ in 0..n_fail {
        all.push(3.0);
    }
    let residual_all = if all.is_empty() { 3.0 } else { median(&mut all) };
    // blocks whose displacement is pinned in both directions: smoothed field and matching noise
    let used = |b: &&Block| pinned(b) && counted(b);
    let mut smooth = Vec::new();
    let mut spreads = Vec::new();
    for b in grid.blocks.iter().filter(used) {
        let (mut sx, mut sy, mut k) = (0.0, 0.0, 0.0);
        for o in grid.blocks.iter().filter(used) {
            if (o.gx as i64 - b.gx as i64).abs() <= 1 && (o.gy as i64 - b.gy as i64).abs() <= 1 {
                sx += o.dx;
                sy += o.dy;
                k += 1.0;
            }
        }
        if k >= 3.0 {
            smooth.push((sx * sx + sy * sy).sqrt() / k);
        }
        // matching noise: how far the block's quadrants, matched alone, move from its match
        if let Some(r) = b.quadrant_rms() {
            spreads.push(r);
        }
    }
    let residual_smooth = if smooth.is_empty() { residual_median } else { median(&mut smooth) };
    let residual_ratio = if spreads.len() < 3 { 3.0 } else { residual_median / median(&mut spreads).max(1e-4) };
    let block_ncc = if nccs.is_empty() { 0.0 } else { median(&mut nccs) };
    let block_fail = if n_struct > 0 { n_fail as f64 / n_struct as f64 } else { 1.0 };

    // heat map & worst block
    let mut heat = vec![-1.0f32; nblk];
    let mut block_extra = vec![0.0f64; nblk];
    let mut worst = 0.0f64;
    let min_px = (0.03 * (bs * bs) as f64 * s * s) as u32;
    for (k, b) in grid.blocks.iter().enumerate().take(nblk) {
        let e = if blk_q[k] > min_px.max(8) { blk_extra[k] as f64 / blk_q[k] as f64 } else { 0.0 };
        if blk_q[k] > min_px.max(8) {
            worst = worst.max(e);
            block_extra[k] = e;
        }
        let evaluated = b.valid || b.ncc != 0.0 || blk_q[k] > 0;
        if evaluated {
            let r = if b.valid && !b.at_edge { (b.dx * b.dx + b.dy * b.dy).sqrt() } else { 3.0 };
            let v = (1.0 - 3.0 * e) * (1.0 - (r / 3.0).min(1.0) * 0.7);
            heat[k] = v.clamp(0.0, 1.0) as f32;
        }
    }
    let wr = stroke_width(reg, rbox) * s;
    let qb = BoxI { x0: rx0, y0: ry0, x1: rx1, y1: ry1 };
    let wq = stroke_width(q, &qb);
    let stroke = if wr > 1e-6 && wq > 1e-6 { libm::log(wq / wr).abs() } else { 1.0 };
    ScoreOut {
        features: FeatureScores {
            extra_ink,
            missing_ink,
            chamfer,
            worst_block: worst,
            stroke_width: stroke,
            residual_median,
            residual_smooth,
            block_ncc,
            block_fail,
            residual_all,
            residual_ratio,
        },
        questioned,
        heat,
        block_extra,
    }
}

/// Number of fusion inputs.
pub const NF: usize = 4;
pub const FUSION_NAMES: [&str; NF] = ["ln_resid_med", "ln_resid_smooth", "ln_extra", "ln_resid_ratio"];

/// Transformed inputs to the logistic fusion.
pub fn fusion_inputs(f: &FeatureScores) -> [f64; NF] {
    [
        libm::log(0.05 + f.residual_median.max(0.0)),
        libm::log(0.05 + f.residual_smooth.max(0.0)),
        libm::log(0.002 + f.extra_ink.max(0.0)),
        libm::log(0.05 + f.residual_ratio.max(0.0)),
    ]
}

/// Logistic fusion weights (bias, then one per input), fitted by the eval tool (class- and
/// tier-balanced, L2 0.005) on the dev set together with our synthetic training sets (the dev
/// set's six fonts, flat / scanner / camera captures, harsh artifacts, slips: 800 pairs); frozen
/// before the fresh synthetic test sets (other fonts) were generated.
pub const FUSION_W: [f64; NF + 1] = [-7.5296, -2.2032, -0.6446, -0.9141, -1.3810];

pub fn fuse(f: &FeatureScores, w: &[f64; NF + 1]) -> f64 {
    let x = fusion_inputs(f);
    let mut z = w[0];
    for k in 0..NF {
        z += w[k + 1] * x[k];
    }
    if !z.is_finite() {
        return 0.0;
    }
    let s = 1.0 / (1.0 + libm::exp(-z));
    s.clamp(0.0, 1.0)
}
