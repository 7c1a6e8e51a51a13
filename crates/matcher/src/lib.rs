#![allow(
    clippy::too_many_arguments,
    clippy::neg_cmp_op_on_partial_ord,
    clippy::ptr_arg,
    clippy::same_item_push,
    clippy::wrong_self_convention
)]
//! Seal-impression matcher: compares a questioned seal impression (印文) against a registered
//! one (印模). Bytes in, results out; no I/O, no threads, deterministic (libm maths).

mod align;
mod capture;
mod decode;
mod fft;
mod geom;
mod ink;
mod locate;
mod pdf;
mod print;
mod quality;
mod score;
mod slip;
pub mod views;

pub use capture::{CaptureCorrection, CaptureModel, NOTABLE_KEYSTONE_PCT, NOTABLE_SHEAR_PCT, NOTABLE_STRETCH_PCT};
pub use decode::{decode, decode_rgb, with_ink, Decoded, SourceFormat};
pub use print::{
    PrintEvidence, MAX_GENUINE_COLOUR_TEXTURE, MAX_GENUINE_HALFTONE, MAX_GENUINE_MIXING_BOW, MAX_GENUINE_SCREEN_LATTICE,
};
pub use quality::{Quality, QualityMetrics};
pub use score::{FeatureScores, QuestionedQuality, UnclearReason};

/// Why a pair was left for review (待人工判斷): the questioned impression's quality, or the
/// impressions differ in places (marked in [`BlockHeat::flagged`] and [`MatchResult::regions`]).
/// A review always carries at least one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewReason {
    /// black print, a ruling line or a signature covers much of the seal (印文被遮蓋)
    Occluded,
    /// uneven pressure left part of the seal without ink (印文部分缺墨)
    Faded,
    /// the seal slid, bounced or was stamped twice (印文重影或滑動)
    Smeared,
    /// the questioned seal has too few pixels for the registered one's detail (印文影像過小)
    TooSmall,
    /// the questioned scan is too blurred for the registered one's detail (印文影像模糊)
    Blurred,
    /// the impressions differ in places: the flagged blocks of the heat map (印文局部不一致)
    DiffersInPlaces,
    /// the questioned seal looks printed, not stamped: halftone dots, the colour texture of
    /// printed colorants, or stroke edges whose colours bow off the paper-to-ink line
    /// (疑似列印複製; what was seen is in [`MatchResult::printed`])
    PrintedCopy,
}

impl From<UnclearReason> for ReviewReason {
    fn from(r: UnclearReason) -> Self {
        match r {
            UnclearReason::Occluded => ReviewReason::Occluded,
            UnclearReason::Faded => ReviewReason::Faded,
            UnclearReason::Smeared => ReviewReason::Smeared,
            UnclearReason::TooSmall => ReviewReason::TooSmall,
            UnclearReason::Blurred => ReviewReason::Blurred,
        }
    }
}

/// A rectangle of the registered image (pixels).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

use geom::{blur121, Model, Proj, Sim};
use serde::{Deserialize, Serialize};

/// Errors with English messages and stable snake_case codes.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatchError {
    #[error(
        "not an image or unsupported format (PNG, JPEG, TIFF, and a PDF whose page is one scanned image are supported)"
    )]
    UnsupportedFormat,
    #[error("the image is empty")]
    Empty,
    #[error("the image is too large: {0}")]
    TooLarge(String),
    #[error("no red seal ink found in the image")]
    NoRedInk,
    #[error("the image is corrupt: {0}")]
    Corrupt(String),
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The scan carries no colour (grayscale or black-and-white): red seal ink cannot be told
    /// apart from black print. The clerk must scan again in colour (請以彩色掃描印文).
    #[error("the scan is grayscale or black-and-white: scan the seal in colour")]
    Grayscale,
    /// The file ends before its image does (a cut-off upload or copy): never judged (檔案不完整).
    #[error("the file is incomplete (cut off before the end of the image)")]
    Truncated,
}

impl MatchError {
    pub fn code(&self) -> &'static str {
        match self {
            MatchError::UnsupportedFormat => "unsupported_format",
            MatchError::Empty => "empty",
            MatchError::TooLarge(_) => "too_large",
            MatchError::NoRedInk => "no_red_ink",
            MatchError::Corrupt(_) => "corrupt",
            MatchError::InvalidOption(_) => "invalid_option",
            MatchError::Grayscale => "grayscale",
            MatchError::Truncated => "truncated",
        }
    }
}

/// Similarity alignment of the questioned image relative to the registered one:
/// `p_q = scale * R(rotation_deg) * p_r + (tx, ty)`, `R(t) = [[cos t, sin t], [-sin t, cos t]]`
/// (pixel centres at integer coordinates, y down; positive = counter-clockwise on screen).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    pub rotation_deg: f64,
    pub scale: f64,
    pub tx: f64,
    pub ty: f64,
}

impl Alignment {
    pub(crate) fn from_sim(s: &Sim) -> Alignment {
        Alignment { rotation_deg: s.rotation_deg(), scale: s.scale(), tx: s.tx, ty: s.ty }
    }
    pub(crate) fn to_sim(&self) -> Sim {
        let rot = if self.rotation_deg.is_finite() { self.rotation_deg } else { 0.0 };
        let sc = if self.scale.is_finite() && self.scale > 1e-3 { self.scale } else { 1.0 };
        let tx = if self.tx.is_finite() { self.tx } else { 0.0 };
        let ty = if self.ty.is_finite() { self.ty } else { 0.0 };
        Sim::from_params(rot, sc, tx, ty)
    }
    /// Build an alignment from a rotation/scale about a registered point mapped to a questioned point.
    pub fn about(
        rotation_deg: f64,
        scale: f64,
        registered_point: (f64, f64),
        questioned_point: (f64, f64),
    ) -> Alignment {
        Alignment::from_sim(&Sim::about(rotation_deg, scale, registered_point, questioned_point))
    }
    /// Map a registered-image point into the questioned image.
    pub fn map(&self, x: f64, y: f64) -> (f64, f64) {
        self.to_sim().apply(x, y)
    }
}

/// The full registered → questioned map: `(u, v, w) = H (x, y, 1)`, `p_q = (u / w, v / w)`,
/// row-major 3 x 3 with `h[8] = 1`. A similarity ([`Alignment`]) times the capture correction
/// (affine for scanners, projective for cameras). Views drawn with it show a stretched or
/// tilted scan aligned everywhere, not only at the seal's centre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GlobalTransform {
    pub h: [f64; 9],
}

impl Default for GlobalTransform {
    fn default() -> Self {
        GlobalTransform { h: [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0] }
    }
}

impl GlobalTransform {
    pub(crate) fn from_proj(p: &Proj) -> GlobalTransform {
        GlobalTransform { h: p.m }
    }
    pub(crate) fn to_proj(self) -> Proj {
        if self.h.iter().all(|v| v.is_finite()) && self.h[8].abs() > 1e-12 {
            let d = self.h[8];
            let mut m = self.h;
            for v in m.iter_mut() {
                *v /= d;
            }
            Proj { m }
        } else {
            Proj::from_sim(&Sim::from_params(0.0, 1.0, 0.0, 0.0))
        }
    }
    /// Map a registered-image point into the questioned image.
    pub fn map(&self, x: f64, y: f64) -> (f64, f64) {
        self.to_proj().apply(x, y)
    }
}

impl From<&Alignment> for GlobalTransform {
    fn from(a: &Alignment) -> Self {
        GlobalTransform::from_proj(&Proj::from_sim(&a.to_sim()))
    }
}
impl From<&GlobalTransform> for GlobalTransform {
    fn from(t: &GlobalTransform) -> Self {
        *t
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// 相符
    Consistent,
    /// 待人工判斷
    Review,
    /// 不符
    Inconsistent,
}

/// Default band thresholds, set by the eval tool's margin rule on the fit's 800 pairs (dev and
/// synthetic training sets): 相符 lies 0.3 (in the fusion's log-feature space) beyond the 99th
/// percentile of forgeries, 不符 0.9 below the 1st percentile of the genuine pairs a 不符 could
/// reach. Checked by identity-grouped and leave-one-font-out cross-validation (README, "The seal
/// matcher").
pub const DEFAULT_CONSISTENT_THRESHOLD: f64 = 0.873;
pub const DEFAULT_INCONSISTENT_THRESHOLD: f64 = 0.016;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchOptions {
    /// Known scan resolution of the registered image (overrides file metadata).
    pub registered_dpi: Option<f32>,
    /// Known scan resolution of the questioned image (overrides file metadata).
    pub questioned_dpi: Option<f32>,
    /// Known scale (questioned size / registered size); takes precedence over DPIs.
    pub scale_hint: Option<f64>,
    /// Score at or above which the band is Consistent.
    pub consistent_threshold: f64,
    /// Score below which the band is Inconsistent.
    pub inconsistent_threshold: f64,
    /// Manual alignment: skip automatic alignment and score with this one.
    pub manual_alignment: Option<Alignment>,
    /// The most general global model fitted (calibration tools; `None` = projective, the
    /// default: the capture correction a camera needs, bounded physically).
    #[serde(default)]
    pub global_model: Option<CaptureModel>,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            registered_dpi: None,
            questioned_dpi: None,
            scale_hint: None,
            consistent_threshold: DEFAULT_CONSISTENT_THRESHOLD,
            inconsistent_threshold: DEFAULT_INCONSISTENT_THRESHOLD,
            manual_alignment: None,
            global_model: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SealBox {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// Per-block scores over the registered impression (row-major, `cols` x `rows`; block (c, r)
/// covers registered x in [origin_x + c*block_size, +block_size)). 1 = consistent, 0 = not,
/// -1 = not evaluated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockHeat {
    pub cols: usize,
    pub rows: usize,
    pub block_size: usize,
    pub origin_x: f64,
    pub origin_y: f64,
    pub values: Vec<f32>,
    /// Blocks where the impressions differ (foreign ink, or a residual well beyond the pair's
    /// own noise), row-major like `values`: the regions a review names.
    #[serde(default)]
    pub flagged: Vec<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchResult {
    /// Fused score in [0, 1], higher = same seal.
    pub score: f64,
    pub band: Band,
    /// Rotation of the questioned impression relative to the registered one, degrees, (-180, 180]
    /// (of the similarity part; see [`CaptureCorrection`] for the convention).
    pub rotation_deg: f64,
    /// Questioned size / registered size (linear, at the seal's centre: the square root of the
    /// area ratio).
    pub scale: f64,
    /// Seal face centre in the questioned image (pixel-centre convention).
    pub center_x: f64,
    pub center_y: f64,
    /// Seal face centre in the registered image.
    pub registered_center_x: f64,
    pub registered_center_y: f64,
    /// Bounding box of the questioned seal's ink.
    pub seal_box: SealBox,
    /// The similarity part of the map (rotation, scale, translation), mapping the seal's centre
    /// where the full map does; what a manual alignment adjusts.
    pub alignment: Alignment,
    /// The full map the scores were read with (similarity times the capture correction).
    #[serde(default)]
    pub transform: GlobalTransform,
    /// What was corrected beyond a similarity (scanner stretch and shear, camera perspective).
    #[serde(default)]
    pub capture: CaptureCorrection,
    pub registered_quality: Quality,
    pub quality_metrics: QualityMetrics,
    pub features: FeatureScores,
    pub blocks: BlockHeat,
    /// True when a manual alignment was used.
    pub manual: bool,
    /// How much of the seal the questioned impression shows (印文不清 check); an unclear
    /// impression is never called 不符, and one that hides most of the seal never 相符.
    #[serde(default)]
    pub questioned_quality: QuestionedQuality,
    /// Why the pair is 待人工判斷 (empty for 相符 and 不符; never empty for 待人工判斷).
    #[serde(default)]
    pub review_reasons: Vec<ReviewReason>,
    /// The flagged blocks as rectangles of the registered image (pixels), for any band.
    #[serde(default)]
    pub regions: Vec<Region>,
    /// What the printed-copy check saw (疑似列印複製): a suspected print is never 相符, and a
    /// review then names [`ReviewReason::PrintedCopy`]. Not measured on a 不符 pair.
    #[serde(default)]
    pub printed: PrintEvidence,
}

/// An unclear impression that hides more than this share of the registered ink cannot be
/// called 相符 either: too little of the seal was compared.
pub const MAX_HIDDEN_FOR_CONSISTENT: f64 = 0.5;

fn band_for(score: f64, opts: &MatchOptions, f: &FeatureScores, q: &QuestionedQuality) -> Band {
    band_of(score, opts.consistent_threshold, opts.inconsistent_threshold, f, q)
}

/// The band for a score and thresholds, after two checks the score cannot overrule: ink the
/// registered seal lacks (overall, or filling one block: an added or moved stroke that the
/// medians of the residual field do not see) keeps a pair out of 相符, and the questioned
/// impression's 印文不清 check keeps an unclear one without foreign ink out of 不符 (and any
/// unclear one out of 相符 when it hides most of the seal).
pub fn band_of(score: f64, consistent: f64, inconsistent: f64, f: &FeatureScores, q: &QuestionedQuality) -> Band {
    let foreign_ink =
        f.extra_ink > score::CONSISTENT_MAX_EXTRA_INK || f.worst_block > score::CONSISTENT_MAX_WORST_BLOCK;
    let band = if score >= consistent {
        Band::Consistent
    } else if score < inconsistent {
        Band::Inconsistent
    } else {
        Band::Review
    };
    match band {
        Band::Consistent if foreign_ink => Band::Review,
        // occlusion and fading take ink away, they never add red ink: foreign ink still
        // proves a different seal, but a verdict on missing or displaced ink alone does not
        Band::Inconsistent if q.unclear() && !foreign_ink => Band::Review,
        Band::Consistent if q.unclear() && q.hidden_share() > MAX_HIDDEN_FOR_CONSISTENT => Band::Review,
        b => b,
    }
}

fn valid_dpi(d: Option<f32>) -> Option<f64> {
    d.filter(|v| v.is_finite() && *v >= 10.0 && *v <= 20000.0).map(|v| v as f64)
}

/// Blurred ink-strength map of the rectangle [x0, x1) x [y0, y1).
fn match_map(src: &[f32], w: usize, h: usize, x0: usize, y0: usize, x1: usize, y1: usize) -> align::Plane {
    let x1 = x1.min(w);
    let y1 = y1.min(h);
    let x0 = x0.min(x1);
    let y0 = y0.min(y1);
    let cw = x1 - x0;
    let ch = y1 - y0;
    let mut crop = vec![0.0f32; cw * ch];
    if src.len() >= w * h {
        for y in 0..ch {
            crop[y * cw..(y + 1) * cw].copy_from_slice(&src[(y0 + y) * w + x0..(y0 + y) * w + x1]);
        }
    }
    blur121(&mut crop, cw, ch, 1);
    align::Plane { v: crop, w: cw, h: ch, ox: x0, oy: y0 }
}

/// Compare a registered impression with a questioned scan.
pub fn match_pair(registered: &[u8], questioned: &[u8], opts: &MatchOptions) -> Result<MatchResult, MatchError> {
    let reg = decode(registered)?;
    let q = decode(questioned)?;
    match_decoded(&reg, &q, opts)
}

/// Judge a registered impression on its own (印模不清 or not), e.g. when it is shown or
/// uploaded; the same judgement [`match_pair`] reports as `registered_quality`.
pub fn assess_registered(bytes: &[u8]) -> Result<(Quality, QualityMetrics), MatchError> {
    let reg = decode(bytes)?;
    let rbox = locate::locate(&reg.ink).ok_or(MatchError::NoRedInk)?;
    let d = rbox.w().max(rbox.h()) as f64;
    let size = if d > 1.6 * WORK_SEAL_PX { locate::min_extent(&reg.ink, &rbox) } else { d };
    let f = work_factor(size);
    let (reg, rbox) = if f > 1 {
        let small = decode::downsample(&reg, f);
        let b = locate::locate(&small.ink).ok_or(MatchError::NoRedInk)?;
        (small, b)
    } else {
        (reg, rbox)
    };
    let rc = locate::registered_face_center(&reg.ink, &rbox);
    let m = quality::metrics(&reg.ink, &rbox, rc);
    Ok((quality::judge(&m), m))
}

/// Same as [`match_pair`] on already decoded images (lets a UI re-score without decoding).
///
/// Seals much larger than the calibrated working size (~300 px, i.e. scans well above ~400 dpi)
/// are matched on box-averaged copies; geometry is reported in full-resolution pixels, while the
/// pixel-valued features (residuals, chamfer) stay in working-resolution pixels.
pub fn match_decoded(reg: &Decoded, q: &Decoded, opts: &MatchOptions) -> Result<MatchResult, MatchError> {
    if !(opts.consistent_threshold.is_finite() && opts.inconsistent_threshold.is_finite())
        || opts.inconsistent_threshold > opts.consistent_threshold
    {
        return Err(MatchError::InvalidOption("band thresholds must be finite with inconsistent <= consistent".into()));
    }
    let rbox = locate::locate(&reg.ink).ok_or(MatchError::NoRedInk)?;
    let qbox = locate::locate(&q.ink).ok_or(MatchError::NoRedInk)?;
    let size = |ink: &ink::InkMap, b: &locate::BoxI| -> f64 {
        let d = b.w().max(b.h()) as f64;
        // the box of a rotated seal is up to sqrt(2) too large: use a rotation-free extent
        if d > 1.6 * WORK_SEAL_PX {
            locate::min_extent(ink, b)
        } else {
            d
        }
    };
    let fr = work_factor(size(&reg.ink, &rbox));
    let fq = work_factor(size(&q.ink, &qbox));
    let mut m = if fr == 1 && fq == 1 {
        match_core(reg, q, opts, rbox, qbox)?
    } else {
        match_scaled(reg, q, opts, &qbox, fr, fq)?
    };
    // the printed-copy check, on the questioned scan at its own resolution, only where it can
    // change something: a suspected print is never 相符, and a review names what was seen; a
    // 不符 pair stays 不符 whatever it shows
    if m.band == Band::Inconsistent {
        return Ok(m);
    }
    m.printed = print::detect(reg, &rbox, q, &qbox, &m.transform.to_proj());
    if m.printed.suspected {
        match m.band {
            Band::Consistent => {
                m.band = Band::Review;
                m.review_reasons = vec![ReviewReason::PrintedCopy];
                m.review_reasons.extend(m.questioned_quality.reasons.iter().map(|&r| ReviewReason::from(r)));
            }
            Band::Review => m.review_reasons.insert(0, ReviewReason::PrintedCopy),
            Band::Inconsistent => {}
        }
    }
    Ok(m)
}

/// [`match_core`] on box-averaged copies of seals much larger than the working size, with the
/// geometry brought back to full-resolution pixels.
fn match_scaled(
    reg: &Decoded,
    q: &Decoded,
    opts: &MatchOptions,
    qbox: &locate::BoxI,
    fr: usize,
    fq: usize,
) -> Result<MatchResult, MatchError> {
    let rs = if fr > 1 { decode::downsample(reg, fr) } else { reg.clone() };
    let qs = if fq > 1 { decode::downsample(q, fq) } else { q.clone() };
    let rbox_s = locate::locate(&rs.ink).ok_or(MatchError::NoRedInk)?;
    let qbox_s = locate::locate(&qs.ink).ok_or(MatchError::NoRedInk)?;
    let (frf, fqf) = (fr as f64, fq as f64);
    // small -> full maps (pixel-centre convention): p_full = f * p_small + (f - 1) / 2
    let up_r = Sim { a: frf, b: 0.0, tx: 0.5 * (frf - 1.0), ty: 0.5 * (frf - 1.0) };
    let up_q = Sim { a: fqf, b: 0.0, tx: 0.5 * (fqf - 1.0), ty: 0.5 * (fqf - 1.0) };
    let mut o = opts.clone();
    o.scale_hint = opts.scale_hint.map(|s| s * frf / fqf);
    o.registered_dpi = opts.registered_dpi.or(reg.dpi).map(|d| d / fr as f32);
    o.questioned_dpi = opts.questioned_dpi.or(q.dpi).map(|d| d / fq as f32);
    o.manual_alignment = opts
        .manual_alignment
        .map(|m| Alignment::from_sim(&geom::compose(&up_q.inverse(), &geom::compose(&m.to_sim(), &up_r))));
    let mut m = match_core(&rs, &qs, &o, rbox_s, qbox_s)?;
    let (pr, pq) = (Proj::from_sim(&up_r), Proj::from_sim(&up_q));
    let full_t = Proj::compose(&pq, &Proj::compose(&m.transform.to_proj(), &pr.inverse()));
    let full = geom::compose(&up_q, &geom::compose(&m.alignment.to_sim(), &up_r.inverse()));
    let (rcx, rcy) = up_r.apply(m.registered_center_x, m.registered_center_y);
    let (cx, cy) = full_t.apply(rcx, rcy);
    m.alignment = Alignment::from_sim(&full);
    m.transform = GlobalTransform::from_proj(&full_t);
    m.rotation_deg = full.rotation_deg();
    m.scale = full_t.scale_at(rcx, rcy);
    m.center_x = cx;
    m.center_y = cy;
    m.registered_center_x = rcx;
    m.registered_center_y = rcy;
    m.seal_box = SealBox { x: qbox.x0 as u32, y: qbox.y0 as u32, width: qbox.w() as u32, height: qbox.h() as u32 };
    for r in m.regions.iter_mut() {
        r.x = frf * (r.x + 0.5) - 0.5;
        r.y = frf * (r.y + 0.5) - 0.5;
        r.width *= frf;
        r.height *= frf;
    }
    m.blocks.block_size *= fr;
    m.blocks.origin_x = frf * (m.blocks.origin_x + 0.5) - 0.5;
    m.blocks.origin_y = frf * (m.blocks.origin_y + 0.5) - 0.5;
    Ok(m)
}

fn cm(m: Model) -> CaptureModel {
    match m {
        Model::Similarity => CaptureModel::Similarity,
        Model::Affine => CaptureModel::Affine,
        Model::Projective => CaptureModel::Projective,
    }
}

/// A projective fit is kept only when its perspective changes the seal's scale across it by
/// at least this much (percent); below, the affine fit is used (on flatbed scans the fitted
/// keystone is noise: median 0.3 %, 90th percentile 0.6 % on our synthetic scanner set).
pub const MIN_KEYSTONE_PCT: f64 = 1.5;

/// A slip is accepted only when, with the copy, at most this share of the registered ink has
/// no questioned ink near it.
pub const SLIP_MAX_MISSING: f64 = 0.08;

/// A questioned seal imaged at under this share of the registered one's size (linear) is too
/// small to compare the registered one's detail (`too_small`).
pub const MIN_SCALE_FOR_DETAIL: f64 = 0.55;
/// A questioned impression whose ink edges are softer than this (partial ink pixels per solid
/// one) is too blurred to compare (`blurred`).
pub const MAX_QUESTIONED_BLUR: f64 = 1.5;

/// Blocks where the impressions differ: foreign ink in the block (over a tenth of its
/// questioned ink), or a consistency under one half on the heat map.
fn flag_blocks(grid: &align::BlockGrid, heat: &[f32], extra: &[f64]) -> Vec<bool> {
    (0..grid.nx * grid.ny)
        .map(|k| {
            let h = heat.get(k).copied().unwrap_or(-1.0);
            extra.get(k).copied().unwrap_or(0.0) > 0.1 || (0.0..0.5).contains(&h)
        })
        .collect()
}

/// The `n` least consistent evaluated blocks (when a review must point somewhere).
fn worst_blocks(heat: &[f32], n: usize) -> Vec<bool> {
    let mut idx: Vec<usize> = (0..heat.len()).filter(|&k| heat[k] >= 0.0).collect();
    idx.sort_by(|&a, &b| heat[a].total_cmp(&heat[b]).then(a.cmp(&b)));
    let mut out = vec![false; heat.len()];
    for &k in idx.iter().take(n) {
        out[k] = true;
    }
    out
}

/// Why a pair is 待人工判斷: the questioned impression's unclear reasons, and "differs in
/// places" when the ink differs (foreign ink) or nothing about the impression explains why it
/// fell short of 相符. Empty for the other bands.
pub fn review_reasons(band: Band, f: &FeatureScores, q: &QuestionedQuality) -> Vec<ReviewReason> {
    if band != Band::Review {
        return Vec::new();
    }
    let mut v: Vec<ReviewReason> = q.reasons.iter().map(|&r| r.into()).collect();
    let foreign_ink =
        f.extra_ink > score::CONSISTENT_MAX_EXTRA_INK || f.worst_block > score::CONSISTENT_MAX_WORST_BLOCK;
    if v.is_empty() || foreign_ink {
        v.push(ReviewReason::DiffersInPlaces);
    }
    v
}

/// A more general global map is kept when its blocks' median residual is under this share of
/// the simpler map's.
pub const MODEL_GAIN: f64 = 0.9;

/// Median displacement of the blocks pinned in both directions (the model-selection criterion).
fn grid_residual(g: &align::BlockGrid) -> f64 {
    let mut v: Vec<f64> = g
        .blocks
        .iter()
        .filter(|b| b.valid && !b.at_edge && b.iso >= score::ISO_MIN)
        .map(|b| (b.dx * b.dx + b.dy * b.dy).sqrt())
        .collect();
    if v.len() < 3 {
        return f64::INFINITY;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Calibrated working size of the seal (largest side, px).
pub const WORK_SEAL_PX: f64 = 300.0;

fn work_factor(d: f64) -> usize {
    if d > 1.6 * WORK_SEAL_PX {
        (libm::round(d / WORK_SEAL_PX) as usize).clamp(2, 16)
    } else {
        1
    }
}

fn match_core(
    reg: &Decoded,
    q: &Decoded,
    opts: &MatchOptions,
    rbox: locate::BoxI,
    qbox: locate::BoxI,
) -> Result<MatchResult, MatchError> {
    let rc = locate::registered_face_center(&reg.ink, &rbox);
    let scale_hint = match opts.scale_hint.filter(|s| s.is_finite() && *s > 0.1 && *s < 10.0) {
        Some(s) => Some(s),
        None => match (valid_dpi(opts.registered_dpi.or(reg.dpi)), valid_dpi(opts.questioned_dpi.or(q.dpi))) {
            (Some(a), Some(b)) => Some(b / a),
            _ => None,
        },
    };
    let (rs, qs, bs) = match_planes(reg, q, &rbox, &qbox);
    let rdim = 0.5 * rbox.w().max(rbox.h()) as f64;
    let top = match opts.global_model.unwrap_or(CaptureModel::Projective) {
        CaptureModel::Similarity => Model::Similarity,
        CaptureModel::Affine => Model::Affine,
        CaptureModel::Projective => Model::Projective,
    };
    // a fitted map is kept when it is sane: finite, of a plausible scale, and a capture
    // distortion a scanner or camera can make
    let sane = |n: &Proj, model: Model| {
        let sc = n.scale_at(rc.0, rc.1);
        n.is_finite()
            && sc > 0.2
            && sc < 5.0
            && (model == Model::Similarity || capture::plausible(&capture::correction(n, cm(model), rc, rdim)))
    };
    // integer block search (hill climbing, `lk` = 0) or sub-pixel (Lucas-Kanade, `lk` rounds),
    // then a robust fit of the model
    let refine = |mut sim: Proj, model: Model, passes: &[(i64, usize)]| {
        for &(s, lk) in passes {
            let g = align::match_blocks(&rs, reg.ink.w, reg.ink.h, &rbox, &qs, &q.ink, &sim, bs, s, lk, false);
            if let Some(n) = align::fit_from_blocks(&g, &sim, 3.0, model) {
                if sane(&n, model) {
                    sim = n;
                }
            }
        }
        sim
    };
    // A manual alignment is where the search starts instead of the coarse estimate: it rescues a
    // pair the coarse step got wrong, while a nudge of a pixel or a tenth of a degree cannot by
    // itself turn a genuine impression into a mismatch (the residual features would read any
    // offset as distortion).
    let (start, manual) = match opts.manual_alignment {
        Some(al) => (al.to_sim(), true),
        None => {
            let c = align::coarse(&reg.ink, &rbox, rc, &q.ink, &qbox, scale_hint);
            let start = match c {
                Some(c) => c.sim,
                None => Sim::about(0.0, scale_hint.unwrap_or(1.0), rc, qbox.center()),
            };
            (start, false)
        }
    };
    const SIM_PASSES: [(i64, usize); 2] = [(4, 0), (2, 5)];
    let mut sim = Proj::from_sim(&start);
    if manual || top == Model::Similarity {
        sim = refine(sim, Model::Similarity, &SIM_PASSES);
    }
    if manual {
        // a hand-placed start is further from the optimum than the coarse estimate: refine
        // until it settles (a few rounds at most)
        for _ in 0..4 {
            let next = refine(sim, Model::Similarity, &SIM_PASSES);
            let (a, b) = (next.similarity_at(rc.0, rc.1), sim.similarity_at(rc.0, rc.1));
            let moved = (a.rotation_deg() - b.rotation_deg()).abs() > 0.005
                || (a.tx - b.tx).abs() > 0.02
                || (a.ty - b.ty).abs() > 0.02;
            sim = next;
            if !moved {
                break;
            }
        }
    }
    let mut model = Model::Similarity;
    let mut grid = None;
    if top != Model::Similarity {
        // The capture correction. An integer pass as a similarity, two as an affine map (the
        // first with a wider search: a 2 % stretch moves the seal's rim by 3 px), and, when
        // allowed, one sub-pixel pass as a projective map. A more general map is kept only
        // when it is worth it: when it leaves the blocks' residual field (each block matched
        // again at the map) clearly smaller than the simpler one does. A more general map
        // always fits the blocks' displacements better, but on a flatbed scan it bends to a
        // subset of them (a faded side, a smudge) and judges the rest worse.
        if !manual {
            sim = refine(sim, Model::Similarity, &[(4, 0)]);
        }
        // (a manual start has been refined as a similarity already)
        let flat = if manual { sim } else { refine(sim, Model::Similarity, &[(2, 5)]) };
        let aff = refine(sim, Model::Affine, &[(6, 0), (2, 5)]);
        let g_flat = residual_grid(&rs, &qs, bs, reg, q, &rbox, &flat);
        let (mut best, mut best_g, mut best_r) = (flat, g_flat, f64::INFINITY);
        best_r = best_r.min(grid_residual(&best_g));
        let c = capture::correction(&aff, CaptureModel::Affine, rc, rdim);
        if c.vertical_stretch_pct.abs() >= capture::NOTABLE_STRETCH_PCT
            || c.shear_pct.abs() >= capture::NOTABLE_SHEAR_PCT
        {
            let g = residual_grid(&rs, &qs, bs, reg, q, &rbox, &aff);
            let r = grid_residual(&g);
            if r < MODEL_GAIN * best_r {
                (best, best_g, best_r, model) = (aff, g, r, Model::Affine);
            }
        }
        if top == Model::Projective {
            let p = refine(aff, Model::Projective, &[(2, 5)]);
            if !p.is_affine()
                && capture::correction(&p, CaptureModel::Projective, rc, rdim).keystone_pct >= MIN_KEYSTONE_PCT
            {
                let g = residual_grid(&rs, &qs, bs, reg, q, &rbox, &p);
                let r = grid_residual(&g);
                if r < MODEL_GAIN * best_r {
                    (best, best_g, model) = (p, g, Model::Projective);
                }
            }
        }
        sim = best;
        grid = Some(best_g);
    }
    let mut grid = grid.unwrap_or_else(|| residual_grid(&rs, &qs, bs, reg, q, &rbox, &sim));
    let mut so = score::compute(&reg.ink, &rbox, &q.ink, &qbox, &sim, &grid);
    // a second touch of the seal (smear, ghost, double stamping): the registered impression is
    // compared with the same copy added, after one more pass to settle the map on it; the copy
    // is kept when it explains at least half of the foreign ink without worsening the residual
    // (a recarved copy's moved character lines up with a shifted copy in places, but the copy
    // explains little of it)
    if let Some(s) = slip::detect(&reg.ink, &rbox, &q.ink, &sim) {
        let r2 = slip::with_copy(&reg.ink, &s);
        let rs2 = match_map(&r2.strength, r2.w, r2.h, 0, 0, r2.w, r2.h).v;
        let mut sim2 = sim;
        let g = align::match_blocks(&rs2, r2.w, r2.h, &rbox, &qs, &q.ink, &sim2, bs, 2, 5, false);
        if let Some(n) = align::fit_from_blocks(&g, &sim2, 3.0, model) {
            if sane(&n, model) {
                sim2 = n;
            }
        }
        let grid2 = align::match_blocks(&rs2, r2.w, r2.h, &rbox, &qs, &q.ink, &sim2, bs, 4, 3, true);
        let mut so2 = score::compute(&r2, &rbox, &q.ink, &qbox, &sim2, &grid2);
        let f0 = &so.features;
        // … and leaves the registered ink all there (a different seal whose larger strokes a
        // copy happens to explain still misses registered ink: 0.18 on dev; genuine slips of
        // our synthetic set at most 0.005), unless the impression faded there
        if so2.features.extra_ink <= 0.5 * f0.extra_ink + 1e-4
            && so2.features.residual_median <= 1.05 * f0.residual_median + 0.02
            && so2.features.missing_ink <= SLIP_MAX_MISSING + so2.questioned.faded_share
        {
            so2.questioned.smear_px = s.px();
            so2.questioned.reasons.push(UnclearReason::Smeared);
            (so, sim, grid) = (so2, sim2, grid2);
        }
    }
    let sc0 = sim.scale_at(rc.0, rc.1);
    so.questioned.blur = quality::edge_blur(&q.ink, &qbox);
    if sc0 < MIN_SCALE_FOR_DETAIL {
        so.questioned.reasons.push(UnclearReason::TooSmall);
    }
    if so.questioned.blur > MAX_QUESTIONED_BLUR {
        so.questioned.reasons.push(UnclearReason::Blurred);
    }
    let qm = quality::metrics(&reg.ink, &rbox, rc);
    let score = score::fuse(&so.features, &score::FUSION_W);
    let (cx, cy) = sim.apply(rc.0, rc.1);
    let capture = capture::correction(&sim, cm(model), rc, rdim);
    let (rot, _, _, _) = capture::decompose(sim.jacobian(rc.0, rc.1));
    let sc = sim.scale_at(rc.0, rc.1);
    let similarity = Sim::about(rot, sc, rc, (cx, cy));
    let band = band_for(score, opts, &so.features, &so.questioned);
    let flagged = flag_blocks(&grid, &so.heat, &so.block_extra);
    let review_reasons = review_reasons(band, &so.features, &so.questioned);
    let flagged = if review_reasons.contains(&ReviewReason::DiffersInPlaces) && !flagged.iter().any(|&f| f) {
        worst_blocks(&so.heat, 3)
    } else {
        flagged
    };
    let regions = flagged
        .iter()
        .enumerate()
        .filter(|(_, &f)| f)
        .map(|(k, _)| Region {
            x: (grid.x0 + ((k % grid.nx) * grid.bs) as i64) as f64 - 0.5,
            y: (grid.y0 + ((k / grid.nx) * grid.bs) as i64) as f64 - 0.5,
            width: grid.bs as f64,
            height: grid.bs as f64,
        })
        .collect();
    Ok(MatchResult {
        score,
        band,
        rotation_deg: rot,
        scale: sc,
        center_x: cx,
        center_y: cy,
        registered_center_x: rc.0,
        registered_center_y: rc.1,
        seal_box: SealBox { x: qbox.x0 as u32, y: qbox.y0 as u32, width: qbox.w() as u32, height: qbox.h() as u32 },
        alignment: Alignment::from_sim(&similarity),
        transform: GlobalTransform::from_proj(&sim),
        capture,
        registered_quality: quality::judge(&qm),
        quality_metrics: qm,
        features: so.features,
        blocks: BlockHeat {
            cols: grid.nx,
            rows: grid.ny,
            block_size: grid.bs,
            origin_x: grid.x0 as f64 - 0.5,
            origin_y: grid.y0 as f64 - 0.5,
            values: so.heat,
            flagged,
        },
        manual,
        questioned_quality: so.questioned,
        review_reasons,
        regions,
        printed: PrintEvidence::default(),
    })
}

/// The residual field behind a result, for calibration tools: one row per block of
/// `[cx, cy, valid, at_edge, dx, dy, ncc, iso, txx, txy, tyy, occ, r_mean, q_mean, qdx0, qdy0,
/// …, qdx3, qdy3, quad_ok]` (registered working pixels; the t's are the registered block's
/// structure tensor, the means its and the matched questioned block's ink strength, the q's the
/// quadrants' displacements about the block's match and `quad_ok` the bit mask of those solved).
/// `None` when the pair was matched on downsampled copies.
#[doc(hidden)]
pub fn residual_field(reg: &Decoded, q: &Decoded, m: &MatchResult) -> Option<Vec<[f64; 23]>> {
    let rbox = locate::locate(&reg.ink)?;
    let qbox = locate::locate(&q.ink)?;
    if m.blocks.block_size != block_size(&rbox) {
        return None;
    }
    let grid = final_grid(reg, q, &rbox, &qbox, &m.transform.to_proj());
    Some(
        grid.blocks
            .iter()
            .map(|b| {
                [
                    b.cx,
                    b.cy,
                    b.valid as u8 as f64,
                    b.at_edge as u8 as f64,
                    b.dx,
                    b.dy,
                    b.ncc,
                    b.iso,
                    b.tensor[0],
                    b.tensor[1],
                    b.tensor[2],
                    b.occ_frac,
                    b.r_mean,
                    b.q_mean,
                    b.quad[0],
                    b.quad[1],
                    b.quad[2],
                    b.quad[3],
                    b.quad[4],
                    b.quad[5],
                    b.quad[6],
                    b.quad[7],
                    b.quad_ok as f64,
                ]
            })
            .collect(),
    )
}

fn final_grid(reg: &Decoded, q: &Decoded, rbox: &locate::BoxI, qbox: &locate::BoxI, sim: &Proj) -> align::BlockGrid {
    let (rs, qs, bs) = match_planes(reg, q, rbox, qbox);
    residual_grid(&rs, &qs, bs, reg, q, rbox, sim)
}

/// The residual field the scores are read from: sub-pixel block displacements relative to the
/// final transform, with each block's quadrants matched alone (the pair's matching noise).
fn residual_grid(
    rs: &[f32],
    qs: &align::Plane,
    bs: usize,
    reg: &Decoded,
    q: &Decoded,
    rbox: &locate::BoxI,
    sim: &Proj,
) -> align::BlockGrid {
    align::match_blocks(rs, reg.ink.w, reg.ink.h, rbox, qs, &q.ink, sim, bs, 4, 3, true)
}

/// Side of the residual field's blocks: an eighth of the registered seal, 24–48 px.
fn block_size(rbox: &locate::BoxI) -> usize {
    (libm::round(rbox.w().max(rbox.h()) as f64 / 8.0) as usize).clamp(24, 48)
}

/// The matching representation of both images and the block size.
fn match_planes(
    reg: &Decoded,
    q: &Decoded,
    rbox: &locate::BoxI,
    qbox: &locate::BoxI,
) -> (Vec<f32>, align::Plane, usize) {
    let rdim = rbox.w().max(rbox.h()) as f64;
    let bs = block_size(rbox);
    // matching representation: lightly blurred ink strength (band-passing with a local-mean
    // subtraction was tried and made genuine residuals noisier)
    let rs = match_map(&reg.ink.strength, reg.ink.w, reg.ink.h, 0, 0, reg.ink.w, reg.ink.h).v;
    let qs = {
        let m = rdim.max(qbox.w().max(qbox.h()) as f64) * 0.6;
        let (cx, cy) = qbox.center();
        let x0 = (cx - m).max(0.0) as usize;
        let y0 = (cy - m).max(0.0) as usize;
        let x1 = ((cx + m).max(0.0) as usize + 1).min(q.ink.w);
        let y1 = ((cy + m).max(0.0) as usize + 1).min(q.ink.h);
        match_map(&q.ink.strength, q.ink.w, q.ink.h, x0, y0, x1, y1)
    };
    (rs, qs, bs)
}

/// Names of the fusion inputs, and their values for a feature set (for calibration tools).
pub fn fusion_inputs(f: &FeatureScores) -> Vec<f64> {
    score::fusion_inputs(f).to_vec()
}
pub fn fusion_names() -> &'static [&'static str] {
    &score::FUSION_NAMES
}
/// Fused score for given features with explicit weights (bias first); used by the eval tool.
pub fn fuse_with(f: &FeatureScores, w: &[f64]) -> f64 {
    let mut arr = [0.0; score::NF + 1];
    for (k, v) in w.iter().take(score::NF + 1).enumerate() {
        arr[k] = *v;
    }
    score::fuse(f, &arr)
}
pub fn shipped_fusion_weights() -> Vec<f64> {
    score::FUSION_W.to_vec()
}

#[cfg(test)]
mod tests;
