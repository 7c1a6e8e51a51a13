//! The capture correction: what of the global map is not a similarity. Scanners stretch the
//! feed direction and shear; cameras add perspective. The matcher fits it (affine or
//! projective) before judging local residuals, and reports it so the clerk sees what was
//! corrected (掃描變形：縱向 +0.8 %).

use super::geom::Proj;
use serde::{Deserialize, Serialize};

/// The global model the correction was fitted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CaptureModel {
    /// Rotation, scale and translation only (a flatbed scan; also any manual alignment's start).
    #[default]
    Similarity,
    /// Plus a stretch of one axis against the other and a shear (sheet-fed scanners).
    Affine,
    /// Plus perspective (a camera or document camera).
    Projective,
}

/// The fitted capture distortion of the questioned scan relative to the registered impression,
/// in the questioned image's own axes (x right, y down), at the registered seal's centre: the
/// map's Jacobian is `D · s · R(rotation)`, with `s R` its closest similarity (the reported
/// rotation and scale) and `D` symmetric. A sheet-fed scanner that stretches its feed direction
/// (the page's vertical) shows as `vertical_stretch_pct > 0`; one that stretches across the
/// feed as `< 0`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct CaptureCorrection {
    pub model: CaptureModel,
    /// How much longer the questioned scan's vertical axis is than its horizontal one, percent
    /// (`+0.8` = 縱向 +0.8 %; `-0.8` = the horizontal axis is 0.8 % longer, 橫向 +0.8 %).
    pub vertical_stretch_pct: f64,
    /// Shear: how far a right angle of the page is from square, percent of a radian (a skewed
    /// sensor or feed).
    pub shear_pct: f64,
    /// Perspective: how much the linear scale differs from one side of the seal to the
    /// opposite side, percent of the mean (0 for a scanner).
    pub keystone_pct: f64,
    /// Direction, in the questioned image (degrees, 0 = right, 90 = down), towards which the
    /// seal appears larger under the perspective.
    pub keystone_direction_deg: f64,
}

/// Corrections smaller than these are not worth a clerk's attention (the fit's own noise on a
/// flatbed scan stays well below them).
pub const NOTABLE_STRETCH_PCT: f64 = 0.3;
pub const NOTABLE_SHEAR_PCT: f64 = 0.3;
pub const NOTABLE_KEYSTONE_PCT: f64 = 0.6;

impl CaptureCorrection {
    /// Whether the correction is large enough to show (掃描變形).
    pub fn notable(&self) -> bool {
        self.vertical_stretch_pct.abs() >= NOTABLE_STRETCH_PCT
            || self.shear_pct.abs() >= NOTABLE_SHEAR_PCT
            || self.keystone_pct >= NOTABLE_KEYSTONE_PCT
    }

    /// The record's line, in zh-TW (e.g. `掃描變形：縱向 +0.8 %`), when [`Self::notable`].
    pub fn summary_zh(&self) -> Option<String> {
        if !self.notable() {
            return None;
        }
        let mut parts = Vec::new();
        let v = self.vertical_stretch_pct;
        if v.abs() >= NOTABLE_STRETCH_PCT {
            parts.push(if v > 0.0 { format!("縱向 +{:.1} %", v) } else { format!("橫向 +{:.1} %", -v) });
        }
        if self.shear_pct.abs() >= NOTABLE_SHEAR_PCT {
            parts.push(format!("傾斜 {:.1} %", self.shear_pct.abs()));
        }
        if self.keystone_pct >= NOTABLE_KEYSTONE_PCT {
            parts.push(format!("透視 {:.1} %", self.keystone_pct));
        }
        let what = if self.keystone_pct >= NOTABLE_KEYSTONE_PCT { "拍攝變形" } else { "掃描變形" };
        Some(format!("{what}：{}", parts.join("，")))
    }
}

/// Split a map's Jacobian at a point into rotation (degrees), scale, vertical stretch and shear
/// (fractions). Rotation and scale are the Jacobian's conformal part (the closest similarity,
/// as a similarity fit reports them); what is left, `D = J / (s R(θ))`, is symmetric in the
/// questioned frame: `v = D22 / D11 - 1` (the vertical axis against the horizontal one) and
/// the shear `k = 2 D12` (the change of a right angle, in radians).
pub(crate) fn decompose(j: [f64; 4]) -> (f64, f64, f64, f64) {
    let a = 0.5 * (j[0] + j[3]);
    let b = 0.5 * (j[1] - j[2]);
    let s = (a * a + b * b).sqrt().max(1e-12);
    let th = libm::atan2(b, a);
    // D = J R(θ)^-1 / s, R(θ)^-1 = [[c, -sn], [sn, c]]
    let (c, sn) = (a / s, b / s);
    let d = [
        (j[0] * c + j[1] * sn) / s,
        (-j[0] * sn + j[1] * c) / s,
        (j[2] * c + j[3] * sn) / s,
        (-j[2] * sn + j[3] * c) / s,
    ];
    let v = d[3] / d[0].max(1e-9) - 1.0;
    let k = d[1] + d[2];
    (super::geom::normalize_deg(th.to_degrees()), s, v, k)
}

/// The correction a fitted map carries, evaluated over the registered seal (centre `c`,
/// radius `r`, registered pixels).
pub(crate) fn correction(h: &Proj, model: CaptureModel, c: (f64, f64), r: f64) -> CaptureCorrection {
    let (_, _, v, k) = decompose(h.jacobian(c.0, c.1));
    let (mut keystone, mut dir) = (0.0, 0.0);
    if !h.is_affine() {
        // linear scale on a ring around the centre: the largest relative difference between
        // opposite points
        let s0 = h.scale_at(c.0, c.1).max(1e-9);
        for i in 0..8 {
            let t = core::f64::consts::PI * i as f64 / 8.0;
            let (dx, dy) = (r * libm::cos(t), r * libm::sin(t));
            let a = h.scale_at(c.0 + dx, c.1 + dy);
            let b = h.scale_at(c.0 - dx, c.1 - dy);
            let d = (a - b) / s0;
            if d.abs() > keystone {
                keystone = d.abs();
                // direction in the questioned image from the smaller side to the larger
                let (pa, pb) = (h.apply(c.0 + dx, c.1 + dy), h.apply(c.0 - dx, c.1 - dy));
                let (ux, uy) = if d > 0.0 { (pa.0 - pb.0, pa.1 - pb.1) } else { (pb.0 - pa.0, pb.1 - pa.1) };
                dir = libm::atan2(uy, ux).to_degrees();
            }
        }
    }
    CaptureCorrection {
        model,
        vertical_stretch_pct: 100.0 * v,
        shear_pct: 100.0 * k,
        keystone_pct: 100.0 * keystone,
        keystone_direction_deg: dir,
    }
}

/// Physical bounds of a capture distortion: a fit beyond them is not a scanner or a camera but
/// a failed fit (or a different seal), and the simpler model is kept.
pub(crate) fn plausible(c: &CaptureCorrection) -> bool {
    c.vertical_stretch_pct.abs() <= 8.0 && c.shear_pct.abs() <= 6.0 && c.keystone_pct <= 15.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposes_stretch_shear_and_rotation() {
        // J = D s R with a symmetric D: v = 0.012, k = -0.007, s = 0.98, θ = 23°
        let (v, k, s, th) = (0.012f64, -0.007f64, 0.98f64, 23.0f64);
        let (c, sn) = (th.to_radians().cos(), th.to_radians().sin());
        let r = [c, sn, -sn, c];
        let d = [1.0, 0.5 * k, 0.5 * k, 1.0 + v];
        let j = [
            s * (d[0] * r[0] + d[1] * r[2]),
            s * (d[0] * r[1] + d[1] * r[3]),
            s * (d[2] * r[0] + d[3] * r[2]),
            s * (d[2] * r[1] + d[3] * r[3]),
        ];
        let (t2, s2, v2, k2) = decompose(j);
        // the conformal part of D (1 + v/2) goes to the scale
        assert!((t2 - th).abs() < 1e-9 && (s2 / s - (1.0 + 0.5 * v)).abs() < 1e-12, "{t2} {s2}");
        assert!((v2 - v).abs() < 1e-9 && (k2 - k / (1.0 + 0.5 * v)).abs() < 1e-12, "{v2} {k2}");
        let cc = CaptureCorrection { vertical_stretch_pct: 0.84, ..Default::default() };
        assert_eq!(cc.summary_zh().as_deref(), Some("掃描變形：縱向 +0.8 %"));
        assert_eq!(CaptureCorrection::default().summary_zh(), None);
    }
}
