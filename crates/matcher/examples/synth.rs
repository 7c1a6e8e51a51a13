#![allow(clippy::too_many_arguments, clippy::needless_range_loop)]
//! A synthetic seal-pair generator of our own, for testing that the matcher's bands hold on
//! fonts, names and artifacts it was not tuned on. It carves seals from any CJK font (a binary
//! master at 30 px/mm: characters stretched to their cells, stroke weight, border, edge
//! roughness, chips), stamps them (rotation, scale, ink bleed and erosion, uneven pressure,
//! paper gaps, ruling lines, printed strokes and signatures, optical blur, noise, JPEG) and
//! writes a folder in the development set's format (`pairs.csv`, `registered/`, `questioned/`),
//! so `eval` reads it as it reads ../shared/seal-dev.
//!
//! Each identity gives one genuine pair and one forgery, tiers in turn: a different seal with
//! the same name (another font, or the same font re-laid), a recarved copy (characters shifted
//! and resized 2–5 %, stroke weight ±12–30 %, border ±15–40 %, new micro-structure) and a traced
//! copy (a genuine stamping scanned at 300–600 dpi, binarised, blurred and re-thresholded,
//! elastically distorted by 1–3 questioned pixels over a 2.5–5 mm field, carved again).
//!
//! Usage: synth OUT_DIR --font FILE[:FACE] [--font …] [--count N] [--seed S] [--harsh] [--slips]
//!        [--capture none|scanner|camera|mixed] [--printed laser|inkjet|mixed] [--q-dpi N]
//!
//! `--slips` gives every questioned impression a second touch of the seal (a faint ghost, a
//! smear or a double stamping; otherwise they occur at 4 / 2 / 1.5 %). `--capture` re-captures
//! every questioned page: `scanner` stretches the feed axis 0.3–2 %, shears up to 1 % and skews up
//! to 2°; `camera` moves the page's corners by up to 3 % of the image (perspective), adds a light
//! fall-off of 10–30 % plus vignetting and defocus up to σ 1.2 px. The ground truth in
//! `pairs.csv` (centre, rotation, scale) is taken through the capture.
//!
//! `--printed` makes every forgery a colour-printed copy (tier `printed_copy`, columns
//! `printer` and `print_source`): a scan of a genuine impression — the registered scan itself
//! (the "too identical" copy: its own voids and specks) or another stamping scanned at
//! 300–600 dpi, in turn — printed onto the form at its true size by a colour laser (1200 dpi
//! modulation, C/M/Y/K clustered-dot screens of 141–212 lpi at the classic angles or, one in
//! four, a stochastic screen; toner spread and particle grain; plane misregistration) or an
//! inkjet (1200/1440 dpi error diffusion, droplet size variation, spread and wicking into the
//! fibres), the forger's levels pushing the source's paper to white; then the form's print,
//! capture, optics, noise and JPEG as for any questioned page. `--q-dpi` scans every
//! questioned page (genuine ones too) at that resolution (column `q_dpi`).
//!
//! Light and paste (#37, second pass): everything before the capture is linear reflectance,
//! and every capture writes it through a tone curve, 255 (v / 255)^(1 / γ) with γ 1.8–2.4, as
//! scanners and cameras write sRGB-like files (the optics blur linear light; the colours named
//! in this file are as they appear in files). A stamped paste is one colorant whose film passes
//! t^d of the light (Beer–Lambert) for a relative thickness d: thinner where the face touched
//! the paper partly (the edges) or pressed weakly, and mottled by its grains (5–16 % of its
//! thickness over 60–120 µm); a partly inked pixel is an area mixture of paper and film. A
//! printer's colour management takes the file's values to linear reflectance (exponent 2.2)
//! before it separates them into colorants.
//! (`make synth-eval`; the fonts default to Debian CJK fonts that ../shared/seal-dev does not use.)

use ab_glyph::{Font, FontVec, PxScale};
use image::{codecs::jpeg::JpegEncoder, ImageEncoder, RgbImage};
use std::fmt::Write as _;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn gauss(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.next() as usize % v.len()]
    }
}

/// A float image (row-major).
#[derive(Clone)]
struct Plane {
    w: usize,
    h: usize,
    v: Vec<f32>,
}

impl Plane {
    fn new(w: usize, h: usize) -> Plane {
        Plane { w, h, v: vec![0.0; w * h] }
    }
    fn at(&self, x: f64, y: f64) -> f32 {
        if !(x >= 0.0 && y >= 0.0 && x < (self.w - 1) as f64 && y < (self.h - 1) as f64) {
            return 0.0;
        }
        let (x0, y0) = (x as usize, y as usize);
        let (fx, fy) = ((x - x0 as f64) as f32, (y - y0 as f64) as f32);
        let i = y0 * self.w + x0;
        let t = self.v[i] + (self.v[i + 1] - self.v[i]) * fx;
        let b = self.v[i + self.w] + (self.v[i + self.w + 1] - self.v[i + self.w]) * fx;
        t + (b - t) * fy
    }
    fn blur(&mut self, sigma: f64) {
        if sigma < 0.05 {
            return;
        }
        let r = (3.0 * sigma).ceil() as i64;
        let k: Vec<f32> = (-r..=r).map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp() as f32).collect();
        let s: f32 = k.iter().sum();
        let k: Vec<f32> = k.iter().map(|v| v / s).collect();
        let (w, h) = (self.w as i64, self.h as i64);
        let mut tmp = vec![0.0f32; self.v.len()];
        for y in 0..h {
            for x in 0..w {
                let mut a = 0.0;
                for (j, kv) in k.iter().enumerate() {
                    let xx = (x + j as i64 - r).clamp(0, w - 1);
                    a += kv * self.v[(y * w + xx) as usize];
                }
                tmp[(y * w + x) as usize] = a;
            }
        }
        for y in 0..h {
            for x in 0..w {
                let mut a = 0.0;
                for (j, kv) in k.iter().enumerate() {
                    let yy = (y + j as i64 - r).clamp(0, h - 1);
                    a += kv * tmp[(yy * w + x) as usize];
                }
                self.v[(y * w + x) as usize] = a;
            }
        }
    }
    /// Smooth random field in about [-1, 1] with the given correlation length (px).
    fn noise(w: usize, h: usize, corr: f64, rng: &mut Rng) -> Plane {
        if corr < 2.5 {
            // fine texture (paste gaps, paper grain, toner): Gaussian-filtered white noise;
            // interpolated lattice noise at a step of 1–2 px is periodic at the lattice's
            // frequency and would print a screen of its own into every impression
            let mut p = Plane::new(w, h);
            for v in p.v.iter_mut() {
                *v = rng.gauss() as f32;
            }
            p.blur(0.5 * corr);
            let sd = (p.v.iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / p.v.len().max(1) as f64).sqrt();
            let g = (0.35 / sd.max(1e-9)) as f32;
            for v in p.v.iter_mut() {
                *v *= g;
            }
            return p;
        }
        let step = corr.max(1.0);
        let (gw, gh) = ((w as f64 / step).ceil() as usize + 2, (h as f64 / step).ceil() as usize + 2);
        let g: Vec<f64> = (0..gw * gh).map(|_| rng.gauss()).collect();
        let mut p = Plane::new(w, h);
        let sm = |t: f64| t * t * (3.0 - 2.0 * t);
        for y in 0..h {
            for x in 0..w {
                let (fx, fy) = (x as f64 / step, y as f64 / step);
                let (ix, iy) = (fx as usize, fy as usize);
                let (tx, ty) = (sm(fx - ix as f64), sm(fy - iy as f64));
                let v = |a: usize, b: usize| g[(iy + b) * gw + ix + a];
                let top = v(0, 0) + (v(1, 0) - v(0, 0)) * tx;
                let bot = v(0, 1) + (v(1, 1) - v(0, 1)) * tx;
                p.v[y * w + x] = (0.5 * (top + (bot - top) * ty)) as f32;
            }
        }
        p
    }
}

const PX_MM: f64 = 30.0;

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Square,
    Round,
    Oval,
}
impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Square => "square",
            Shape::Round => "round",
            Shape::Oval => "oval",
        }
    }
}

/// Everything that decides a carving.
#[derive(Clone)]
struct Design {
    font: usize,
    chars: Vec<char>,
    shape: Shape,
    yin: bool,
    w_mm: f64,
    h_mm: f64,
    border_mm: f64,
    gap_mm: f64,
    /// stroke weight: threshold shift on the blurred glyph (+ thicker)
    weight: f64,
    /// per character: (dx, dy, sx, sy) of its cell, as fractions
    jitter: Vec<(f64, f64, f64, f64)>,
    grid: bool,
    seed: u64,
}

fn glyph_plane(font: &FontVec, c: char) -> Option<Plane> {
    let g = font.glyph_id(c).with_scale(PxScale::from(256.0));
    if g.id.0 == 0 {
        return None;
    }
    let o = font.outline_glyph(g)?;
    let b = o.px_bounds();
    let (w, h) = (b.width().ceil() as usize + 2, b.height().ceil() as usize + 2);
    let mut p = Plane::new(w, h);
    o.draw(|x, y, cov| {
        let (x, y) = (x as usize + 1, y as usize + 1);
        if x < w && y < h {
            p.v[y * w + x] = cov;
        }
    });
    Some(p)
}

/// Whether two fonts draw these characters with the same outlines (a font shipped under two
/// names, as cwTeX Q Kai is AR PL Kaiti): glyphs resampled to 64 x 64 overlap by more than 70 %.
fn same_outlines(a: &FontVec, b: &FontVec, chars: &[char]) -> bool {
    const N: usize = 64;
    let norm = |p: &Plane| -> Vec<bool> {
        (0..N * N)
            .map(|i| {
                let (x, y) = ((i % N) as f64 + 0.5, (i / N) as f64 + 0.5);
                p.at(x * (p.w - 1) as f64 / N as f64, y * (p.h - 1) as f64 / N as f64) > 0.5
            })
            .collect()
    };
    let (mut inter, mut union) = (0usize, 0usize);
    for &c in chars {
        let (Some(pa), Some(pb)) = (glyph_plane(a, c), glyph_plane(b, c)) else { return false };
        let (na, nb) = (norm(&pa), norm(&pb));
        inter += na.iter().zip(nb.iter()).filter(|(x, y)| **x && **y).count();
        union += na.iter().zip(nb.iter()).filter(|(x, y)| **x || **y).count();
    }
    union > 0 && inter as f64 > 0.7 * union as f64
}

/// The binary master (1 = raised, inked surface) at PX_MM.
fn carve(d: &Design, fonts: &[FontVec]) -> Plane {
    let mut rng = Rng(d.seed | 1);
    let (w, h) = ((d.w_mm * PX_MM).round() as usize, (d.h_mm * PX_MM).round() as usize);
    let pad = 12usize;
    let (cw, ch) = (w + 2 * pad, h + 2 * pad);
    let (cx, cy) = ((cw as f64 - 1.0) / 2.0, (ch as f64 - 1.0) / 2.0);
    let inside = |x: f64, y: f64, shrink: f64| -> bool {
        let (hx, hy) = (w as f64 / 2.0 - shrink, h as f64 / 2.0 - shrink);
        if hx <= 0.0 || hy <= 0.0 {
            return false;
        }
        let (u, v) = ((x - cx) / hx, (y - cy) / hy);
        match d.shape {
            Shape::Square => u.abs() <= 1.0 && v.abs() <= 1.0,
            _ => u * u + v * v <= 1.0,
        }
    };
    let bt = d.border_mm * PX_MM;
    let inner = bt + d.gap_mm * PX_MM;
    // character cells inside the inner region
    let (ix0, iy0) = (cx - w as f64 / 2.0 + inner, cy - h as f64 / 2.0 + inner);
    let (iw, ih) = (w as f64 - 2.0 * inner, h as f64 - 2.0 * inner);
    let n = d.chars.len();
    let mut cells = Vec::new();
    if d.shape == Shape::Oval {
        for k in 0..n {
            cells.push((ix0 + 0.12 * iw, iy0 + ih * k as f64 / n as f64, iw * 0.76, ih / n as f64));
        }
    } else if n == 4 || d.grid {
        // right column top to bottom, then the left column
        for k in 0..n.min(4) {
            let col = 1 - k / 2;
            let row = k % 2;
            cells.push((ix0 + iw * col as f64 / 2.0, iy0 + ih * row as f64 / 2.0, iw / 2.0, ih / 2.0));
        }
    } else {
        // three characters: the surname fills the right column
        cells.push((ix0 + iw / 2.0, iy0, iw / 2.0, ih));
        cells.push((ix0, iy0, iw / 2.0, ih / 2.0));
        cells.push((ix0, iy0 + ih / 2.0, iw / 2.0, ih / 2.0));
    }
    let mut chars = Plane::new(cw, ch);
    for (k, &c) in d.chars.iter().enumerate() {
        let Some(g) = glyph_plane(&fonts[d.font], c) else { continue };
        let (mut x0, mut y0, mut ww, mut hh) = cells[k.min(cells.len() - 1)];
        let (jx, jy, sx, sy) = d.jitter.get(k).copied().unwrap_or((0.0, 0.0, 1.0, 1.0));
        let m = 0.04; // a small gap between cells
        x0 += ww * (m + jx);
        y0 += hh * (m + jy);
        ww *= (1.0 - 2.0 * m) * sx;
        hh *= (1.0 - 2.0 * m) * sy;
        for y in 0..ch {
            for x in 0..cw {
                let (u, v) = ((x as f64 - x0) / ww, (y as f64 - y0) / hh);
                if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
                    let val = g.at(u * (g.w - 1) as f64, v * (g.h - 1) as f64);
                    let i = y * cw + x;
                    chars.v[i] = chars.v[i].max(val);
                }
            }
        }
    }
    // stroke weight and rounded, rough edges: blur, add a fine random field, threshold
    chars.blur(2.5);
    let rough = Plane::noise(cw, ch, rng.range(2.5, 5.0), &mut rng);
    let ramp = rng.range(0.05, 0.10) as f32;
    let mut m = Plane::new(cw, ch);
    let frame_rough = Plane::noise(cw, ch, rng.range(3.0, 6.0), &mut rng);
    for y in 0..ch {
        for x in 0..cw {
            let i = y * cw + x;
            let (xf, yf) = (x as f64, y as f64);
            let t = 0.5 - d.weight as f32 + ramp * rough.v[i];
            let ch_on = chars.v[i] > t && inside(xf, yf, inner - 2.0);
            let jag = 0.8 * frame_rough.v[i] as f64;
            let face = inside(xf, yf, jag);
            let ring = face && !inside(xf, yf, bt + jag);
            let on = if d.yin { face && !ch_on } else { ring || ch_on };
            m.v[i] = on as u8 as f32;
        }
    }
    // 0–4 chips out of the raised surface
    for _ in 0..(rng.next() % 5) {
        let (px, py) = (rng.range(0.0, cw as f64), rng.range(0.0, ch as f64));
        let r = rng.range(2.0, 6.0);
        for y in (py - r).max(0.0) as usize..((py + r) as usize).min(ch) {
            for x in (px - r).max(0.0) as usize..((px + r) as usize).min(cw) {
                if (x as f64 - px).powi(2) + (y as f64 - py).powi(2) <= r * r {
                    m.v[y * cw + x] = 0.0;
                }
            }
        }
    }
    m
}

/// How one impression is made and scanned.
#[derive(Clone)]
struct Stamp {
    /// output px per mm
    px_mm: f64,
    rot_deg: f64,
    /// where the master's centre lands (output px)
    cx: f64,
    cy: f64,
    out_w: usize,
    out_h: usize,
    bleed: f64,
    bias: f64,
    fade: f64,
    gaps: f64,
    lines: usize,
    text: bool,
    signature: bool,
    optical: f64,
    noise: f64,
    jpeg: Option<u8>,
    /// micro-deformation of rubber and paper: a smooth displacement of at most this many
    /// output px, correlated over `warp_mm`
    warp: f64,
    warp_mm: f64,
    /// a second touch of the seal: a faint ghost, a smear (the seal slid while pressed) or a
    /// second stamping
    slip: Slip,
    /// how the page was captured (scanner or camera distortion, light, defocus)
    capture: Capture,
    /// a printed copy instead of a stamping: the seal is printed onto the form from a scan of
    /// a genuine impression (the master is then only the geometry's reference)
    print: Option<std::rc::Rc<PrintJob>>,
    /// the scanner's (or camera's) tone curve: everything before the capture is linear
    /// reflectance (0–255), the file holds it encoded as 255 (v / 255)^(1 / tone), as scanners
    /// and cameras write sRGB-like values; 1 = linear (the traced copy's internal scan)
    tone: f64,
}

/// Linear reflectance (0–255) of a colour that a capture with the tone curve `tone` writes as
/// `v`: the generator's colours are chosen as they appear in files, and drawn in linear light.
fn lin(v: f64, tone: f64) -> f64 {
    255.0 * (v / 255.0).clamp(0.0, 1.0).powf(tone)
}

#[derive(Clone, Copy, PartialEq)]
enum SlipKind {
    None,
    /// a faint ghost copy shifted 2–5 px (the seal bounced)
    Ghost,
    /// the seal slid while pressed: ink dragged along a 1.5–4 px path, fading
    Smear,
    /// stamped twice: a second, nearly full impression 2–10 px away, turned up to 1.5°
    Double,
}
impl SlipKind {
    fn name(self) -> &'static str {
        match self {
            SlipKind::None => "none",
            SlipKind::Ghost => "ghost",
            SlipKind::Smear => "smear",
            SlipKind::Double => "double",
        }
    }
}

#[derive(Clone, Copy)]
struct Slip {
    kind: SlipKind,
    dx: f64,
    dy: f64,
    /// strength of the second copy (ghost, double) in [0, 1]
    alpha: f64,
    rot_deg: f64,
}
impl Slip {
    const NONE: Slip = Slip { kind: SlipKind::None, dx: 0.0, dy: 0.0, alpha: 0.0, rot_deg: 0.0 };
    fn draw(rng: &mut Rng, kind: SlipKind) -> Slip {
        let ang = rng.range(0.0, std::f64::consts::TAU);
        let (d, alpha, rot) = match kind {
            SlipKind::None => return Slip::NONE,
            SlipKind::Ghost => (rng.range(2.0, 5.0), rng.range(0.3, 0.6), 0.0),
            SlipKind::Smear => (rng.range(1.5, 4.0), 1.0, 0.0),
            SlipKind::Double => (rng.range(2.0, 10.0), rng.range(0.7, 1.0), rng.range(-1.5, 1.5)),
        };
        Slip { kind, dx: d * ang.cos(), dy: d * ang.sin(), alpha, rot_deg: rot }
    }
    fn px(&self) -> f64 {
        self.dx.hypot(self.dy)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum CaptureKind {
    Flat,
    Scanner,
    Camera,
}

/// The capture: a homography from the flat page to the image, a lighting gradient and a
/// defocus blur.
#[derive(Clone, Copy)]
struct Capture {
    kind: CaptureKind,
    h: [f64; 9],
    /// multiplicative light: 1 + light * (ramp along `light_dir` in [-0.5, 0.5]) plus vignetting
    light: f64,
    light_dir: f64,
    vignette: f64,
    defocus: f64,
    stretch_pct: f64,
    shear_pct: f64,
    keystone_pct: f64,
}

const IDENTITY: [f64; 9] = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];

impl Capture {
    const FLAT: Capture = Capture {
        kind: CaptureKind::Flat,
        h: IDENTITY,
        light: 0.0,
        light_dir: 0.0,
        vignette: 0.0,
        defocus: 0.0,
        stretch_pct: 0.0,
        shear_pct: 0.0,
        keystone_pct: 0.0,
    };
    fn name(&self) -> &'static str {
        match self.kind {
            CaptureKind::Flat => "flat",
            CaptureKind::Scanner => "scanner",
            CaptureKind::Camera => "camera",
        }
    }
    /// A sheet-fed scanner: the feed (vertical) axis stretched by 0.3–2 % (mostly longer),
    /// sheared by up to 1 %, the page skewed by up to 2°; even light, in focus.
    fn scanner(w: usize, h: usize, rng: &mut Rng) -> Capture {
        let v = rng.range(0.003, 0.02) * if rng.chance(0.75) { 1.0 } else { -1.0 };
        let k = rng.range(-0.01, 0.01);
        let skew = rng.range(-2.0f64, 2.0).to_radians();
        let (c, s) = (skew.cos(), skew.sin());
        let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
        // p' = c + D R (p - c), D = [[1, k], [0, 1 + v]]
        let a = [c + k * -s, s + k * c, -(1.0 + v) * s, (1.0 + v) * c];
        let tx = cx - (a[0] * cx + a[1] * cy);
        let ty = cy - (a[2] * cx + a[3] * cy);
        Capture {
            kind: CaptureKind::Scanner,
            h: [a[0], a[1], tx, a[2], a[3], ty, 0.0, 0.0, 1.0],
            light: rng.range(0.0, 0.05),
            light_dir: rng.range(0.0, std::f64::consts::TAU),
            vignette: 0.0,
            defocus: rng.range(0.0, 0.4),
            stretch_pct: 100.0 * v,
            shear_pct: 100.0 * k,
            keystone_pct: 0.0,
        }
    }
    /// A camera or document camera: the page's corners moved by up to 3 % of the image
    /// (perspective), light falling off by up to 30 % across the page plus vignetting, defocus
    /// up to σ 1.2 px.
    fn camera(w: usize, h: usize, rng: &mut Rng) -> Capture {
        let (wf, hf) = (w as f64, h as f64);
        let src = [(0.0, 0.0), (wf, 0.0), (wf, hf), (0.0, hf)];
        let amp = rng.range(0.005, 0.03);
        // a keystone (one side shorter) plus random corner jitter
        let side = rng.next() % 4;
        let mut dst = src;
        for (i, d) in dst.iter_mut().enumerate() {
            let inward = match (side, i) {
                (0, 0) | (0, 1) => (0.0, 1.0),
                (1, 1) | (1, 2) => (-1.0, 0.0),
                (2, 2) | (2, 3) => (0.0, -1.0),
                (3, 3) | (3, 0) => (1.0, 0.0),
                _ => (0.0, 0.0),
            };
            let along = if i == 0 || i == 3 { 1.0 } else { -1.0 };
            let (jx, jy) = (rng.range(-0.3, 0.3) * amp * wf, rng.range(-0.3, 0.3) * amp * hf);
            // the shorter side's corners move towards each other
            let (sx, sy) = if inward.0 == 0.0 {
                (along * amp * wf, 0.0)
            } else {
                (0.0, if i < 2 { 1.0 } else { -1.0 } * amp * hf)
            };
            let _ = inward;
            d.0 += jx + if side.is_multiple_of(2) { sx } else { 0.0 };
            d.1 += jy + if side % 2 == 1 { sy } else { 0.0 };
        }
        let h = homography(&src, &dst);
        Capture {
            kind: CaptureKind::Camera,
            h,
            light: rng.range(0.1, 0.3),
            light_dir: rng.range(0.0, std::f64::consts::TAU),
            vignette: rng.range(0.0, 0.15),
            defocus: rng.range(0.3, 1.2),
            stretch_pct: 0.0,
            shear_pct: 0.0,
            keystone_pct: 100.0 * amp,
        }
    }
    fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        hom_apply(&self.h, x, y)
    }
    /// Ground truth through the capture: the seal's centre and its rotation and scale as the
    /// matcher reports them (the Jacobian of capture ∘ similarity, split as J = D s R).
    fn truth(&self, cx: f64, cy: f64, rot_deg: f64, scale: f64) -> (f64, f64, f64, f64) {
        let (qx, qy) = self.apply(cx, cy);
        let e = 1e-3;
        let (ax, ay) = self.apply(cx + e, cy);
        let (bx, by) = self.apply(cx, cy + e);
        let jc = [(ax - qx) / e, (bx - qx) / e, (ay - qy) / e, (by - qy) / e];
        let t = rot_deg.to_radians();
        let r = [scale * t.cos(), scale * t.sin(), -scale * t.sin(), scale * t.cos()];
        let j = [
            jc[0] * r[0] + jc[1] * r[2],
            jc[0] * r[1] + jc[1] * r[3],
            jc[2] * r[0] + jc[3] * r[2],
            jc[2] * r[1] + jc[3] * r[3],
        ];
        // the closest similarity (the Jacobian's conformal part), as the matcher reports it
        let (a, b) = (0.5 * (j[0] + j[3]), 0.5 * (j[1] - j[2]));
        let th = b.atan2(a).to_degrees();
        let sc = (j[0] * j[3] - j[1] * j[2]).abs().sqrt();
        (qx, qy, th, sc)
    }
}

fn hom_apply(h: &[f64; 9], x: f64, y: f64) -> (f64, f64) {
    let w = h[6] * x + h[7] * y + h[8];
    ((h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w)
}

fn hom_inverse(m: &[f64; 9]) -> [f64; 9] {
    let c = [
        m[4] * m[8] - m[5] * m[7],
        m[2] * m[7] - m[1] * m[8],
        m[1] * m[5] - m[2] * m[4],
        m[5] * m[6] - m[3] * m[8],
        m[0] * m[8] - m[2] * m[6],
        m[2] * m[3] - m[0] * m[5],
        m[3] * m[7] - m[4] * m[6],
        m[1] * m[6] - m[0] * m[7],
        m[0] * m[4] - m[1] * m[3],
    ];
    let d = c[8];
    c.map(|v| v / d)
}

/// The homography taking four points to four points.
fn homography(src: &[(f64, f64); 4], dst: &[(f64, f64); 4]) -> [f64; 9] {
    let mut a = [[0.0f64; 9]; 8];
    for i in 0..4 {
        let ((x, y), (u, v)) = (src[i], dst[i]);
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -x * u, -y * u, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -x * v, -y * v, v];
    }
    for c in 0..8 {
        let p = (c..8).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs())).unwrap();
        a.swap(c, p);
        for r in 0..8 {
            if r != c {
                let f = a[r][c] / a[c][c];
                for k in c..9 {
                    a[r][k] -= f * a[c][k];
                }
            }
        }
    }
    let mut h = [0.0; 9];
    for i in 0..8 {
        h[i] = a[i][8] / a[i][i];
    }
    h[8] = 1.0;
    h
}

/// Stamp a master; returns RGB pixels and, separately, the ink alpha (for tracing).
fn stamp(master: &Plane, s: &Stamp, rng: &mut Rng) -> (RgbImage, Plane) {
    let (mcx, mcy) = ((master.w as f64 - 1.0) / 2.0, (master.h as f64 - 1.0) / 2.0);
    let t = s.rot_deg.to_radians();
    let (c, sn) = (t.cos(), t.sin());
    let k = PX_MM / s.px_mm;
    let (w, h) = (s.out_w, s.out_h);
    if let Some(job) = &s.print {
        let seal_r = 0.5 * master.w.max(master.h) as f64 / k;
        let rgb = print_page(master, s, job, rng);
        return (finish_page(rgb, s, seal_r, rng), Plane::new(w, h));
    }
    let mut cov = Plane::new(w, h);
    let warp = if s.warp > 0.0 {
        let corr = (s.warp_mm * s.px_mm).max(2.0);
        let (fx, fy) = (Plane::noise(w, h, corr, rng), Plane::noise(w, h, corr, rng));
        let peak = fx.v.iter().chain(fy.v.iter()).fold(1e-6f32, |m, v| m.max(v.abs()));
        Some((fx, fy, s.warp as f32 / peak))
    } else {
        None
    };
    for y in 0..h {
        for x in 0..w {
            // m = mc + R(-t) (p - c) * k, R(t) = [[cos, sin], [-sin, cos]]
            let mut a = 0.0;
            let (ex, ey) = match &warp {
                Some((fx, fy, g)) => ((fx.v[y * w + x] * g) as f64, (fy.v[y * w + x] * g) as f64),
                None => (0.0, 0.0),
            };
            let sample = |ox: f64, oy: f64, rot: f64| -> f32 {
                let (dx, dy) = (x as f64 + ox + ex - s.cx, y as f64 + oy + ey - s.cy);
                let (c, sn) = if rot == 0.0 { (c, sn) } else { ((t + rot).cos(), (t + rot).sin()) };
                let mx = mcx + k * (c * dx - sn * dy);
                let my = mcy + k * (sn * dx + c * dy);
                master.at(mx, my)
            };
            for (ox, oy) in [(-0.25, -0.25), (0.25, -0.25), (-0.25, 0.25), (0.25, 0.25)] {
                let mut v = sample(ox, oy, 0.0);
                let sl = &s.slip;
                match sl.kind {
                    SlipKind::None => {}
                    SlipKind::Ghost | SlipKind::Double => {
                        let g = sample(ox - sl.dx, oy - sl.dy, sl.rot_deg.to_radians()) * sl.alpha as f32;
                        v = v.max(g);
                    }
                    SlipKind::Smear => {
                        for j in 1..=6 {
                            let f = j as f64 / 6.0;
                            let g = sample(ox - f * sl.dx, oy - f * sl.dy, 0.0) * (1.0 - 0.5 * f) as f32;
                            v = v.max(g);
                        }
                    }
                }
                a += v;
            }
            cov.v[y * w + x] = 0.25 * a;
        }
    }
    cov.blur(s.bleed);
    // uneven pressure: a ramp along a random direction plus low-frequency unevenness
    let dir = rng.range(0.0, std::f64::consts::TAU);
    let seal_r = 0.5 * master.w.max(master.h) as f64 / k;
    let low = Plane::noise(w, h, seal_r * 0.6, rng);
    let fine = Plane::noise(w, h, 1.5, rng);
    let mut alpha = Plane::new(w, h);
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            let u = ((x as f64 - s.cx) * dir.cos() + (y as f64 - s.cy) * dir.sin()) / seal_r;
            let press = 1.0 - s.fade * (0.5 + 0.5 * u.clamp(-1.0, 1.0)).powi(2) + 0.12 * low.v[i] as f64;
            let thr = 0.5 + s.bias + 0.35 * (1.0 - press.clamp(0.0, 1.0));
            let mut a = ((cov.v[i] as f64 - thr) / 0.12 + 0.5).clamp(0.0, 1.0);
            if fine.v[i] as f64 > 1.0 - s.gaps {
                a *= 0.3;
            }
            alpha.v[i] = a as f32;
        }
    }
    // the paste: one colorant whose film transmits t^d of the light (Beer–Lambert) for a film
    // of relative thickness d. The film is thinner where the face touched the paper partly
    // (the edges) or pressed weakly, and mottled by the paste's grains and the paper's fibres
    // (5–16 % of its thickness, 60–120 µm); a partly inked pixel is an area mixture of paper
    // and film. So a paste's colours vary along a curve, not only along the paper-to-ink line
    // (a thin film is pinker, not only lighter).
    let ink = [rng.range(175.0, 225.0), rng.range(20.0, 60.0), rng.range(30.0, 70.0)];
    let paper_tex = Plane::noise(w, h, 2.0, rng);
    let mottle = Plane::noise(w, h, (rng.range(0.06, 0.12) * s.px_mm).max(1.0), rng);
    let mottle_amp = rng.range(0.15, 0.45);
    let paper0 = lin(240.0, s.tone);
    let trans: Vec<f64> = ink.iter().map(|&v| (lin(v, s.tone) / paper0).clamp(1e-4, 1.0)).collect();
    let mut rgb = vec![0.0f64; w * h * 3];
    for i in 0..w * h {
        let paper = lin((240.0 + 6.0 * paper_tex.v[i] as f64).min(255.0), s.tone);
        let a = alpha.v[i] as f64;
        let (x, y) = ((i % w) as f64, (i / w) as f64);
        let u = ((x - s.cx) * dir.cos() + (y - s.cy) * dir.sin()) / seal_r;
        let press = (1.0 - s.fade * (0.5 + 0.5 * u.clamp(-1.0, 1.0)).powi(2)).clamp(0.0, 1.0);
        let d = (0.7 + 0.3 * a) * (0.75 + 0.25 * press) * (1.0 + mottle_amp * mottle.v[i] as f64);
        for ch in 0..3 {
            rgb[i * 3 + ch] = paper * (1.0 - a + a * trans[ch].powf(d.max(0.05)));
        }
    }
    let img = finish_page(rgb, s, seal_r, rng);
    (img, alpha)
}

/// The form over the seal (ruling lines, printed text, a signature), then the page's capture,
/// optical blur and sensor noise.
fn finish_page(mut rgb: Vec<f64>, s: &Stamp, seal_r: f64, rng: &mut Rng) -> RgbImage {
    let (w, h) = (s.out_w, s.out_h);
    // black print and blue-black handwriting over the seal (subtractive)
    let mut darken = |x: f64, y: f64, r: f64, col: [f64; 3]| {
        let ri = r.ceil() as i64;
        for yy in (y as i64 - ri)..=(y as i64 + ri) {
            for xx in (x as i64 - ri)..=(x as i64 + ri) {
                if xx < 0 || yy < 0 || xx as usize >= w || yy as usize >= h {
                    continue;
                }
                let d = ((xx as f64 - x).powi(2) + (yy as f64 - y).powi(2)).sqrt();
                let a = (r + 0.5 - d).clamp(0.0, 1.0);
                let i = yy as usize * w + xx as usize;
                for ch in 0..3 {
                    rgb[i * 3 + ch] *= 1.0 - a * (1.0 - lin(col[ch], s.tone) / 255.0);
                }
            }
        }
    };
    for _ in 0..s.lines {
        let (y0, ang) = (s.cy + rng.range(-0.8, 0.8) * seal_r, rng.range(-0.05, 0.05));
        let th = rng.range(0.6, 1.4);
        let mut u = 0.0;
        while u < w as f64 {
            darken(u, y0 + u * ang, th, [25.0, 25.0, 25.0]);
            u += 0.7;
        }
    }
    if s.text {
        // a row of blocky printed strokes
        let y0 = s.cy + rng.range(-0.6, 0.6) * seal_r;
        let mut x = s.cx - seal_r * 1.5;
        while x < s.cx + seal_r * 1.5 {
            let cs = rng.range(9.0, 13.0);
            for _ in 0..4 {
                let (a, b) = ((rng.range(0.0, cs), rng.range(0.0, cs)), (rng.range(0.0, cs), rng.range(0.0, cs)));
                for j in 0..20 {
                    let f = j as f64 / 19.0;
                    darken(x + a.0 + (b.0 - a.0) * f, y0 + a.1 + (b.1 - a.1) * f, 0.7, [20.0, 20.0, 20.0]);
                }
            }
            x += cs * 1.2;
        }
    }
    if s.signature {
        let (mut x, mut y) = (s.cx - seal_r * 1.2, s.cy + rng.range(-0.5, 0.5) * seal_r);
        let (mut vx, mut vy) = (1.5, 0.0);
        for _ in 0..((seal_r * 2.4 / 1.5) as usize * 2) {
            vy += rng.range(-0.6, 0.6);
            vy = vy.clamp(-2.5, 2.5);
            vx = (vx + rng.range(-0.2, 0.2)).clamp(0.4, 1.8);
            x += vx * 0.5;
            y += vy * 0.5;
            darken(x, y, 1.2, [30.0, 35.0, 70.0]);
        }
    }
    // the capture: geometry (image pixel <- page point), light, defocus
    let cap = &s.capture;
    if cap.kind != CaptureKind::Flat || cap.light > 0.0 {
        let inv = hom_inverse(&cap.h);
        let mut planes: Vec<Plane> = (0..3)
            .map(|ch| {
                let mut p = Plane::new(w, h);
                for i in 0..w * h {
                    p.v[i] = rgb[i * 3 + ch] as f32;
                }
                p
            })
            .collect();
        let (lc, ls) = (cap.light_dir.cos(), cap.light_dir.sin());
        let diag = ((w * w + h * h) as f64).sqrt();
        for y in 0..h {
            for x in 0..w {
                let (px, py) = hom_apply(&inv, x as f64, y as f64);
                let (u, v) = ((x as f64 - w as f64 / 2.0) / diag, (y as f64 - h as f64 / 2.0) / diag);
                let light = (1.0 - cap.light * (0.5 - (u * lc + v * ls)).clamp(0.0, 1.0))
                    * (1.0 - cap.vignette * 4.0 * (u * u + v * v));
                for ch in 0..3 {
                    // outside the page: the scanner lid / the desk, a mid grey
                    let val = if px >= 0.0 && py >= 0.0 && px <= (w - 1) as f64 && py <= (h - 1) as f64 {
                        planes[ch].at(px.min((w - 1) as f64 - 1e-6), py.min((h - 1) as f64 - 1e-6)) as f64
                    } else {
                        lin(150.0, s.tone)
                    };
                    rgb[(y * w + x) * 3 + ch] = val * light;
                }
            }
        }
        planes.clear();
    }
    let mut out = Plane::new(w, h);
    let mut img = RgbImage::new(w as u32, h as u32);
    for ch in 0..3 {
        for i in 0..w * h {
            out.v[i] = rgb[i * 3 + ch] as f32;
        }
        out.blur((s.optical * s.optical + cap.defocus * cap.defocus).sqrt());
        for i in 0..w * h {
            // the optics blur linear light; the file holds the tone curve's values, with the
            // sensor's noise as it shows there
            let enc = 255.0 * (out.v[i] as f64 / 255.0).clamp(0.0, 1.0).powf(1.0 / s.tone);
            let v = enc + s.noise * rng.gauss();
            img.get_pixel_mut((i % w) as u32, (i / w) as u32).0[ch] = v.clamp(0.0, 255.0) as u8;
        }
    }
    img
}

#[derive(Clone, Copy, PartialEq)]
enum PrinterKind {
    Laser,
    Inkjet,
}
impl PrinterKind {
    fn name(self) -> &'static str {
        match self {
            PrinterKind::Laser => "laser",
            PrinterKind::Inkjet => "inkjet",
        }
    }
}

/// A printed copy: a scan of a genuine impression (`src`, whose seal lies as a stamping with
/// `src_px_mm`, `src_rot_deg` and its face centre at `src_c` would put it) printed onto the form
/// in colour.
struct PrintJob {
    kind: PrinterKind,
    src: RgbImage,
    src_px_mm: f64,
    src_rot_deg: f64,
    src_c: (f64, f64),
    /// addressable resolution of the engine (printer dots per inch)
    dpi: f64,
    /// laser: clustered-dot (AM) screen ruling, lines per inch, and its angles for C, M, Y, K;
    /// `stochastic` for an FM screen (clustered error diffusion) instead
    lpi: f64,
    angles: [f64; 4],
    stochastic: bool,
    /// toner or ink spread (printer px, Gaussian sigma) and droplet size variation (inkjet)
    spread: f64,
    drop_var: f64,
    /// inkjet: wicking of the ink into the paper's fibres (printer px)
    wick: f64,
    /// toner particle texture: relative density noise of a dot
    grain: f64,
    /// misregistration of the C, M, Y, K planes (printer px)
    misreg: [(f64, f64); 4],
    /// the forger's levels: paper of the source scan pushed to white
    whiten: bool,
    /// a colour correction of the print path: gain on the red (a warmer or pinker print)
    hue_gain: f64,
}

impl PrintJob {
    fn draw(
        kind: PrinterKind,
        src: RgbImage,
        src_px_mm: f64,
        src_rot_deg: f64,
        src_c: (f64, f64),
        rng: &mut Rng,
    ) -> PrintJob {
        let base = rng.range(0.0, 30.0);
        let (dpi, lpi, stochastic, spread, drop_var, wick, grain) = match kind {
            // colour lasers: 600 dpi engines with 1200-equivalent modulation, screens of
            // 141–212 lpi; a quarter use a stochastic screen
            PrinterKind::Laser => (
                1200.0,
                rng.range(141.0, 212.0),
                rng.chance(0.25),
                rng.range(0.5, 1.0),
                0.0,
                0.0,
                rng.range(0.10, 0.30),
            ),
            // inkjets: 1200–1440 dpi, error diffusion, droplets of 2–3 printer px that spread
            // and wick into the fibres
            PrinterKind::Inkjet => (
                if rng.chance(0.5) { 1200.0 } else { 1440.0 },
                0.0,
                true,
                rng.range(0.7, 1.1),
                rng.range(0.1, 0.3),
                rng.range(0.3, 1.0),
                rng.range(0.02, 0.08),
            ),
        };
        let mr = |r: &mut Rng| (r.range(-1.0, 1.0), r.range(-1.0, 1.0));
        PrintJob {
            kind,
            src,
            src_px_mm,
            src_rot_deg,
            src_c,
            dpi,
            lpi,
            // the classic C 15°, M 75°, Y 0°, K 45° set, turned as a whole by some printers
            angles: [15.0 + base, 75.0 + base, base, 45.0 + base],
            stochastic,
            spread,
            drop_var,
            wick,
            grain,
            misreg: [mr(rng), mr(rng), mr(rng), mr(rng)],
            whiten: rng.chance(0.8),
            hue_gain: rng.range(0.9, 1.1),
        }
    }
}

/// Solid colorants' absorption of R, G, B light (C, M, Y, K), with the unwanted absorptions of
/// real toners and inks.
const COLORANT_ABS: [[f64; 3]; 4] = [[0.85, 0.35, 0.08], [0.08, 0.88, 0.45], [0.02, 0.08, 0.92], [0.9, 0.9, 0.88]];

/// Floyd–Steinberg error diffusion (serpentine) of a coverage plane into dots.
fn error_diffuse(p: &Plane, rng: &mut Rng) -> Plane {
    let (w, h) = (p.w, p.h);
    let mut e = p.v.clone();
    let mut out = Plane::new(w, h);
    for y in 0..h {
        let rev = y % 2 == 1;
        for k in 0..w {
            let x = if rev { w - 1 - k } else { k };
            let i = y * w + x;
            let t = 0.5 + 0.02 * rng.gauss() as f32;
            let v = e[i];
            let o = if v > t { 1.0 } else { 0.0 };
            out.v[i] = o;
            let err = v - o;
            let fwd = |xx: i64| -> Option<usize> {
                if xx >= 0 && (xx as usize) < w {
                    Some(xx as usize)
                } else {
                    None
                }
            };
            let dx: i64 = if rev { -1 } else { 1 };
            if let Some(xx) = fwd(x as i64 + dx) {
                e[y * w + xx] += err * 7.0 / 16.0;
            }
            if y + 1 < h {
                if let Some(xx) = fwd(x as i64 - dx) {
                    e[(y + 1) * w + xx] += err * 3.0 / 16.0;
                }
                e[(y + 1) * w + x] += err * 5.0 / 16.0;
                if let Some(xx) = fwd(x as i64 + dx) {
                    e[(y + 1) * w + xx] += err * 1.0 / 16.0;
                }
            }
        }
    }
    out
}

/// The form with the seal printed on it from a scan of a genuine impression: the page's RGB
/// (0–255, before the form's own print, the capture and the scanner's optics), at the output
/// resolution.
fn print_page(master: &Plane, s: &Stamp, job: &PrintJob, rng: &mut Rng) -> Vec<f64> {
    let (w, h) = (s.out_w, s.out_h);
    let (mcx, mcy) = ((master.w as f64 - 1.0) / 2.0, (master.h as f64 - 1.0) / 2.0);
    let k = PX_MM / s.px_mm;
    let t = s.rot_deg.to_radians();
    let (c, sn) = (t.cos(), t.sin());
    let ts = job.src_rot_deg.to_radians();
    let (cs, ss) = (ts.cos(), ts.sin());
    let ks = PX_MM / job.src_px_mm;
    // the printed region: the seal's disc with a margin (output px)
    let r = 0.5 * (master.w.max(master.h) as f64) / k * 1.25 + 6.0;
    let step = s.px_mm * 25.4 / job.dpi; // output px per printer px
    let n = (2.0 * r / step).ceil() as usize + 1;
    let (ox0, oy0) = (s.cx - r, s.cy - r);
    // the source scan's paper level (for the forger's levels)
    let (sw, sh) = (job.src.width() as usize, job.src.height() as usize);
    let mut paper_src = [0.0f64; 3];
    let mut cnt = 0.0f64;
    for y in (0..sh).step_by(3) {
        for x in (0..sw).step_by(3) {
            if x < 4 || y < 4 || x + 4 >= sw || y + 4 >= sh {
                let p = job.src.get_pixel(x as u32, y as u32).0;
                for ch in 0..3 {
                    paper_src[ch] += p[ch] as f64;
                }
                cnt += 1.0;
            }
        }
    }
    for v in paper_src.iter_mut() {
        *v = (*v / cnt.max(1.0)).max(120.0);
    }
    let sample_src = |x: f64, y: f64, ch: usize| -> f64 {
        if !(x >= 0.0 && y >= 0.0 && x < (sw - 1) as f64 && y < (sh - 1) as f64) {
            return paper_src[ch];
        }
        let (x0, y0) = (x as u32, y as u32);
        let (fx, fy) = (x - x0 as f64, y - y0 as f64);
        let g = |xx: u32, yy: u32| job.src.get_pixel(xx, yy).0[ch] as f64;
        let a = g(x0, y0) + (g(x0 + 1, y0) - g(x0, y0)) * fx;
        let b = g(x0, y0 + 1) + (g(x0 + 1, y0 + 1) - g(x0, y0 + 1)) * fx;
        a + (b - a) * fy
    };
    // colorant coverage planes at the printer's resolution
    let mut planes: Vec<Plane> = (0..4).map(|_| Plane::new(n, n)).collect();
    for j in 0..n {
        for i in 0..n {
            let (ox, oy) = (ox0 + i as f64 * step, oy0 + j as f64 * step);
            let (dx, dy) = (ox - s.cx, oy - s.cy);
            let mx = k * (c * dx - sn * dy);
            let my = k * (sn * dx + c * dy);
            // master -> source scan
            let (px, py) = (job.src_c.0 + (cs * mx + ss * my) / ks, job.src_c.1 + (-ss * mx + cs * my) / ks);
            let _ = (mcx, mcy);
            let mut rgbv = [0.0f64; 3];
            for ch in 0..3 {
                let v = sample_src(px, py, ch);
                rgbv[ch] = if job.whiten { (v / paper_src[ch]).min(1.0) } else { v / 255.0 };
            }
            rgbv[0] = (rgbv[0] * job.hue_gain).min(1.0);
            // the printer's colour management: the file's values are sRGB-like, the print's
            // reflectance is linear
            for v in rgbv.iter_mut() {
                *v = v.powf(2.2);
            }
            let (cc, mm, yy) = (1.0 - rgbv[0], 1.0 - rgbv[1], 1.0 - rgbv[2]);
            let kk = cc.min(mm).min(yy) * 0.7;
            let cov = [cc - kk, mm - kk, yy - kk, kk];
            for ch in 0..4 {
                planes[ch].v[j * n + i] = cov[ch].clamp(0.0, 1.0) as f32;
            }
        }
    }
    // halftone: dots per colorant plane
    let mut dots: Vec<Plane> = Vec::with_capacity(4);
    for (ch, p) in planes.iter().enumerate() {
        let mut d = if job.stochastic {
            if job.kind == PrinterKind::Laser {
                // a clustered stochastic screen: error diffusion at half the resolution
                let half = Plane {
                    w: n.div_ceil(2),
                    h: n.div_ceil(2),
                    v: (0..n.div_ceil(2) * n.div_ceil(2))
                        .map(|q| {
                            let (x, y) = ((q % n.div_ceil(2)) * 2, (q / n.div_ceil(2)) * 2);
                            p.v[y.min(n - 1) * n + x.min(n - 1)]
                        })
                        .collect(),
                };
                let ed = error_diffuse(&half, rng);
                let mut full = Plane::new(n, n);
                for y in 0..n {
                    for x in 0..n {
                        full.v[y * n + x] = ed.v[(y / 2) * ed.w + x / 2];
                    }
                }
                full
            } else {
                error_diffuse(p, rng)
            }
        } else {
            // clustered-dot AM screen: a dot grows where the spot function is below the tone
            let a = job.angles[ch].to_radians();
            let (ca, sa) = (a.cos(), a.sin());
            let per = job.dpi / job.lpi;
            let mut out = Plane::new(n, n);
            for y in 0..n {
                for x in 0..n {
                    let (u, v) = ((x as f64 * ca + y as f64 * sa) / per, (-(x as f64) * sa + y as f64 * ca) / per);
                    let spot = 0.5 - 0.25 * ((std::f64::consts::TAU * u).cos() + (std::f64::consts::TAU * v).cos());
                    let tone = p.v[y * n + x] as f64;
                    out.v[y * n + x] = ((tone - spot) / 0.06 + 0.5).clamp(0.0, 1.0) as f32;
                }
            }
            out
        };
        // droplet size variation (inkjet), then the spread of toner or ink
        if job.drop_var > 0.0 {
            for v in d.v.iter_mut() {
                if *v > 0.0 {
                    *v *= (1.0 + job.drop_var * rng.gauss()).max(0.3) as f32;
                }
            }
        }
        d.blur(job.spread);
        // misregistration of the plane
        let (mx, my) = job.misreg[ch];
        let mut shifted = Plane::new(n, n);
        for y in 0..n {
            for x in 0..n {
                shifted.v[y * n + x] = d.at(x as f64 + mx, y as f64 + my);
            }
        }
        dots.push(shifted);
    }
    // toner particles (laser) or fibre wicking (inkjet): the density of each plane
    let fibre = Plane::noise(n, n, 3.0, rng);
    for d in dots.iter_mut() {
        let grain = Plane::noise(n, n, 1.0, rng);
        for i in 0..n * n {
            let mut v = d.v[i] as f64;
            match job.kind {
                PrinterKind::Laser => v *= 1.0 + job.grain * grain.v[i] as f64 * 2.0,
                PrinterKind::Inkjet => v = 1.0 - (-2.2 * v * (1.0 + job.wick * 0.3 * fibre.v[i] as f64)).exp(),
            }
            d.v[i] = v.clamp(0.0, 1.0) as f32;
        }
        if job.kind == PrinterKind::Inkjet {
            d.blur(job.wick);
        }
    }
    // the page: paper texture, then the colorants' transmission, box-averaged into output pixels
    let paper_tex = Plane::noise(w, h, 2.0, rng);
    let mut rgb = vec![0.0f64; w * h * 3];
    for i in 0..w * h {
        let p = lin((240.0 + 6.0 * paper_tex.v[i] as f64).min(255.0), s.tone);
        for ch in 0..3 {
            rgb[i * 3 + ch] = p;
        }
    }
    let mut acc = vec![[0.0f64; 4]; w * h];
    for j in 0..n {
        for i in 0..n {
            let (ox, oy) = (ox0 + i as f64 * step, oy0 + j as f64 * step);
            let (xi, yi) = ((ox + 0.5).floor(), (oy + 0.5).floor());
            if xi < 0.0 || yi < 0.0 || xi >= w as f64 || yi >= h as f64 {
                continue;
            }
            let q = yi as usize * w + xi as usize;
            let mut tr = [1.0f64; 3];
            for (ch, d) in dots.iter().enumerate() {
                let a = d.v[j * n + i] as f64;
                for (l, t) in tr.iter_mut().enumerate() {
                    *t *= 1.0 - a * COLORANT_ABS[ch][l];
                }
            }
            acc[q][0] += tr[0];
            acc[q][1] += tr[1];
            acc[q][2] += tr[2];
            acc[q][3] += 1.0;
        }
    }
    for (q, a) in acc.iter().enumerate() {
        if a[3] > 0.0 {
            for ch in 0..3 {
                rgb[q * 3 + ch] *= a[ch] / a[3];
            }
        }
    }
    rgb
}

fn jpeg(img: &RgbImage, q: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, q)
        .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::Rgb8)
        .expect("jpeg");
    out
}

/// A traced copy's master: a genuine stamping scanned at `dpi`, binarised, smoothed, distorted
/// by a smooth field of at most `elastic` master px, and carved again.
fn traced_master(master: &Plane, dpi: f64, elastic: f64, corr_mm: f64, rng: &mut Rng) -> Plane {
    let px_mm = dpi / 25.4;
    let (w, h) =
        ((master.w as f64 * px_mm / PX_MM).ceil() as usize + 4, (master.h as f64 * px_mm / PX_MM).ceil() as usize + 4);
    let s = Stamp {
        px_mm,
        rot_deg: 0.0,
        cx: (w as f64 - 1.0) / 2.0,
        cy: (h as f64 - 1.0) / 2.0,
        out_w: w,
        out_h: h,
        bleed: rng.range(0.4, 0.9),
        bias: rng.range(-0.05, 0.05),
        fade: rng.range(0.0, 0.3),
        gaps: 0.03,
        lines: 0,
        text: false,
        signature: false,
        optical: 0.0,
        noise: 0.0,
        tone: 1.0,
        jpeg: None,
        warp: 0.0,
        warp_mm: 4.0,
        slip: Slip::NONE,
        capture: Capture::FLAT,
        print: None,
    };
    let (_, alpha) = stamp(master, &s, rng);
    let mut bin = Plane::new(w, h);
    for i in 0..w * h {
        bin.v[i] = (alpha.v[i] > 0.5) as u8 as f32;
    }
    bin.blur(0.8);
    let (fx, fy) = (
        Plane::noise(master.w, master.h, corr_mm * PX_MM, rng),
        Plane::noise(master.w, master.h, corr_mm * PX_MM, rng),
    );
    let peak = fx.v.iter().chain(fy.v.iter()).fold(1e-6f32, |m, v| m.max(v.abs())) as f64;
    let rough = Plane::noise(master.w, master.h, rng.range(2.5, 5.0), rng);
    let mut out = Plane::new(master.w, master.h);
    let k = px_mm / PX_MM;
    for y in 0..master.h {
        for x in 0..master.w {
            let i = y * master.w + x;
            let (ex, ey) = (elastic * fx.v[i] as f64 / peak, elastic * fy.v[i] as f64 / peak);
            let (sx, sy) = (
                (x as f64 + ex - (master.w as f64 - 1.0) / 2.0) * k,
                (y as f64 + ey - (master.h as f64 - 1.0) / 2.0) * k,
            );
            let v = bin.at(sx + (w as f64 - 1.0) / 2.0, sy + (h as f64 - 1.0) / 2.0);
            out.v[i] = (v > 0.5 + 0.08 * rough.v[i]) as u8 as f32;
        }
    }
    out
}

const SURNAMES: &str = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁魏孫戴范方宋鄧杜傅侯曹薛丁卓馬阮董唐溫藍蔣石古紀姚連馮歐程湯黎田康";
const GIVEN: &str = "志明雅婷家豪淑芬俊宏怡君建國美玲宗翰佳穎冠宇欣承恩嘉文華秀英榮德偉惠珍麗娟瑞祥正義信忠孝仁智勇光輝金龍鳳春秋雲海山川永福壽安平和順昌盛興旺";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(out) = args.get(1).filter(|a| !a.starts_with("--")) else {
        eprintln!("usage: synth OUT_DIR --font FILE[:FACE] [--font ...] [--count N] [--seed S] [--harsh]");
        std::process::exit(2);
    };
    let flag = |name: &str, d: u64| {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(d)
    };
    let count = flag("--count", 60) as usize;
    let harsh = args.iter().any(|a| a == "--harsh");
    let slips = args.iter().any(|a| a == "--slips");
    let capture_mode =
        args.iter().position(|a| a == "--capture").and_then(|i| args.get(i + 1)).map(|s| s.as_str()).unwrap_or("none");
    // --printed laser|inkjet|mixed: every forgery is a colour-printed copy of a genuine
    // impression (of the registered one itself or of another stamping, in turn)
    let printed = args.iter().position(|a| a == "--printed").and_then(|i| args.get(i + 1)).map(|s| s.to_string());
    // --q-dpi N: the questioned form is scanned at N dpi (the registered one at 300–400 dpi)
    let q_dpi =
        args.iter().position(|a| a == "--q-dpi").and_then(|i| args.get(i + 1)).and_then(|v| v.parse::<f64>().ok());
    let mut rng = Rng(flag("--seed", 20261203) | 1);
    let mut fonts = Vec::new();
    let mut font_keys = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if a != "--font" {
            continue;
        }
        let spec = args.get(i + 1).expect("--font FILE");
        let (path, face) = match spec.rsplit_once(':') {
            Some((p, f)) if f.parse::<u32>().is_ok() => (p, f.parse().unwrap()),
            _ => (spec.as_str(), 0),
        };
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        fonts.push(FontVec::try_from_vec_and_index(data, face).unwrap_or_else(|e| panic!("{path}: {e}")));
        font_keys.push(std::path::Path::new(path).file_stem().unwrap().to_string_lossy().to_string());
    }
    if fonts.is_empty() {
        eprintln!("synth: give at least one --font");
        std::process::exit(2);
    }
    let dir = std::path::Path::new(out);
    std::fs::create_dir_all(dir.join("registered")).unwrap();
    std::fs::create_dir_all(dir.join("questioned")).unwrap();
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    let mut csv = String::from("pair_id,registered,questioned,label,tier,seal_shape,style,chars,font_registered,font_questioned,rotation_deg,scale,seal_center_x,seal_center_y,reg_center_x,reg_center_y,reg_dpi,fade_strength,ink_bias,occlusion,jpeg_quality,identity,slip,slip_px,capture,stretch_pct,shear_pct,keystone_pct,light,defocus,printer,print_source,q_dpi\n");
    let tiers = ["different_seal_same_name", "recarved_copy", "traced_copy"];
    let mut rows = Vec::new();
    for id in 0..count {
        let font = id % fonts.len();
        // a name every character of which the font has
        let chars: Vec<char> = loop {
            let n = if rng.chance(0.6) { 3 } else { 2 };
            let mut v = vec![*rng.pick(&surnames)];
            for _ in 1..n {
                v.push(*rng.pick(&given));
            }
            if v.len() == 2 || rng.chance(0.5) {
                v.push('印');
            }
            if v.iter().all(|&c| fonts[font].glyph_id(c).0 != 0) {
                break v;
            }
        };
        let shape = match rng.unit() {
            u if u < 0.7 => Shape::Square,
            u if u < 0.88 => Shape::Round,
            _ => Shape::Oval,
        };
        // the seal sizes of the dev set's metadata: square 15–24 mm, round 15–20 mm, oval
        // 16–23.5 mm high and 1.26–1.43 times higher than wide
        let h_mm = match shape {
            Shape::Square => rng.range(15.0, 24.0),
            Shape::Round => rng.range(15.0, 20.0),
            Shape::Oval => rng.range(16.0, 23.5),
        };
        let w_mm = if shape == Shape::Oval { h_mm / rng.range(1.26, 1.43) } else { h_mm };
        let design = Design {
            font,
            chars: if shape == Shape::Oval { chars.iter().copied().take(3).collect() } else { chars.clone() },
            shape,
            yin: rng.chance(0.37),
            w_mm,
            h_mm,
            border_mm: rng.range(0.5, 1.1),
            gap_mm: rng.range(0.3, 0.7),
            weight: rng.range(-0.08, 0.12),
            jitter: vec![(0.0, 0.0, 1.0, 1.0); 4],
            grid: false,
            seed: rng.next(),
        };
        let master = carve(&design, &fonts);
        let reg_dpi = rng.range(300.0, 400.0);
        let reg_pxmm = reg_dpi / 25.4;
        // the registered impression: a clean stamping, cropped
        let reg_rot = rng.range(-2.0, 2.0);
        let side = (master.w.max(master.h) as f64 / PX_MM * reg_pxmm * 1.25) as usize + 20;
        let rs = Stamp {
            px_mm: reg_pxmm,
            rot_deg: reg_rot,
            cx: side as f64 / 2.0,
            cy: side as f64 / 2.0,
            out_w: side,
            out_h: side,
            bleed: rng.range(0.4, 0.8),
            bias: rng.range(-0.05, 0.05),
            fade: rng.range(0.0, 0.15),
            gaps: 0.01,
            lines: 0,
            text: false,
            signature: false,
            optical: 0.5,
            noise: 1.5,
            tone: rng.range(1.8, 2.4),
            jpeg: None,
            warp: 0.0,
            warp_mm: 4.0,
            slip: Slip::NONE,
            capture: Capture::FLAT,
            print: None,
        };
        let (reg_img, reg_alpha) = stamp(&master, &rs, &mut rng);
        // crop to the ink with a small margin
        let (mut x0, mut y0, mut x1, mut y1) = (side, side, 0, 0);
        for y in 0..side {
            for x in 0..side {
                if reg_alpha.v[y * side + x] > 0.3 {
                    x0 = x0.min(x);
                    y0 = y0.min(y);
                    x1 = x1.max(x);
                    y1 = y1.max(y);
                }
            }
        }
        let m = rng.range(6.0, 14.0) as usize;
        let (x0, y0) = (x0.saturating_sub(m), y0.saturating_sub(m));
        let (x1, y1) = ((x1 + m).min(side - 1), (y1 + m).min(side - 1));
        let reg_crop =
            image::imageops::crop_imm(&reg_img, x0 as u32, y0 as u32, (x1 - x0 + 1) as u32, (y1 - y0 + 1) as u32)
                .to_image();
        let (rcx, rcy) = (rs.cx - x0 as f64, rs.cy - y0 as f64);
        let reg_name = format!("registered/r{:04}.png", id);
        reg_crop.save(dir.join(&reg_name)).unwrap();
        let tier = if printed.is_some() { "printed_copy" } else { tiers[id % 3] };
        let printer = match printed.as_deref() {
            Some("laser") => Some(PrinterKind::Laser),
            Some("inkjet") => Some(PrinterKind::Inkjet),
            Some(_) => Some(if id % 2 == 0 { PrinterKind::Laser } else { PrinterKind::Inkjet }),
            None => None,
        };
        // half the copies are of the registered impression itself (a printed comparison
        // record, a leaked scan), half of another genuine impression the person stamped
        let copy_of_registered = (id / 2) % 2 == 0;
        for forged in [false, true] {
            let mut fdesign = design.clone();
            let mut qmaster = master.clone();
            let mut qfont = font;
            if forged {
                match tier {
                    "different_seal_same_name" => {
                        if fonts.len() > 1 {
                            // another font that has the characters (a different seal of the
                            // same name from the same font and layout would be a copy, not a
                            // different seal)
                            for _ in 0..30 {
                                let f = rng.next() as usize % fonts.len();
                                if f != font
                                    && design.chars.iter().all(|&c| fonts[f].glyph_id(c).0 != 0)
                                    && !same_outlines(&fonts[f], &fonts[font], &design.chars)
                                {
                                    qfont = f;
                                    break;
                                }
                            }
                        }
                        fdesign.font = qfont;
                        fdesign.weight = rng.range(-0.08, 0.12);
                        fdesign.border_mm = rng.range(0.5, 1.1);
                        fdesign.gap_mm = rng.range(0.3, 0.7);
                        let f = rng.range(0.92, 1.08);
                        fdesign.w_mm *= f;
                        fdesign.h_mm *= f;
                        fdesign.grid = design.chars.len() == 3 && rng.chance(0.5);
                        if qfont == font {
                            // same font (or one with the same outlines): another carver's layout
                            // (characters placed and sized anew)
                            fdesign.jitter = (0..4)
                                .map(|_| {
                                    (
                                        rng.range(-0.08, 0.08),
                                        rng.range(-0.08, 0.08),
                                        rng.range(0.85, 0.97),
                                        rng.range(0.85, 0.97),
                                    )
                                })
                                .collect();
                        }
                        fdesign.seed = rng.next();
                        qmaster = carve(&fdesign, &fonts);
                    }
                    "recarved_copy" => {
                        let sgn = |r: &mut Rng| if r.chance(0.5) { 1.0 } else { -1.0 };
                        fdesign.jitter = (0..4)
                            .map(|_| {
                                (
                                    sgn(&mut rng) * rng.range(0.02, 0.05),
                                    sgn(&mut rng) * rng.range(0.02, 0.05),
                                    1.0 - rng.range(0.02, 0.05),
                                    1.0 - rng.range(0.02, 0.05),
                                )
                            })
                            .collect();
                        fdesign.weight += sgn(&mut rng) * rng.range(0.04, 0.09);
                        fdesign.border_mm *= 1.0 + sgn(&mut rng) * rng.range(0.15, 0.4);
                        fdesign.seed = rng.next();
                        qmaster = carve(&fdesign, &fonts);
                    }
                    "printed_copy" => {}
                    _ => {
                        let dpi = rng.range(300.0, 600.0);
                        let q_pxmm = reg_pxmm;
                        let elastic = rng.range(1.0, 3.0) * PX_MM / q_pxmm;
                        qmaster = traced_master(&master, dpi, elastic, rng.range(2.5, 5.0), &mut rng);
                    }
                }
            }
            let rot = if rng.chance(0.8) { rng.range(-30.0, 30.0) } else { rng.range(-180.0, 180.0) };
            let scale = match q_dpi {
                Some(d) => d / reg_dpi * rng.range(0.99, 1.01),
                None => rng.range(0.97, 1.03),
            };
            let (qw, qh) = (rng.range(600.0, 800.0) as usize, rng.range(420.0, 560.0) as usize);
            let occl = if harsh { 0.5 } else { 0.35 };
            let qs = Stamp {
                px_mm: reg_pxmm * scale,
                rot_deg: reg_rot + rot,
                cx: rng.range(0.4, 0.6) * qw as f64,
                cy: rng.range(0.4, 0.6) * qh as f64,
                out_w: qw,
                out_h: qh,
                bleed: rng.range(0.5, 1.1),
                bias: rng.range(-0.12, 0.12),
                fade: if rng.chance(0.3) { rng.range(0.6, if harsh { 1.3 } else { 1.1 }) } else { rng.range(0.0, 0.6) },
                gaps: rng.range(0.01, if harsh { 0.08 } else { 0.05 }),
                lines: if rng.chance(occl) { 1 + (rng.next() % 2) as usize } else { 0 },
                text: rng.chance(occl),
                signature: rng.chance(0.25),
                optical: rng.range(0.4, if harsh { 1.3 } else { 0.9 }),
                noise: rng.range(1.5, if harsh { 6.0 } else { 4.0 }),
                tone: rng.range(1.8, 2.4),
                jpeg: Some(rng.range(if harsh { 55.0 } else { 70.0 }, 92.0) as u8),
                warp: rng.range(0.0, if harsh { 0.6 } else { 0.25 }),
                warp_mm: rng.range(3.0, 6.0),
                slip: Slip::NONE,
                capture: Capture::FLAT,
                print: None,
            };
            // a second touch of the seal: in every impression of a --slips set, otherwise at the
            // rates we believe forms show (ghost 4 % as in the dev set, smear 2 %, double 1.5 %)
            let u = rng.unit();
            let kind = if slips {
                [SlipKind::Ghost, SlipKind::Smear, SlipKind::Double][(u * 3.0) as usize % 3]
            } else if u < 0.04 {
                SlipKind::Ghost
            } else if u < 0.06 {
                SlipKind::Smear
            } else if u < 0.075 {
                SlipKind::Double
            } else {
                SlipKind::None
            };
            let kind = if forged && printer.is_some() { SlipKind::None } else { kind };
            let mut qs = Stamp { slip: Slip::draw(&mut rng, kind), ..qs };
            qs.capture = match capture_mode {
                "scanner" => Capture::scanner(qw, qh, &mut rng),
                "camera" => Capture::camera(qw, qh, &mut rng),
                "mixed" => match rng.next() % 3 {
                    0 => Capture::scanner(qw, qh, &mut rng),
                    1 => Capture::camera(qw, qh, &mut rng),
                    _ => Capture::FLAT,
                },
                _ => Capture::FLAT,
            };
            if qs.capture.kind == CaptureKind::Camera {
                // phones write good JPEGs
                qs.jpeg = Some(rng.range(80.0, 95.0) as u8);
            }
            let mut print_source = "none";
            if let (true, Some(kind)) = (forged, printer) {
                let job = if copy_of_registered {
                    print_source = "registered";
                    PrintJob::draw(kind, reg_crop.clone(), reg_pxmm, reg_rot, (rcx, rcy), &mut rng)
                } else {
                    // another impression of the genuine seal, scanned at 300–600 dpi
                    print_source = "other";
                    let src_pxmm = rng.range(300.0, 600.0) / 25.4;
                    let side = (master.w.max(master.h) as f64 / PX_MM * src_pxmm * 1.3) as usize + 20;
                    let src_rot = rng.range(-3.0, 3.0);
                    let ss = Stamp {
                        px_mm: src_pxmm,
                        rot_deg: src_rot,
                        cx: side as f64 / 2.0,
                        cy: side as f64 / 2.0,
                        out_w: side,
                        out_h: side,
                        bleed: rng.range(0.5, 1.1) * src_pxmm / reg_pxmm,
                        bias: rng.range(-0.1, 0.1),
                        fade: rng.range(0.0, 0.5),
                        gaps: rng.range(0.01, 0.05),
                        lines: 0,
                        text: false,
                        signature: false,
                        optical: rng.range(0.4, 0.8),
                        noise: rng.range(1.0, 3.0),
                        tone: rng.range(1.8, 2.4),
                        jpeg: None,
                        warp: 0.0,
                        warp_mm: 4.0,
                        slip: Slip::NONE,
                        capture: Capture::FLAT,
                        print: None,
                    };
                    let (src, _) = stamp(&master, &ss, &mut rng);
                    PrintJob::draw(kind, src, src_pxmm, src_rot, (ss.cx, ss.cy), &mut rng)
                };
                qs.print = Some(std::rc::Rc::new(job));
            }
            let (qimg, _) = stamp(&qmaster, &qs, &mut rng);
            let qbytes = jpeg(&qimg, qs.jpeg.unwrap_or(85));
            let (label, t) = if forged { ("forged", tier) } else { ("genuine", "genuine") };
            rows.push((
                qbytes,
                reg_name.clone(),
                label,
                t,
                design.clone(),
                qfont,
                rot,
                scale,
                qs.clone(),
                (rcx, rcy),
                reg_dpi,
                id,
                (printer.filter(|_| forged).map(|p| p.name()).unwrap_or("none"), print_source),
            ));
        }
    }
    // shuffle pair ids
    let mut order: Vec<usize> = (0..rows.len()).collect();
    for i in (1..order.len()).rev() {
        let j = rng.next() as usize % (i + 1);
        order.swap(i, j);
    }
    for (pid, &k) in order.iter().enumerate() {
        let (qbytes, reg_name, label, tier, d, qfont, rot, scale, qs, (rcx, rcy), reg_dpi, id, (printer, psrc)) =
            &rows[k];
        let qname = format!("questioned/q{:04}.jpg", pid);
        std::fs::write(dir.join(&qname), qbytes).unwrap();
        let occ = (qs.lines > 0) as u8 + qs.text as u8 + qs.signature as u8;
        // ground truth through the capture (the flat page's geometry otherwise)
        let (gx, gy, grot, gscale) = qs.capture.truth(qs.cx, qs.cy, *rot, *scale);
        let (rot, scale) = (&grot, &gscale);
        let _ = writeln!(
            csv,
            "p{:04},{},{},{},{},{},{},{},{},{},{:.4},{:.6},{:.2},{:.2},{:.2},{:.2},{:.1},{:.3},{:.3},{},{},i{:04},{},{:.2},{},{:.3},{:.3},{:.3},{:.3},{:.3},{},{},{}",
            pid,
            reg_name,
            qname,
            label,
            tier,
            d.shape.name(),
            if d.yin { "yin" } else { "yang" },
            d.chars.iter().collect::<String>(),
            font_keys[d.font],
            font_keys[*qfont],
            rot,
            scale,
            gx,
            gy,
            rcx,
            rcy,
            reg_dpi,
            qs.fade,
            qs.bias,
            occ,
            qs.jpeg.unwrap_or(0),
            id,
            qs.slip.kind.name(),
            qs.slip.px(),
            qs.capture.name(),
            qs.capture.stretch_pct,
            qs.capture.shear_pct,
            qs.capture.keystone_pct,
            qs.capture.light,
            qs.capture.defocus,
            printer,
            psrc,
            q_dpi.map(|d| format!("{d:.0}")).unwrap_or_else(|| "-".into())
        );
    }
    std::fs::write(dir.join("pairs.csv"), csv).unwrap();
    eprintln!("synth: {} pairs in {}", rows.len(), dir.display());
}
