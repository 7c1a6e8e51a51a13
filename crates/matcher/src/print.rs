//! Printed copies (疑似列印複製): a scan of a genuine impression printed onto the form in colour
//! carries the genuine seal's own outline, so geometry cannot see it. What a print leaves in the
//! ink and geometry does not look at:
//!
//! * **halftone energy**: a colour laser builds the red from magenta and yellow dots on periodic
//!   screens (141–212 lpi); in the scan of the form they leave peaks in the ink's spectrum
//!   (aliased at 300 dpi, resolved at 400 dpi, washed out by the optics at 200 dpi), and a
//!   clustered-dot screen leaves them in pairs 90° apart, in the green plane (magenta) and the
//!   blue plane (yellow) each: the screen lattice;
//! * **colour texture**: the red of a print is two colorants laid independently (dots, error
//!   diffusion, toner grain), so the ink's pixel-scale fluctuations leave the single line on
//!   which one paste's pixels lie (paper to ink); a stamped paste varies along that line only,
//!   so its fluctuation across the line is the scan's own noise, measured on the paper beside;
//! * **mixing bow**: the colours of a stamped stroke's edge are mixtures of paper and paste in
//!   the light the scanner integrates, on the straight paper-to-ink line of chromaticity in that
//!   light; the file holds the light through the scanner's tone curve (none to sRGB), so the
//!   edge lies on the line in one reading of the file and bows in the other; a printed edge
//!   mixes paper with magenta, yellow and their overlap, and bows off the line in both.
//!
//! The paste's fine texture inside the strokes, correlated with the registered scan's (a copy
//! of the registered scan reproduces it), was tried in #37's second pass and dropped: it found
//! few copies, and a real seal's face texture repeats in every genuine impression.
//!
//! The registered scan's own voids and specks are no trace of a copy: the carving's chips and
//! worn spots are shared by every stamping, and a registered impression carries only about 1 %
//! voids of its own, so "too identical" cannot tell a copy of the registered scan from a good
//! re-stamping (it cost genuine verdicts and is not measured).
//!
//! All are measured on the questioned scan at its own resolution (never on the matcher's
//! downsampled working copies) and are normalised by the scan's own noise where they can be, so
//! they do not move with the ink's colour, the paper, the scanner or the seal's size.

use super::decode::Decoded;
use super::fft;
use super::geom::Proj;
use super::ink::{CLEAR, FAINT, OCCLUDED};
use super::locate::BoxI;
use serde::{Deserialize, Serialize};

/// What the printed-copy check saw (all dimensionless; larger = more like a print).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct PrintEvidence {
    /// Whether the check ran: only where it can change the verdict or its reasons (a pair the
    /// geometry calls 相符 or 待人工判斷); for a 不符 pair everything below is zero.
    #[serde(default)]
    pub measured: bool,
    /// The strongest isolated peak of the ink's green + blue spectrum over its surroundings
    /// (3 x 3 bins over the median of the high-frequency annulus, the JPEG block grid left
    /// out): a halftone screen's trace. Since #37's second pass the spectrum is taken in one
    /// window as large as the seal allows (up to 256 px, where the stroke insides are most; it
    /// was a central window of at most 128 px), so values are not comparable with records
    /// made before. Scan noise alone gives about 5–15.
    pub halftone_peak: f64,
    /// Pixel-scale colour fluctuation of the ink across the paper-to-ink line, over the same
    /// measured on the paper: 1 for a paste (the scan's noise), more for two colorants printed
    /// independently.
    pub colour_texture: f64,
    /// How far the colours of the strokes' edges bow away from the straight paper-to-ink line
    /// (mean signed distance in light-independent chromaticity, in hundredths of the line's
    /// length, of 2 x 2 blocks on JPEG's chroma grid; the weakest of the seal's four quadrants,
    /// and 0 unless all bow the same way: a local cast, smear or block of JPEG artefacts bows
    /// one part only), the way a print's edge bows (positive) in both readings of the scan: the
    /// smaller of `mixing_bow_file` and `mixing_bow_light`. A stamped paste's partly inked
    /// pixels mix two colours, paper and paste, in the light the scanner integrates, and the
    /// file holds that light through a tone curve between none and an sRGB-like one, so a
    /// paste's edge lies on the line in one reading and bows in the other (either way); a
    /// print's edge is a halftone of two colorants (magenta and yellow dots, partly
    /// overlapping) whose mixtures leave the line in both. (Before #37's second pass this was
    /// the file reading alone, which a scanner's tone curve bows as much as a print.) Genuine
    /// edges reach about 0.34.
    pub mixing_bow: f64,
    /// Edge sharpness of the questioned ink: the steepest share of its edge profile (the
    /// median gradient across ink edges over the ink's contrast, per pixel). Reported, not judged.
    pub edge_sharpness: f64,
    /// The questioned scan's resolution relative to the registered one (the map's scale): a
    /// low-resolution scan cannot show halftone dots.
    pub scale: f64,
    /// True when any measure is beyond what genuine captures reach: the pair is never 相符 and
    /// is left for review as 疑似列印複製 (unless it is 不符 anyway).
    pub suspected: bool,
    /// The strongest halftone screen lattice in the green plane (magenta's screen) or the blue
    /// plane (yellow's) alone: a clustered-dot screen repeats along two perpendicular
    /// directions, so its spectrum holds a peak at k and another at k turned by 90°, and the
    /// pair survives aliasing. The weaker peak of the strongest pair (3 x 3 bins) over the
    /// median of its ring of frequencies, the JPEG block grid, the scan's axes and a cone of 6°
    /// about the seal's own axes left out (the edges of its horizontal and vertical strokes
    /// make ridges of energy 90° apart, a lattice of their own); the same
    /// window as `halftone_peak`. Scan noise and paste grain alone give about 3–10; 0 where
    /// the strokes have too few insides to measure. (#37, second pass.)
    #[serde(default)]
    pub screen_lattice: f64,
    /// The edge bow read from the file's values as they are (what `mixing_bow` measured before
    /// #37's second pass), signed. A scanner's tone curve bows a paste's edges this way by up
    /// to ±2 (our generator's sRGB-like captures). (#37, second pass.)
    #[serde(default)]
    pub mixing_bow_file: f64,
    /// The edge bow read as linear light (the file's values through an sRGB-like curve undone,
    /// exponent 2.2), signed. A paste's edges mixed in the file's values (a capture without a
    /// tone curve) bow this way by up to 1.5. (#37, second pass.)
    #[serde(default)]
    pub mixing_bow_light: f64,
}

/// The half-width of the cone about the seal's own axes where no screen lattice is looked for
/// (radians, 6°: the registered impression's own tilt of up to 2°, and the ridges' width).
const SEAL_AXIS_CONE: f64 = 6.0 * core::f64::consts::PI / 180.0;

/// The largest spectral window (px): a 400 dpi seal fills 256 x 256.
const MAX_WINDOW: usize = 256;

/// A print is suspected beyond these. Each lies about 25 % beyond the largest value of the
/// 860 genuine pairs of the calibration of #37's second pass: the dev set's 100, whose
/// generator is not ours; 500 of our generator on four Noto CJK fonts, seeds 5101–5103 and
/// 5201–5208 (flat, scanner and camera captures, harsh, every impression slipped, questioned
/// scans at 200, 300 and 400 dpi, a scanner tone curve and a Beer–Lambert paste film); and 260
/// of the first pass's generator (no tone curve), seeds 5301–5303, 5401 and 5402. Largest
/// genuine values: halftone peak 230.9 (a camera capture), screen lattice 18.7 (a 300 dpi
/// sheet-fed scan; 27.8 before the cone about the seal's axes was left out), colour texture
/// 37.6 (the dev set's paste) and mixing bow 0.34 (read as light alone genuine edges reach 1.5
/// where a capture has no tone curve, read as the file's values 2.1 where it has one: the
/// first pass judged that reading, at 0.8, and flagged tone-curved genuine scans).
pub const MAX_GENUINE_HALFTONE: f64 = 290.0;
pub const MAX_GENUINE_SCREEN_LATTICE: f64 = 23.5;
pub const MAX_GENUINE_COLOUR_TEXTURE: f64 = 47.0;
pub const MAX_GENUINE_MIXING_BOW: f64 = 0.43;

/// Measure a questioned impression for the traces of a print. `t` maps registered pixels to
/// questioned ones (full resolution of both).
pub fn detect(reg: &Decoded, rbox: &BoxI, q: &Decoded, qbox: &BoxI, t: &Proj) -> PrintEvidence {
    let rc = rbox.center();
    let scale = t.scale_at(rc.0, rc.1);
    let sane = |d: &Decoded, b: &BoxI| {
        d.width >= 16
            && d.height >= 16
            && d.ink.w == d.width
            && d.ink.h == d.height
            && d.rgb.len() >= d.width * d.height * 3
            && d.ink.class.len() >= d.width * d.height
            && d.ink.strength.len() >= d.width * d.height
            && b.x1 < d.width
            && b.y1 < d.height
    };
    if !sane(q, qbox) || !sane(reg, rbox) || !t.is_finite() {
        return PrintEvidence { scale, ..PrintEvidence::default() };
    }
    let interior = interior_mask(q, qbox);
    // the seal's own axes in the questioned scan (the registered impression lies upright
    // within a few degrees): where the registered x axis goes
    let j = t.jacobian(rc.0, rc.1);
    let axis = libm::atan2(j[2], j[0]);
    let (halftone_peak, screen_lattice) = halftone(q, qbox, &interior, axis);
    let colour_texture = colour_texture(q, qbox, &interior);
    let edge_sharpness = edge_sharpness(q, qbox);
    // a paste's edge is a linear mixture of paper and paste in the light the scanner integrated,
    // written through a tone curve between none (the file's values are the light) and an
    // sRGB-like one: it bows the print's way in one reading at most. A print's edge bows so in
    // both.
    let (mixing_bow_file, mixing_bow_light) = mixing_bow(q, qbox, &interior);
    let mixing_bow = mixing_bow_file.min(mixing_bow_light);
    let suspected = halftone_peak > MAX_GENUINE_HALFTONE
        || screen_lattice > MAX_GENUINE_SCREEN_LATTICE
        || colour_texture > MAX_GENUINE_COLOUR_TEXTURE
        || mixing_bow > MAX_GENUINE_MIXING_BOW;
    PrintEvidence {
        measured: true,
        halftone_peak,
        colour_texture,
        mixing_bow,
        edge_sharpness,
        scale,
        suspected,
        screen_lattice,
        mixing_bow_file,
        mixing_bow_light,
    }
}

/// Clear ink pixels of the box at least `r` pixels inside a stroke: every pixel of the
/// (2r + 1)² window around them is clear ink (so neither an edge nor the colour that JPEG's
/// halved chroma smears from an edge reaches their 3 x 3 neighbourhood).
fn interior_mask(q: &Decoded, b: &BoxI) -> Vec<bool> {
    let c = &q.ink.class;
    inside(q.ink.w, q.ink.h, b, 2, |i| c[i] == CLEAR || c[i] == FAINT)
}

fn inside(w: usize, h: usize, b: &BoxI, r: usize, ok: impl Fn(usize) -> bool) -> Vec<bool> {
    let (bw, bh) = (b.w(), b.h());
    // a separable erosion in one byte per pixel of the box grown by r (outside the image: not
    // ok): runs of ok pixels counted along rows, then runs of full row windows down columns
    // (capped: a window is at most 2r + 1 long). A quarter of an integral image's memory: the
    // check's transient buffers are what it costs in page faults.
    let (gw, gh) = (bw + 2 * r, bh + 2 * r);
    let n = (2 * r + 1).min(255) as u8;
    let mut run = vec![0u8; gw * gh];
    for y in 0..gh {
        let gy = (b.y0 + y) as i64 - r as i64;
        let row = &mut run[y * gw..(y + 1) * gw];
        let mut c = 0u8;
        for x in (0..gw).rev() {
            let gx = (b.x0 + x) as i64 - r as i64;
            let v = gx >= 0 && gy >= 0 && (gx as usize) < w && (gy as usize) < h && ok(gy as usize * w + gx as usize);
            c = if v { c.saturating_add(1).min(n) } else { 0 };
            // 1 when the row window [x, x + 2r] is all ok
            row[x] = (c >= n) as u8;
        }
    }
    for x in 0..gw {
        let mut c = 0u8;
        for y in (0..gh).rev() {
            let i = y * gw + x;
            c = if run[i] == 1 { c.saturating_add(1).min(n) } else { 0 };
            run[i] = c;
        }
    }
    let mut m = vec![false; bw * bh];
    for y in 0..bh {
        for x in 0..bw {
            // window [x, x + 2r] x [y, y + 2r] of the grown grid
            m[y * bw + x] = run[y * gw + x] >= n;
        }
    }
    m
}

/// Pixel value minus the mean of its 3 x 3 neighbourhood (one channel).
#[inline]
fn hp(rgb: &[u8], w: usize, x: usize, y: usize, ch: usize) -> f64 {
    let mut s = 0.0;
    for dy in 0..3 {
        for dx in 0..3 {
            s += rgb[((y + dy - 1) * w + x + dx - 1) * 3 + ch] as f64;
        }
    }
    rgb[(y * w + x) * 3 + ch] as f64 - s / 9.0
}

/// The halftone measures of the ink's insides: the strongest isolated peak of the green +
/// blue spectrum (`halftone_peak`) and the strongest screen lattice of the green or the blue
/// plane alone (`screen_lattice`), in one window of the seal. The green
/// and blue planes of a tile are transformed at once (green as the real part, blue as the
/// imaginary part of one complex FFT; a real signal's spectrum is Hermitian, so the two
/// separate again).
fn halftone(q: &Decoded, b: &BoxI, interior: &[bool], axis: f64) -> (f64, f64) {
    let (bw, bh) = (b.w(), b.h());
    if bw.min(bh) < 32 {
        return (0.0, 0.0);
    }
    // one window, as large as the seal allows (a screen's peak grows with the inked area it
    // covers, the noise's does not), placed where the stroke insides are most; a smaller one
    // where thin strokes leave too few insides in the large one
    let mut n0 = 32usize;
    while n0 * 2 <= bw.min(bh) && n0 < MAX_WINDOW {
        n0 *= 2;
    }
    let w = q.width;
    let mut n = n0;
    let mut tiles: Vec<(usize, usize, usize)> = Vec::new();
    while tiles.is_empty() && n >= 32 {
        let count = |tx: usize, ty: usize| -> usize {
            (ty..ty + n).map(|y| interior[y * bw + tx..y * bw + tx + n].iter().filter(|&&v| v).count()).sum()
        };
        for ty in [0, (bh - n) / 2, bh - n] {
            for tx in [0, (bw - n) / 2, bw - n] {
                let c = count(tx, ty);
                if c * 12 >= n * n && tiles.first().is_none_or(|t| c > t.0) {
                    tiles = vec![(c, tx, ty)];
                }
            }
        }
        if tiles.is_empty() {
            n /= 2;
        }
    }
    if tiles.is_empty() {
        return (0.0, 0.0);
    }
    let hann: Vec<f64> =
        (0..n).map(|k| 0.5 - 0.5 * libm::cos(2.0 * core::f64::consts::PI * (k as f64 + 0.5) / n as f64)).collect();
    // the green (G), blue (B) and green + blue (S) powers, summed over the tiles
    let mut pg = vec![0.0f64; n * n];
    let mut pb = vec![0.0f64; n * n];
    let mut ps = vec![0.0f64; n * n];
    let mut re = vec![0.0f64; n * n];
    let mut im = vec![0.0f64; n * n];
    for &(_, tx, ty) in tiles.iter() {
        let (ox, oy) = (b.x0 + tx, b.y0 + ty);
        for y in 0..n {
            for x in 0..n {
                let i = y * n + x;
                if interior[(ty + y) * bw + tx + x] {
                    let (gx, gy) = (ox + x, oy + y);
                    let wgt = hann[x] * hann[y];
                    re[i] = hp(&q.rgb, w, gx, gy, 1) * wgt;
                    im[i] = hp(&q.rgb, w, gx, gy, 2) * wgt;
                } else {
                    re[i] = 0.0;
                    im[i] = 0.0;
                }
            }
        }
        fft::fft2d(n, n, &mut re, &mut im, false);
        for ky in 0..n {
            for kx in 0..n {
                let i = ky * n + kx;
                let j = ((n - ky) % n) * n + (n - kx) % n;
                let (gr, gi) = (0.5 * (re[i] + re[j]), 0.5 * (im[i] - im[j]));
                let (br, bi) = (0.5 * (im[i] + im[j]), -0.5 * (re[i] - re[j]));
                pg[i] += gr * gr + gi * gi;
                pb[i] += br * br + bi * bi;
                ps[i] += (gr + br) * (gr + br) + (gi + bi) * (gi + bi);
            }
        }
    }
    // frequencies in cycles per pixel, signed
    let f = |k: usize| if k <= n / 2 { k as f64 / n as f64 } else { k as f64 / n as f64 - 1.0 };
    let grid = n / 8;
    let near_grid = |k: usize| {
        let r = k % grid;
        r <= 1 || r + 1 >= grid
    };
    let box3 = |p: &[f64], kx: usize, ky: usize| -> f64 {
        let mut s = 0.0;
        for dy in [n - 1, 0, 1] {
            for dx in [n - 1, 0, 1] {
                s += p[((ky + dy) % n) * n + (kx + dx) % n];
            }
        }
        s
    };
    let mut sums = Vec::new();
    let mut best = 0.0f64;
    for ky in 0..n {
        for kx in 0..=n / 2 {
            let (fx, fy) = (f(kx), f(ky));
            let r = libm::sqrt(fx * fx + fy * fy);
            if !(0.15..=0.5).contains(&r) || near_grid(kx) || near_grid(ky) {
                continue;
            }
            let s = box3(&ps, kx, ky);
            sums.push(s);
            best = best.max(s);
        }
    }
    if sums.len() < 16 {
        return (0.0, 0.0);
    }
    let k = sums.len() / 2;
    let med = *sums.select_nth_unstable_by(k, |a, b| a.total_cmp(b)).1;
    let halftone_peak = if med <= 0.0 { 0.0 } else { best / med };
    (halftone_peak, screen_lattice(n, &pg, &pb, axis, &near_grid, &box3))
}

/// A clustered-dot screen is a lattice: its dots repeat along two perpendicular directions with
/// the same period, so its spectrum has a peak at k and another at k turned by 90°, and the
/// pair survives aliasing (the sampling grid's aliases turn with it). Per plane (green:
/// magenta's screen, blue: yellow's), the strongest pair's weaker peak (3 x 3 bins, the partner
/// found within one bin) over the median of its ring of frequencies (the scan's noise and JPEG
/// fall with frequency); the JPEG block grid and the axes (a scanner's own resampling patterns
/// repeat along its rows and columns) are left out. A paste's grain has no such pairs.
fn screen_lattice(
    n: usize,
    pg: &[f64],
    pb: &[f64],
    axis: f64,
    near_grid: &dyn Fn(usize) -> bool,
    box3: &dyn Fn(&[f64], usize, usize) -> f64,
) -> f64 {
    let f = |k: usize| if k <= n / 2 { k as f64 / n as f64 } else { k as f64 / n as f64 - 1.0 };
    // the partner within one bin of a 128 window (a scanner's stretch of 2 % moves it that far)
    let tol = (n / 128).max(1);
    const RINGS: usize = 12;
    let (r0, r1) = (0.12f64, 0.62f64);
    let ring = |r: f64| (((r - r0) / (r1 - r0)) * RINGS as f64) as usize;
    let mut best = 0.0f64;
    for p in [pg, pb] {
        let mut s = vec![0.0f64; n * n];
        let mut rings: Vec<Vec<f64>> = vec![Vec::new(); RINGS];
        for ky in 0..n {
            for kx in 0..n {
                let (fx, fy) = (f(kx), f(ky));
                let r = libm::sqrt(fx * fx + fy * fy);
                if !(r0..r1).contains(&r) || near_grid(kx) || near_grid(ky) {
                    continue;
                }
                let v = box3(p, kx, ky);
                s[ky * n + kx] = v;
                rings[ring(r).min(RINGS - 1)].push(v);
            }
        }
        let med: Vec<f64> = rings
            .iter_mut()
            .map(|v| {
                if v.len() < 16 {
                    return 0.0;
                }
                let k = v.len() / 2;
                *v.select_nth_unstable_by(k, |a, b| a.total_cmp(b)).1
            })
            .collect();
        let norm = |kx: usize, ky: usize| -> f64 {
            let (fx, fy) = (f(kx), f(ky));
            let r = libm::sqrt(fx * fx + fy * fy);
            if !(r0..r1).contains(&r) {
                return 0.0;
            }
            let m = med[ring(r).min(RINGS - 1)];
            if m > 0.0 {
                s[ky * n + kx] / m
            } else {
                0.0
            }
        };
        for ky in 0..n {
            for kx in 0..=n / 2 {
                // off the scan's axes, and off the seal's own (its strokes run along them, and
                // the edges of its horizontal and vertical strokes make ridges of energy 90°
                // apart, a lattice of their own)
                let (ax, ay) = (kx.min(n - kx), ky.min(n - ky));
                if ax <= 2 + tol || ay <= 2 + tol || s[ky * n + kx] == 0.0 {
                    continue;
                }
                let (fx, fy) = (f(kx), f(ky));
                let quarter = core::f64::consts::FRAC_PI_2;
                let d = (libm::atan2(fy, fx) - axis).rem_euclid(quarter);
                let d = d.min(quarter - d);
                let r = libm::sqrt(fx * fx + fy * fy);
                if d < SEAL_AXIS_CONE || r * n as f64 * libm::sin(d) <= (2 + tol) as f64 {
                    continue;
                }
                let a = norm(kx, ky);
                if a <= best {
                    continue;
                }
                // the partner: (kx, ky) turned by 90° is (-ky, kx)
                let (px, py) = ((n - ky) % n, kx);
                let mut partner = 0.0f64;
                for dy in 0..=2 * tol {
                    for dx in 0..=2 * tol {
                        partner = partner.max(norm((px + n + dx - tol) % n, (py + n + dy - tol) % n));
                    }
                }
                best = best.max(a.min(partner));
            }
        }
    }
    best
}

fn colour_texture(q: &Decoded, b: &BoxI, interior: &[bool]) -> f64 {
    let (w, h) = (q.width, q.height);
    // the ink's insides, and the paper just outside the strokes at the same distance from an
    // edge (at least 3 px, at most 12): JPEG's ringing about an edge, its halved chroma and the
    // optics' blur reach both alike, so their ratio is the ink's own texture
    let m = 16usize;
    let gb = BoxI {
        x0: b.x0.saturating_sub(m).max(1),
        y0: b.y0.saturating_sub(m).max(1),
        x1: (b.x1 + m).min(w.saturating_sub(2)),
        y1: (b.y1 + m).min(h.saturating_sub(2)),
    };
    let gw = gb.w();
    let strength = &q.ink.strength;
    let bg = |i: usize| q.ink.class[i] == 0 && strength[i] == 0.0;
    let clean = inside(w, h, &gb, 3, bg);
    let far = inside(w, h, &gb, 12, bg);
    let bw = b.w();
    let mut ink_px: Vec<[u8; 3]> = Vec::new();
    let mut paper_px: Vec<(usize, usize)> = Vec::new();
    for y in gb.y0..=gb.y1 {
        for x in gb.x0..=gb.x1 {
            let inb = x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1;
            if inb && interior[(y - b.y0) * bw + x - b.x0] {
                let i = (y * w + x) * 3;
                ink_px.push([q.rgb[i], q.rgb[i + 1], q.rgb[i + 2]]);
                continue;
            }
            let k = (y - gb.y0) * gw + x - gb.x0;
            if clean[k] && !far[k] {
                paper_px.push((x, y));
            }
        }
    }
    if ink_px.len() < 100 || paper_px.len() < 100 {
        return 0.0;
    }
    // medians of 8-bit values by histogram (the same value as sorting, in one pass)
    let median_u8 = |n: usize, mut hist: [u32; 256]| -> f64 {
        let k = (n / 2) as u32;
        let mut seen = 0u32;
        for (v, c) in hist.iter_mut().enumerate() {
            seen += *c;
            if seen > k {
                return v as f64;
            }
        }
        255.0
    };
    let mut ink = [0.0; 3];
    let mut paper = [0.0; 3];
    for ch in 0..3 {
        let mut hist = [0u32; 256];
        for p in ink_px.iter() {
            hist[p[ch] as usize] += 1;
        }
        ink[ch] = median_u8(ink_px.len(), hist);
        let mut hist = [0u32; 256];
        for &(x, y) in paper_px.iter() {
            hist[q.rgb[(y * w + x) * 3 + ch] as usize] += 1;
        }
        paper[ch] = median_u8(paper_px.len(), hist);
    }
    // the mixing line's direction (paper to ink)
    let mut a = [paper[0] - ink[0], paper[1] - ink[1], paper[2] - ink[2]];
    let an = libm::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    if an < 20.0 {
        return 0.0;
    }
    for v in a.iter_mut() {
        *v /= an;
    }
    // fluctuation across the line, at the resolution of JPEG's chroma (2 x 2 blocks on the
    // even grid: a texture on the mixing line stays on it when averaged, while halved chroma
    // next to full-resolution luma would throw it off), about the 3 x 3 blocks around
    // 2 x 2 block means over the grown box (even grid)
    let (bx0, by0) = (gb.x0 & !1, gb.y0 & !1);
    let (nbx, nby) = ((gb.x1 + 2 - bx0) / 2, (gb.y1 + 2 - by0) / 2);
    let mut blocks = vec![[0.0f64; 3]; nbx * nby];
    for j in 0..nby {
        for k in 0..nbx {
            let (x, y) = (bx0 + 2 * k, by0 + 2 * j);
            if x + 1 >= w || y + 1 >= h {
                continue;
            }
            let mut s = [0.0f64; 3];
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let i = ((y + dy) * w + x + dx) * 3;
                for (ch, v) in s.iter_mut().enumerate() {
                    *v += q.rgb[i + ch] as f64;
                }
            }
            blocks[j * nbx + k] = [0.25 * s[0], 0.25 * s[1], 0.25 * s[2]];
        }
    }
    let blk = |x: usize, y: usize, ch: usize| -> f64 {
        let (k, j) = ((x - bx0) / 2, (y - by0) / 2);
        if k < nbx && j < nby {
            blocks[j * nbx + k][ch]
        } else {
            0.0
        }
    };
    let perp = |x: usize, y: usize| -> Option<f64> {
        let (bx, by) = (x & !1, y & !1);
        if bx < bx0 + 2
            || by < by0 + 2
            || bx + 4 > w
            || by + 4 > h
            || (bx - bx0) / 2 + 1 >= nbx
            || (by - by0) / 2 + 1 >= nby
        {
            return None;
        }
        let mut r = [0.0f64; 3];
        for (ch, v) in r.iter_mut().enumerate() {
            let mut around = 0.0;
            for dy in [0usize, 2, 4] {
                for dx in [0usize, 2, 4] {
                    around += blk(bx + dx - 2, by + dy - 2, ch);
                }
            }
            *v = blk(bx, by, ch) - around / 9.0;
        }
        let d = r[0] * a[0] + r[1] * a[1] + r[2] * a[2];
        let p = [r[0] - d * a[0], r[1] - d * a[1], r[2] - d * a[2]];
        Some(p[0] * p[0] + p[1] * p[1] + p[2] * p[2])
    };
    // one sample per 2 x 2 block whose 3 x 3 blocks around are all insides (or all paper)
    let bw = b.w();
    let ink_ok = |x: usize, y: usize| -> bool {
        x >= b.x0 && y >= b.y0 && x <= b.x1 && y <= b.y1 && interior[(y - b.y0) * bw + x - b.x0]
    };
    let mut ink_e = 0.0;
    let mut n_ink = 0.0;
    for y in ((b.y0 + 3) & !1..b.y1.saturating_sub(3)).step_by(2) {
        for x in ((b.x0 + 3) & !1..b.x1.saturating_sub(3)).step_by(2) {
            if ink_ok(x - 2, y - 2)
                && ink_ok(x + 3, y + 3)
                && ink_ok(x - 2, y + 3)
                && ink_ok(x + 3, y - 2)
                && ink_ok(x, y)
            {
                if let Some(e) = perp(x, y) {
                    ink_e += e;
                    n_ink += 1.0;
                }
            }
        }
    }
    let mut pap_e = 0.0;
    let mut n_pap = 0.0;
    for &(x, y) in paper_px.iter() {
        if x % 2 == 0 && y % 2 == 0 {
            if let Some(e) = perp(x, y) {
                pap_e += e;
                n_pap += 1.0;
            }
        }
    }
    if n_ink < 20.0 || n_pap < 20.0 {
        return 0.0;
    }
    let pap = pap_e / n_pap;
    // a floor for very clean (synthetic, lossless) scans: a tenth of a grey level
    (ink_e / n_ink) / pap.max(0.01)
}

/// Chromaticity (r, g) = (R, G) / (R + G + B) of the values read through `lut` (the file's
/// values, or the light they stand for): independent of the light's strength, and lines of RGB
/// stay lines.
#[inline]
fn chroma(lut: &[f64; 256], p: &[u8]) -> (f64, f64) {
    let (r, g, b) = (lut[p[0] as usize], lut[p[1] as usize], lut[p[2] as usize]);
    let s = (r + g + b).max(1e-9);
    (r / s, g / s)
}

/// The file's values as they are, and as the light an sRGB-like tone curve (exponent 2.2)
/// encoded.
fn luts() -> [[f64; 256]; 2] {
    let mut file = [0.0f64; 256];
    let mut light = [0.0f64; 256];
    for (v, (a, b)) in file.iter_mut().zip(light.iter_mut()).enumerate() {
        let v = v as f64;
        *a = v;
        *b = 255.0 * libm::pow(v / 255.0, 2.2);
    }
    [file, light]
}

/// The bow of the strokes' edge colours off the paper-to-ink line, read as the file's values
/// (`.0`) and as linear light (`.1`, an sRGB-like tone curve undone).
fn mixing_bow(q: &Decoded, b: &BoxI, interior: &[bool]) -> (f64, f64) {
    let lut = luts();
    let (w, h) = (q.width, q.height);
    let bw = b.w();
    // the ink: the insides' median chromaticity (or, on thin strokes, of the strongest ink)
    // (every other pixel each way: plenty for a median)
    let mut ink_px: Vec<usize> = Vec::new();
    for y in (b.y0..=b.y1).step_by(2) {
        for x in (b.x0..=b.x1).step_by(2) {
            if interior[(y - b.y0) * bw + x - b.x0] {
                ink_px.push(y * w + x);
            }
        }
    }
    if ink_px.len() < 13 {
        let mut strong: Vec<(f32, usize)> = Vec::new();
        for y in b.y0..=b.y1 {
            for x in b.x0..=b.x1 {
                let i = y * w + x;
                if !interior[(y - b.y0) * bw + x - b.x0] && q.ink.class[i] == CLEAR {
                    strong.push((q.ink.strength[i], i));
                }
            }
        }
        let k = strong.len() / 5;
        if k > 0 {
            strong.select_nth_unstable_by(k, |a, b| b.0.total_cmp(&a.0));
        }
        ink_px.extend(strong.iter().take(k).map(|&(_, i)| i));
    }
    if ink_px.len() < 30 {
        return (0.0, 0.0);
    }
    let med = |v: &mut Vec<f64>| {
        let k = v.len() / 2;
        *v.select_nth_unstable_by(k, |a, b| a.total_cmp(b)).1
    };
    // the paper: clean paper around the seal
    let m = 16usize;
    let gb = BoxI {
        x0: b.x0.saturating_sub(m),
        y0: b.y0.saturating_sub(m),
        x1: (b.x1 + m).min(w.saturating_sub(1)),
        y1: (b.y1 + m).min(h.saturating_sub(1)),
    };
    let clean = inside(w, h, &gb, 2, |i| q.ink.class[i] == 0 && q.ink.strength[i] == 0.0);
    let mut paper_px: Vec<usize> = Vec::new();
    // (every other pixel: plenty for a median)
    for y in (gb.y0..=gb.y1).step_by(2) {
        for x in (gb.x0..=gb.x1).step_by(2) {
            if clean[(y - gb.y0) * gb.w() + x - gb.x0] {
                paper_px.push(y * w + x);
            }
        }
    }
    if paper_px.len() < 30 {
        return (0.0, 0.0);
    }
    // per reading: the line's origin, unit direction and length
    let mut lines = [((0.0, 0.0), (0.0, 0.0), 0.0f64); 2];
    for (l, line) in lut.iter().zip(lines.iter_mut()) {
        let chrom = |px: &[usize]| {
            let (mut r, mut g): (Vec<f64>, Vec<f64>) = px.iter().map(|&i| chroma(l, &q.rgb[i * 3..i * 3 + 3])).unzip();
            (med(&mut r), med(&mut g))
        };
        let ink = chrom(&ink_px);
        let paper = chrom(&paper_px);
        let (dx, dy) = (ink.0 - paper.0, ink.1 - paper.1);
        let len = libm::sqrt(dx * dx + dy * dy);
        if len < 0.03 {
            return (0.0, 0.0);
        }
        *line = (paper, (dx / len, dy / len), len);
    }
    // edge samples: 2 x 2 blocks on the even grid (JPEG's halved chroma is averaged over the
    // same four pixels as the luma, so the block's colour is a true mixture again, while the
    // mixtures of a print's colorants stay off the line however they are averaged), part way
    // along the line, no black print or signature near
    let occluded_near = (b.y0.saturating_sub(2)..(b.y1 + 3).min(h))
        .any(|y| (b.x0.saturating_sub(2)..(b.x1 + 3).min(w)).any(|x| q.ink.class[y * w + x] == OCCLUDED));
    let free = if occluded_near {
        inside(w, h, b, 2, |i| q.ink.class[i] != OCCLUDED)
    } else {
        // (the window test below also needs the image's own border)
        inside(w, h, b, 2, |_| true)
    };
    let (cx, cy) = (0.5 * (b.x0 + b.x1) as f64, 0.5 * (b.y0 + b.y1) as f64);
    // signed sums and counts per reading and quadrant of the seal
    let mut sd = [[0.0f64; 4]; 2];
    let mut n = [[0.0f64; 4]; 2];
    for y in ((b.y0 + 1) & !1..b.y1).step_by(2) {
        for x in ((b.x0 + 1) & !1..b.x1).step_by(2) {
            let mut s = [[0.0f64; 3]; 2];
            let mut ok = true;
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let (px, py) = (x + dx, y + dy);
                if !free[(py - b.y0) * bw + px - b.x0] {
                    ok = false;
                    break;
                }
                let i = (py * w + px) * 3;
                for (l, sl) in lut.iter().zip(s.iter_mut()) {
                    for (ch, v) in sl.iter_mut().enumerate() {
                        *v += l[q.rgb[i + ch] as usize];
                    }
                }
            }
            if !ok {
                continue;
            }
            let k = (x as f64 >= cx) as usize + 2 * (y as f64 >= cy) as usize;
            for j in 0..2 {
                let (paper, (ux, uy), len) = lines[j];
                let t = (s[j][0] + s[j][1] + s[j][2]).max(1e-9);
                let (ex, ey) = (s[j][0] / t - paper.0, s[j][1] / t - paper.1);
                let along = (ex * ux + ey * uy) / len;
                if !(0.2..=0.8).contains(&along) {
                    continue;
                }
                sd[j][k] += (-ex * uy + ey * ux) / len;
                n[j][k] += 1.0;
            }
        }
    }
    // the bow the whole ink shows: every quadrant bows the same way, and the weakest counts (a
    // local cast, a smear or a block of JPEG artefacts bows one part only); in hundredths of
    // the line's length, signed
    let bow = |sd: &[f64; 4], n: &[f64; 4]| -> f64 {
        let mut weakest = f64::INFINITY;
        let mut sign = 0.0f64;
        let mut used = 0;
        for k in 0..4 {
            if n[k] < 12.0 {
                continue;
            }
            let m = sd[k] / n[k];
            if sign == 0.0 {
                sign = m.signum();
            } else if m.signum() != sign {
                return 0.0;
            }
            weakest = weakest.min(m.abs());
            used += 1;
        }
        if used < 3 {
            return 0.0;
        }
        100.0 * weakest * sign
    };
    (bow(&sd[0], &n[0]), bow(&sd[1], &n[1]))
}

fn edge_sharpness(q: &Decoded, b: &BoxI) -> f64 {
    // the median, over ink edge pixels, of the steepest neighbour step of the ink strength
    let w = q.ink.w;
    let s = &q.ink.strength;
    let mut v = Vec::new();
    for y in (b.y0 + 1)..b.y1 {
        for x in (b.x0 + 1)..b.x1 {
            let i = y * w + x;
            let c = s[i];
            if !(0.3..=0.7).contains(&c) || q.ink.class[i] == OCCLUDED {
                continue;
            }
            let gx = (s[i + 1] - s[i - 1]) as f64 * 0.5;
            let gy = (s[i + w] - s[i - w]) as f64 * 0.5;
            v.push(libm::sqrt(gx * gx + gy * gy));
        }
    }
    if v.len() < 10 {
        return 0.0;
    }
    let k = v.len() / 2;
    *v.select_nth_unstable_by(k, |a, b| a.total_cmp(b)).1
}
