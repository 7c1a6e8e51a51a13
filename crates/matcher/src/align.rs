//! Alignment: coarse (Fourier-magnitude log-polar correlation + verified translation by phase
//! correlation) and fine (block matching + robust similarity fit).

use super::fft::fft2d;
use super::geom::{bilinear, fit_model, resample_area, Model, Proj, Sim};
use super::ink::{InkMap, OCCLUDED};
use super::locate::BoxI;

const N: usize = 128;
const D: f64 = 88.0;
const LP_A: usize = 256;
const LP_L: usize = 64;
const LP_R0: f64 = 3.0;
const LP_R1: f64 = 56.0;

struct Canvas {
    v: Vec<f32>,
    occ: Vec<f32>,
    c: (f64, f64),
    f: f64,
}

fn make_canvas(ink: &InkMap, b: &BoxI, c: (f64, f64), f: f64, clip_margin: f64) -> Canvas {
    let cc = (N as f64 - 1.0) * 0.5;
    let x0 = c.0 - cc * f + 0.5 - 0.5 * f;
    let y0 = c.1 - cc * f + 0.5 - 0.5 * f;
    // zero everything outside the expanded box
    let mx = b.w() as f64 * clip_margin;
    let my = b.h() as f64 * clip_margin;
    let bx0 = (b.x0 as f64 - mx).max(0.0) as usize;
    let by0 = (b.y0 as f64 - my).max(0.0) as usize;
    let bx1 = ((b.x1 as f64 + mx) as usize).min(ink.w.saturating_sub(1));
    let by1 = ((b.y1 as f64 + my) as usize).min(ink.h.saturating_sub(1));
    let cw = bx1.saturating_sub(bx0) + 1;
    let ch = by1.saturating_sub(by0) + 1;
    let mut crop = vec![0.0f32; cw * ch];
    let mut occ = vec![0.0f32; cw * ch];
    for y in 0..ch {
        for x in 0..cw {
            let i = (by0 + y) * ink.w + bx0 + x;
            crop[y * cw + x] = ink.strength.get(i).copied().unwrap_or(0.0);
            occ[y * cw + x] = if ink.class.get(i).copied() == Some(OCCLUDED) { 1.0 } else { 0.0 };
        }
    }
    let v = resample_area(&crop, cw, ch, x0 - bx0 as f64, y0 - by0 as f64, f, N, N);
    let o = resample_area(&occ, cw, ch, x0 - bx0 as f64, y0 - by0 as f64, f, N, N);
    Canvas { v, occ: o, c, f }
}

fn windowed(v: &[f32]) -> Vec<f64> {
    let mut re: Vec<f64> = v.iter().map(|&x| x as f64).collect();
    let mean = re.iter().sum::<f64>() / (N * N) as f64;
    // Hann window to suppress canvas-edge effects
    let hann: Vec<f64> =
        (0..N).map(|i| 0.5 - 0.5 * libm::cos(2.0 * core::f64::consts::PI * i as f64 / (N as f64 - 1.0))).collect();
    for y in 0..N {
        for x in 0..N {
            re[y * N + x] = (re[y * N + x] - mean) * hann[x] * hann[y];
        }
    }
    re
}

/// Log-polar log-magnitude spectra of two real canvases (one packed complex FFT).
fn spectra_logpolar(a: &[f32], b: &[f32]) -> (Vec<f64>, Vec<f64>) {
    let mut re = windowed(a);
    let mut im = windowed(b);
    fft2d(N, N, &mut re, &mut im, false);
    let mut ma = vec![0.0; N * N];
    let mut mb = vec![0.0; N * N];
    for ky in 0..N {
        for kx in 0..N {
            let k = ky * N + kx;
            let mk = ((N - ky) % N) * N + (N - kx) % N;
            let (cr, ci) = (re[mk], -im[mk]);
            let (ar, ai) = (0.5 * (re[k] + cr), 0.5 * (im[k] + ci));
            let (br, bi) = (0.5 * (im[k] - ci), -0.5 * (re[k] - cr));
            ma[k] = libm::log1p((ar * ar + ai * ai).sqrt());
            mb[k] = libm::log1p((br * br + bi * bi).sqrt());
        }
    }
    (logpolar_of(&ma), logpolar_of(&mb))
}

fn logpolar_of(mag: &[f64]) -> Vec<f64> {
    let get = |kx: i64, ky: i64| -> f64 {
        let x = ((kx % N as i64) + N as i64) as usize % N;
        let y = ((ky % N as i64) + N as i64) as usize % N;
        mag[y * N + x]
    };
    let dl = libm::log(LP_R1 / LP_R0) / (LP_L as f64 - 1.0);
    let mut out = vec![0.0; LP_A * LP_L];
    let trig: Vec<(f64, f64)> = (0..LP_A)
        .map(|i| {
            let th = core::f64::consts::PI * i as f64 / LP_A as f64;
            (libm::cos(th), libm::sin(th))
        })
        .collect();
    for j in 0..LP_L {
        let r = LP_R0 * libm::exp(dl * j as f64);
        for (i, &(c, sn)) in trig.iter().enumerate() {
            let kx = r * c;
            let ky = r * sn;
            let x0 = libm::floor(kx);
            let y0 = libm::floor(ky);
            let fx = kx - x0;
            let fy = ky - y0;
            let (xi, yi) = (x0 as i64, y0 as i64);
            let v = get(xi, yi) * (1.0 - fx) * (1.0 - fy)
                + get(xi + 1, yi) * fx * (1.0 - fy)
                + get(xi, yi + 1) * (1.0 - fx) * fy
                + get(xi + 1, yi + 1) * fx * fy;
            out[j * LP_A + i] = v;
        }
    }
    // remove per-radius mean
    for j in 0..LP_L {
        let row = &mut out[j * LP_A..(j + 1) * LP_A];
        let m = row.iter().sum::<f64>() / LP_A as f64;
        for v in row.iter_mut() {
            *v -= m;
        }
    }
    out
}

/// Top local maxima of a w x h (wrapped) surface, with parabolic sub-pixel offsets.
fn peaks(s: &[f64], w: usize, h: usize, k: usize, excl: i64) -> Vec<(f64, f64, f64)> {
    let mut out: Vec<(f64, f64, f64)> = Vec::new();
    let mut taken: Vec<(i64, i64)> = Vec::new();
    while out.len() < k {
        let mut bi = usize::MAX;
        let mut bv = f64::NEG_INFINITY;
        for (i, &v) in s.iter().enumerate().take(w * h) {
            if v > bv {
                let (x, y) = ((i % w) as i64, (i / w) as i64);
                let near = taken.iter().any(|&(tx, ty)| {
                    let dx = ((x - tx).rem_euclid(w as i64)).min((tx - x).rem_euclid(w as i64));
                    let dy = ((y - ty).rem_euclid(h as i64)).min((ty - y).rem_euclid(h as i64));
                    dx <= excl && dy <= excl
                });
                if !near {
                    bv = v;
                    bi = i;
                }
            }
        }
        if bi == usize::MAX {
            break;
        }
        let (x, y) = ((bi % w) as i64, (bi / w) as i64);
        taken.push((x, y));
        let at = |xx: i64, yy: i64| s[(yy.rem_euclid(h as i64) as usize) * w + xx.rem_euclid(w as i64) as usize];
        let c = at(x, y);
        let sub = |m: f64, p: f64| -> f64 {
            let den = m - 2.0 * c + p;
            if den < -1e-12 {
                (0.5 * (m - p) / den).clamp(-0.5, 0.5)
            } else {
                0.0
            }
        };
        let ox = sub(at(x - 1, y), at(x + 1, y));
        let oy = sub(at(x, y - 1), at(x, y + 1));
        let mut fx = x as f64 + ox;
        let mut fy = y as f64 + oy;
        if fx >= w as f64 / 2.0 {
            fx -= w as f64;
        }
        if fy >= h as f64 / 2.0 {
            fy -= h as f64;
        }
        out.push((fx, fy, c));
    }
    out
}

struct Spec {
    re: Vec<f64>,
    im: Vec<f64>,
}

fn spec_of(v: &[f32]) -> Spec {
    let mut re: Vec<f64> = v.iter().map(|&x| x as f64).collect();
    let mut im = vec![0.0; N * N];
    fft2d(N, N, &mut re, &mut im, false);
    Spec { re, im }
}

/// Two phase correlations at once: a against b1 and b2 (packed as one complex FFT each way).
fn pcorr2(a: &Spec, b1: &[f32], b2: Option<&[f32]>) -> Vec<Vec<f64>> {
    let nn = N * N;
    let mut re: Vec<f64> = b1.iter().map(|&x| x as f64).collect();
    let mut im: Vec<f64> = match b2 {
        Some(b) => b.iter().map(|&x| x as f64).collect(),
        None => vec![0.0; nn],
    };
    fft2d(N, N, &mut re, &mut im, false);
    // separate the two real spectra: X1 = (Z[k] + conj Z[-k]) / 2, X2 = (Z[k] - conj Z[-k]) / 2i
    let mut pr = vec![0.0; nn];
    let mut pi = vec![0.0; nn];
    for ky in 0..N {
        for kx in 0..N {
            let k = ky * N + kx;
            let mk = ((N - ky) % N) * N + (N - kx) % N;
            let (zr, zi) = (re[k], im[k]);
            let (cr, ci) = (re[mk], -im[mk]);
            let x1r = 0.5 * (zr + cr);
            let x1i = 0.5 * (zi + ci);
            let x2r = 0.5 * (zi - ci);
            let x2i = -0.5 * (zr - cr);
            let g = |br: f64, bi: f64| -> (f64, f64) {
                let r = a.re[k] * br + a.im[k] * bi;
                let im = a.im[k] * br - a.re[k] * bi;
                let m = (r * r + im * im).sqrt() + 1e-9;
                let sq = m.sqrt();
                let g = 1.0 / (sq * sq.sqrt());
                (r * g, im * g)
            };
            let (p1r, p1i) = g(x1r, x1i);
            let (p2r, p2i) = if b2.is_some() { g(x2r, x2i) } else { (0.0, 0.0) };
            // pack: P1 + i P2 (both have real inverse transforms)
            pr[k] = p1r - p2i;
            pi[k] = p1i + p2r;
        }
    }
    fft2d(N, N, &mut pr, &mut pi, true);
    if b2.is_some() {
        vec![pr, pi]
    } else {
        vec![pr]
    }
}

fn warp_canvas(src: &[f32], rot_deg: f64, s: f64) -> Vec<f32> {
    let cc = (N as f64 - 1.0) * 0.5;
    // out(u) = src(C + R^-1 (u - C) / s)
    let inv = Sim::about(rot_deg, s, (cc, cc), (cc, cc)).inverse();
    let mut out = vec![0.0f32; N * N];
    for y in 0..N {
        for x in 0..N {
            let (sx, sy) = inv.apply(x as f64, y as f64);
            out[y * N + x] = bilinear(src, N, N, sx, sy);
        }
    }
    out
}

fn ncc_shift(q: &[f32], occ: &[f32], r: &[f32], dx: i64, dy: i64) -> f64 {
    let (mut sq, mut sr, mut sqq, mut srr, mut sqr, mut n) = (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for y in 0..N as i64 {
        let ry = y - dy;
        if ry < 0 || ry >= N as i64 {
            continue;
        }
        for x in 0..N as i64 {
            let rx = x - dx;
            if rx < 0 || rx >= N as i64 {
                continue;
            }
            let qi = (y as usize) * N + x as usize;
            if occ[qi] > 0.3 {
                continue;
            }
            let a = q[qi] as f64;
            let b = r[(ry as usize) * N + rx as usize] as f64;
            sq += a;
            sr += b;
            sqq += a * a;
            srr += b * b;
            sqr += a * b;
            n += 1.0;
        }
    }
    if n < 10.0 {
        return -1.0;
    }
    let cov = sqr - sq * sr / n;
    let vq = sqq - sq * sq / n;
    let vr = srr - sr * sr / n;
    let d = (vq * vr).sqrt();
    if d > 1e-12 {
        cov / d
    } else {
        -1.0
    }
}

pub struct Coarse {
    pub sim: Sim,
    /// verification NCC of the chosen candidate
    #[allow(dead_code)]
    pub ncc: f64,
}

/// Coarse alignment over the full 0-360 degrees.
pub fn coarse(
    reg: &InkMap,
    rbox: &BoxI,
    rc: (f64, f64),
    q: &InkMap,
    qbox: &BoxI,
    scale_hint: Option<f64>,
) -> Option<Coarse> {
    let rdim = rbox.w().max(rbox.h()) as f64;
    let qdim = qbox.w().max(qbox.h()) as f64;
    let f_r = (rdim / D).max(0.05);
    let f_q = match scale_hint {
        Some(s) if s.is_finite() && s > 0.05 => f_r * s,
        _ => (qdim / D).max(0.05),
    };
    let cr = make_canvas(reg, rbox, rc, f_r, 0.1);
    let cq = make_canvas(q, qbox, qbox.center(), f_q, 0.08);
    let (lr, lq) = spectra_logpolar(&cr.v, &cq.v);
    let surf = {
        // phase correlation on LP_A x LP_L
        // one complex FFT of (lq + i lr), then split the two real spectra
        let mut zr = lq.clone();
        let mut zi = lr.clone();
        fft2d(LP_A, LP_L, &mut zr, &mut zi, false);
        let mut ar = vec![0.0; LP_A * LP_L];
        let mut ai = vec![0.0; LP_A * LP_L];
        for ky in 0..LP_L {
            for kx in 0..LP_A {
                let k = ky * LP_A + kx;
                let mk = ((LP_L - ky) % LP_L) * LP_A + (LP_A - kx) % LP_A;
                let (cr, ci) = (zr[mk], -zi[mk]);
                // A = spectrum of lq, B = spectrum of lr
                let (a_r, a_i) = (0.5 * (zr[k] + cr), 0.5 * (zi[k] + ci));
                let (b_r, b_i) = (0.5 * (zi[k] - ci), -0.5 * (zr[k] - cr));
                ar[k] = a_r * b_r + a_i * b_i;
                ai[k] = a_i * b_r - a_r * b_i;
            }
        }
        for i in 0..LP_A * LP_L {
            let r = ar[i];
            let im = ai[i];
            let m = (r * r + im * im).sqrt() + 1e-9;
            let sq = m.sqrt();
            let g = 1.0 / (sq * sq.sqrt());
            ar[i] = r * g;
            ai[i] = im * g;
        }
        fft2d(LP_A, LP_L, &mut ar, &mut ai, true);
        ar
    };
    let dl = libm::log(LP_R1 / LP_R0) / (LP_L as f64 - 1.0);
    let max_ls = if scale_hint.is_some() { libm::log(1.08) } else { libm::log(1.4) };
    // restrict scale range by zeroing disallowed rows
    let mut surf = surf;
    for j in 0..LP_L {
        let dy = if j >= LP_L / 2 { j as f64 - LP_L as f64 } else { j as f64 };
        if (dy * dl).abs() > max_ls + dl {
            for i in 0..LP_A {
                surf[j * LP_A + i] = f64::MIN / 4.0;
            }
        }
    }
    let pk = peaks(&surf, LP_A, LP_L, 2, 3);
    let sq = spec_of(&cq.v);
    let mut cands: Vec<(f64, f64)> = Vec::new();
    for (pi, &(dx, dy, _)) in pk.iter().enumerate() {
        let t0 = -dx * 180.0 / LP_A as f64;
        let s_w = libm::exp(-dy * dl).clamp(0.6, 1.7);
        // the best peak is tried at all four quarter turns (square frames), the runner-up at 0/180
        let ks: &[f64] = if pi == 0 { &[0.0, 90.0, 180.0, 270.0] } else { &[0.0, 180.0] };
        for &k in ks {
            cands.push((t0 + k, s_w));
        }
    }
    let mut best: Option<(f64, f64, f64, f64, f64)> = None; // ncc, rot, s, dx, dy
    let mut ci = 0;
    while ci < cands.len() {
        // the runner-up peak is only tried when the best peak did not verify convincingly
        if ci >= 4 && best.is_some_and(|b| b.0 >= 0.6) {
            break;
        }
        let a = cands[ci];
        let b = cands.get(ci + 1).copied();
        let wa = warp_canvas(&cr.v, a.0, a.1);
        let wb = b.map(|b| warp_canvas(&cr.v, b.0, b.1));
        let surfs = pcorr2(&sq, &wa, wb.as_deref());
        for (k, surf) in surfs.iter().enumerate() {
            let (cand, rw) = if k == 0 {
                (a, &wa)
            } else {
                match (b, wb.as_ref()) {
                    (Some(b), Some(w)) => (b, w),
                    _ => continue,
                }
            };
            let tp = peaks(surf, N, N, 1, 1);
            let Some(&(tx, ty, _)) = tp.first() else { continue };
            let ncc = ncc_shift(&cq.v, &cq.occ, rw, libm::round(tx) as i64, libm::round(ty) as i64);
            if best.is_none_or(|bb| ncc > bb.0) {
                best = Some((ncc, cand.0, cand.1, tx, ty));
            }
        }
        ci += 2;
    }
    let (ncc, t, s_w, tx, ty) = best?;
    let cq_full = (cq.c.0 + cq.f * tx, cq.c.1 + cq.f * ty);
    let sim = Sim::about(t, cq.f * s_w / cr.f, cr.c, cq_full);
    if !sim.is_finite() {
        return None;
    }
    Some(Coarse { sim, ncc })
}

const UNKNOWN: f64 = -9.0;

#[derive(Debug, Clone, Copy, Default)]
pub struct Block {
    /// block centre, registered coordinates
    pub cx: f64,
    pub cy: f64,
    pub gx: usize,
    pub gy: usize,
    pub valid: bool,
    pub dx: f64,
    pub dy: f64,
    pub ncc: f64,
    pub at_edge: bool,
    pub occ_frac: f64,
    /// smaller / larger eigenvalue of the block's gradient structure tensor (1 = isotropic)
    pub iso: f64,
    /// the registered block's gradient structure tensor [sum gx^2, sum gx*gy, sum gy^2]
    pub tensor: [f64; 3],
    /// mean ink strength of the registered block and of the questioned one (at the match)
    pub r_mean: f64,
    pub q_mean: f64,
    /// Gauss-Newton displacement of each 2 x 2 quadrant relative to the block's match
    /// ([dx, dy] per quadrant, row-major), and which quadrants had structure enough to solve.
    pub quad: [f64; 8],
    pub quad_ok: u8,
}

impl Block {
    /// RMS displacement of the solved quadrants about the block's match (two or more solved).
    pub fn quadrant_rms(&self) -> Option<f64> {
        let solved: Vec<usize> = (0..4).filter(|q| self.quad_ok & (1 << q) != 0).collect();
        if solved.len() < 2 {
            return None;
        }
        let ss: f64 = solved
            .iter()
            .map(|&q| self.quad[2 * q] * self.quad[2 * q] + self.quad[2 * q + 1] * self.quad[2 * q + 1])
            .sum();
        Some((ss / solved.len() as f64).sqrt())
    }
}

pub struct BlockGrid {
    pub nx: usize,
    pub ny: usize,
    pub bs: usize,
    pub x0: i64,
    pub y0: i64,
    pub blocks: Vec<Block>,
}

pub fn grid_for(rbox: &BoxI, bs: usize) -> (usize, usize, i64, i64) {
    let nx = rbox.w().div_ceil(bs).max(1);
    let ny = rbox.h().div_ceil(bs).max(1);
    let x0 = rbox.x0 as i64 - ((nx * bs) as i64 - rbox.w() as i64) / 2;
    let y0 = rbox.y0 as i64 - ((ny * bs) as i64 - rbox.h() as i64) / 2;
    (nx, ny, x0, y0)
}

/// Match blocks of the registered strength map against the questioned map warped into the
/// registered frame by `sim`. Displacements are in registered pixels: R(p) ~ W(p + d).
/// A float map covering the rectangle [ox, ox + w) x [oy, oy + h) of a larger image.
pub struct Plane {
    pub v: Vec<f32>,
    pub w: usize,
    pub h: usize,
    pub ox: usize,
    pub oy: usize,
}

pub fn match_blocks(
    rs: &[f32],
    rw: usize,
    rh: usize,
    rbox: &BoxI,
    qp: &Plane,
    q: &InkMap,
    sim: &Proj,
    bs: usize,
    search: i64,
    lk_iters: usize,
    quadrants: bool,
) -> BlockGrid {
    let refine = lk_iters > 0;
    let qs = &qp.v[..];
    let (pw, ph) = (qp.w, qp.h);
    let (pox, poy) = (qp.ox as f64, qp.oy as f64);
    let (nx, ny, gx0, gy0) = grid_for(rbox, bs);
    let m = search + 1;
    let wx0 = gx0 - m;
    let wy0 = gy0 - m;
    let ww = (nx * bs) as i64 + 2 * m;
    let wh = (ny * bs) as i64 + 2 * m;
    let (wwu, whu) = (ww.max(1) as usize, wh.max(1) as usize);
    let mut wv = vec![0.0f32; wwu * whu];
    let (qwf, qhf) = (q.w as f64, q.h as f64);
    let (pwf, phf) = (pw as f64, ph as f64);
    for y in 0..whu {
        let py = (wy0 + y as i64) as f64;
        for x in 0..wwu {
            let px = (wx0 + x as i64) as f64;
            let (qx, qy) = sim.apply(px, py);
            let (qx, qy) = (qx - pox, qy - poy);
            let k = y * wwu + x;
            if qx >= 0.0 && qy >= 0.0 && qx < pwf - 1.0 && qy < phf - 1.0 {
                // fast interior path
                let x0 = qx as usize;
                let y0 = qy as usize;
                let fx = (qx - x0 as f64) as f32;
                let fy = (qy - y0 as f64) as f32;
                let i0 = y0 * pw + x0;
                let v00 = qs[i0];
                let v10 = qs[i0 + 1];
                let v01 = qs[i0 + pw];
                let v11 = qs[i0 + pw + 1];
                let top = v00 + (v10 - v00) * fx;
                let bot = v01 + (v11 - v01) * fx;
                wv[k] = top + (bot - top) * fy;
            } else {
                wv[k] = bilinear(qs, pw, ph, qx, qy);
            }
        }
    }
    // integral images of W and W^2
    let iw = wwu + 1;
    let mut s1 = vec![0.0f64; iw * (whu + 1)];
    let mut s2 = vec![0.0f64; iw * (whu + 1)];
    for y in 0..whu {
        let (mut r1, mut r2) = (0.0f64, 0.0f64);
        for x in 0..wwu {
            let v = wv[y * wwu + x] as f64;
            r1 += v;
            r2 += v * v;
            s1[(y + 1) * iw + x + 1] = s1[y * iw + x + 1] + r1;
            s2[(y + 1) * iw + x + 1] = s2[y * iw + x + 1] + r2;
        }
    }
    let rect = |s: &[f64], x: usize, y: usize, w: usize, h: usize| -> f64 {
        s[(y + h) * iw + x + w] - s[y * iw + x + w] - s[(y + h) * iw + x] + s[y * iw + x]
    };
    let (gxw, gyw) = if refine {
        let mut gx = vec![0.0f32; wwu * whu];
        let mut gy = vec![0.0f32; wwu * whu];
        for y in 1..whu.saturating_sub(1) {
            for x in 1..wwu.saturating_sub(1) {
                let i = y * wwu + x;
                gx[i] = 0.5 * (wv[i + 1] - wv[i - 1]);
                gy[i] = 0.5 * (wv[i + wwu] - wv[i - wwu]);
            }
        }
        (gx, gy)
    } else {
        (Vec::new(), Vec::new())
    };
    let nb = (bs * bs) as f64;
    let mut blocks = Vec::with_capacity(nx * ny);
    let mut rblk = vec![0.0f32; bs * bs];
    let side = (2 * search + 1) as usize;
    let mut nccs = vec![-2.0f64; side * side];
    for gy in 0..ny {
        for gx in 0..nx {
            let bx = gx0 + (gx * bs) as i64;
            let by = gy0 + (gy * bs) as i64;
            let mut blk = Block {
                cx: bx as f64 + (bs as f64 - 1.0) * 0.5,
                cy: by as f64 + (bs as f64 - 1.0) * 0.5,
                gx,
                gy,
                ..Default::default()
            };
            // registered block
            let (mut sr, mut srr) = (0.0f64, 0.0f64);
            for y in 0..bs {
                for x in 0..bs {
                    let px = bx + x as i64;
                    let py = by + y as i64;
                    let v = if px >= 0 && py >= 0 && (px as usize) < rw && (py as usize) < rh {
                        rs[py as usize * rw + px as usize]
                    } else {
                        0.0
                    };
                    rblk[y * bs + x] = v;
                    sr += v as f64;
                    srr += (v as f64) * (v as f64);
                }
            }
            let vr = srr - sr * sr / nb;
            let mean_r = sr / nb;
            {
                let (mut a, mut b, mut c) = (0.0f64, 0.0f64, 0.0f64);
                for y in 1..bs - 1 {
                    for x in 1..bs - 1 {
                        let gx = 0.5 * (rblk[y * bs + x + 1] - rblk[y * bs + x - 1]) as f64;
                        let gy = 0.5 * (rblk[(y + 1) * bs + x] - rblk[(y - 1) * bs + x]) as f64;
                        a += gx * gx;
                        b += gx * gy;
                        c += gy * gy;
                    }
                }
                blk.iso = isotropy(a, b, c);
                blk.tensor = [a, b, c];
            }
            // occlusion fraction at zero shift
            let ox = (bx - wx0) as usize;
            let oy = (by - wy0) as usize;
            let _ = (ox, oy);
            let (mut occ, mut tot) = (0usize, 0usize);
            for y in (0..bs).step_by(2) {
                for x in (0..bs).step_by(2) {
                    let (qx, qy) = sim.apply((bx + x as i64) as f64, (by + y as i64) as f64);
                    let xs = qx + 0.5;
                    let ys = qy + 0.5;
                    tot += 1;
                    if xs >= 0.0
                        && ys >= 0.0
                        && xs < qwf
                        && ys < qhf
                        && q.class.get(ys as usize * q.w + xs as usize).copied() == Some(OCCLUDED)
                    {
                        occ += 1;
                    }
                }
            }
            blk.occ_frac = occ as f64 / tot.max(1) as f64;
            // need structure: both ink and background in the block
            let no_structure = vr / nb < 0.02 || !(0.05..=0.95).contains(&mean_r);
            if no_structure || blk.occ_frac > 0.3 {
                blocks.push(blk);
                continue;
            }
            for v in nccs.iter_mut() {
                *v = UNKNOWN;
            }
            let eval = |dx: i64, dy: i64, nccs: &mut Vec<f64>| -> f64 {
                let k = ((dy + search) as usize) * side + (dx + search) as usize;
                if nccs[k] != UNKNOWN {
                    return nccs[k];
                }
                let sx = (bx + dx - wx0) as usize;
                let sy = (by + dy - wy0) as usize;
                let mut srw = 0.0f32;
                for y in 0..bs {
                    let wrow = &wv[(sy + y) * wwu + sx..(sy + y) * wwu + sx + bs];
                    let rrow = &rblk[y * bs..(y + 1) * bs];
                    let mut acc = [0.0f32; 8];
                    let chunks = bs / 8;
                    for c in 0..chunks {
                        let r8 = &rrow[c * 8..c * 8 + 8];
                        let w8 = &wrow[c * 8..c * 8 + 8];
                        for l in 0..8 {
                            acc[l] += r8[l] * w8[l];
                        }
                    }
                    let mut tail = 0.0f32;
                    for x in chunks * 8..bs {
                        tail += rrow[x] * wrow[x];
                    }
                    srw += ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
                }
                let sw = rect(&s1, sx, sy, bs, bs);
                let sww = rect(&s2, sx, sy, bs, bs);
                let vw = sww - sw * sw / nb;
                let cov = srw as f64 - sr * sw / nb;
                let d = (vr * vw.max(0.0)).sqrt();
                let ncc = if d > 1e-9 { cov / d } else { -1.0 };
                nccs[k] = ncc;
                ncc
            };
            // hill climbing from zero displacement over the 8-neighbourhood
            let mut best = (eval(0, 0, &mut nccs), 0i64, 0i64);
            for _ in 0..(4 * search + 4) {
                let (_, cx, cy) = best;
                let mut nb_best = best;
                for dy in -1i64..=1 {
                    for dx in -1i64..=1 {
                        let (ex, ey) = (cx + dx, cy + dy);
                        if (dx == 0 && dy == 0) || ex.abs() > search || ey.abs() > search {
                            continue;
                        }
                        let v = eval(ex, ey, &mut nccs);
                        if v > nb_best.0 {
                            nb_best = (v, ex, ey);
                        }
                    }
                }
                if nb_best.1 == cx && nb_best.2 == cy {
                    break;
                }
                best = nb_best;
            }
            let (pk, bdx, bdy) = best;
            blk.ncc = pk;
            blk.r_mean = mean_r;
            blk.q_mean = rect(&s1, (bx + bdx - wx0) as usize, (by + bdy - wy0) as usize, bs, bs) / nb;
            blk.at_edge = bdx.abs() == search || bdy.abs() == search;
            let at = |dx: i64, dy: i64| nccs[((dy + search) as usize) * side + (dx + search) as usize];
            let sub = |m: f64, c: f64, p: f64| -> f64 {
                if m == UNKNOWN || p == UNKNOWN {
                    return 0.0;
                }
                let den = m - 2.0 * c + p;
                if den < -1e-12 {
                    (0.5 * (m - p) / den).clamp(-0.5, 0.5)
                } else {
                    0.0
                }
            };
            let mut fdx = bdx as f64;
            let mut fdy = bdy as f64;
            if bdx.abs() < search {
                fdx += sub(at(bdx - 1, bdy), pk, at(bdx + 1, bdy));
            }
            if bdy.abs() < search {
                fdy += sub(at(bdx, bdy - 1), pk, at(bdx, bdy + 1));
            }
            if refine && !blk.at_edge && pk > 0.2 {
                let (rx, ry, quad, quad_ok) = lk_refine(
                    &rblk,
                    bs,
                    &wv,
                    &gxw,
                    &gyw,
                    wwu,
                    whu,
                    (bx - wx0) as f64,
                    (by - wy0) as f64,
                    fdx,
                    fdy,
                    lk_iters,
                    quadrants,
                );
                fdx = rx;
                fdy = ry;
                blk.quad = quad;
                blk.quad_ok = quad_ok;
            }
            blk.dx = fdx;
            blk.dy = fdy;
            blk.valid = pk > 0.2;
            blocks.push(blk);
        }
    }
    BlockGrid { nx, ny, bs, x0: gx0, y0: gy0, blocks }
}

/// Smaller over larger eigenvalue of the structure tensor [[a, b], [b, c]] (1 = isotropic,
/// 0 = a lone straight edge or no structure).
fn isotropy(a: f64, b: f64, c: f64) -> f64 {
    let tr = a + c;
    let disc = ((a - c) * (a - c) + 4.0 * b * b).sqrt();
    let l1 = 0.5 * (tr + disc);
    let l2 = 0.5 * (tr - disc);
    if l1 > 1e-12 {
        (l2 / l1).max(0.0)
    } else {
        0.0
    }
}

/// Gain/offset-normalised Lucas-Kanade refinement of a block displacement (sub-pixel).
fn lk_refine(
    rblk: &[f32],
    bs: usize,
    wv: &[f32],
    gx: &[f32],
    gy: &[f32],
    ww: usize,
    wh: usize,
    ox: f64,
    oy: f64,
    dx0: f64,
    dy0: f64,
    iters: usize,
    quadrants: bool,
) -> (f64, f64, [f64; 8], u8) {
    let n = (bs * bs) as f64;
    let mr = rblk.iter().map(|&v| v as f64).sum::<f64>() / n;
    let vr = rblk.iter().map(|&v| (v as f64 - mr) * (v as f64 - mr)).sum::<f64>() / n;
    if vr < 1e-8 {
        return (dx0, dy0, [0.0; 8], 0);
    }
    let sr = vr.sqrt();
    let rn: Vec<f32> = rblk.iter().map(|&v| ((v as f64 - mr) / sr) as f32).collect();
    let (mut dx, mut dy) = (dx0, dy0);
    let mut wbuf = vec![0.0f32; bs * bs];
    let mut gxb = vec![0.0f32; bs * bs];
    let mut gyb = vec![0.0f32; bs * bs];
    let mut quad = [0.0f64; 8];
    let mut quad_ok = 0u8;
    let half = bs / 2;
    let mut converged = false;
    for it in 0..=iters {
        let last = it == iters || converged;
        let mut sw = 0.0f64;
        // constant sub-pixel offset for the whole block: fixed bilinear weights
        let bxf = ox + dx;
        let byf = oy + dy;
        let fx0 = libm::floor(bxf);
        let fy0 = libm::floor(byf);
        let (ix, iy) = (fx0 as i64, fy0 as i64);
        if ix < 0 || iy < 0 || ix as usize + bs + 1 > ww || iy as usize + bs + 1 > wh {
            break;
        }
        let (ix, iy) = (ix as usize, iy as usize);
        let fx = (bxf - fx0) as f32;
        let fy = (byf - fy0) as f32;
        let w00 = (1.0 - fx) * (1.0 - fy);
        let w10 = fx * (1.0 - fy);
        let w01 = (1.0 - fx) * fy;
        let w11 = fx * fy;
        for y in 0..bs {
            let r0 = (iy + y) * ww + ix;
            let r1 = r0 + ww;
            let mut rs = 0.0f32;
            for x in 0..bs {
                let i = y * bs + x;
                let (a0, a1, b0, b1) = (r0 + x, r0 + x + 1, r1 + x, r1 + x + 1);
                let v = w00 * wv[a0] + w10 * wv[a1] + w01 * wv[b0] + w11 * wv[b1];
                wbuf[i] = v;
                gxb[i] = w00 * gx[a0] + w10 * gx[a1] + w01 * gx[b0] + w11 * gx[b1];
                gyb[i] = w00 * gy[a0] + w10 * gy[a1] + w01 * gy[b0] + w11 * gy[b1];
                rs += v;
            }
            sw += rs as f64;
        }
        let mw = (sw / n) as f32;
        let mut vw = 0.0f64;
        for y in 0..bs {
            let mut rs = 0.0f32;
            for &v in &wbuf[y * bs..(y + 1) * bs] {
                rs += (v - mw) * (v - mw);
            }
            vw += rs as f64;
        }
        let vw = vw / n;
        if vw < 1e-8 {
            break;
        }
        let inv = (1.0 / vw.sqrt()) as f32;
        if last && !quadrants {
            break;
        }
        if last {
            // one Gauss-Newton step per quadrant from the block's final position
            let mut qs = [[0.0f64; 5]; 4];
            for y in 0..bs {
                for x in 0..bs {
                    let i = y * bs + x;
                    let e = ((wbuf[i] - mw) * inv - rn[i]) as f64;
                    let u = (gxb[i] * inv) as f64;
                    let v = (gyb[i] * inv) as f64;
                    let k = (y >= half) as usize * 2 + (x >= half) as usize;
                    let t = &mut qs[k];
                    t[0] += u * u;
                    t[1] += u * v;
                    t[2] += v * v;
                    t[3] += u * e;
                    t[4] += v * e;
                }
            }
            for (k, t) in qs.iter().enumerate() {
                let det = t[0] * t[2] - t[1] * t[1];
                // structure in both directions: smaller eigenvalue at least a tenth of the larger
                if det > 1e-12 && isotropy(t[0], t[1], t[2]) >= 0.1 {
                    let ux = -(t[2] * t[3] - t[1] * t[4]) / det;
                    let uy = -(-t[1] * t[3] + t[0] * t[4]) / det;
                    if ux.is_finite() && uy.is_finite() && ux.abs() < 2.0 && uy.abs() < 2.0 {
                        quad[2 * k] = ux;
                        quad[2 * k + 1] = uy;
                        quad_ok |= 1 << k;
                    }
                }
            }
            break;
        }
        let (mut a, mut b, mut c, mut ex, mut ey) = (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for y in 0..bs {
            let (mut ra, mut rb, mut rc, mut rx, mut ry) = (0.0f32, 0.0f32, 0.0f32, 0.0f32, 0.0f32);
            for x in 0..bs {
                let i = y * bs + x;
                let e = (wbuf[i] - mw) * inv - rn[i];
                let u = gxb[i] * inv;
                let v = gyb[i] * inv;
                ra += u * u;
                rb += u * v;
                rc += v * v;
                rx += u * e;
                ry += v * e;
            }
            a += ra as f64;
            b += rb as f64;
            c += rc as f64;
            ex += rx as f64;
            ey += ry as f64;
        }
        let det = a * c - b * b;
        if !(det > 1e-12) {
            break;
        }
        let mut ux = -(c * ex - b * ey) / det;
        let mut uy = -(-b * ex + a * ey) / det;
        let m = (ux * ux + uy * uy).sqrt();
        if m > 0.5 {
            ux *= 0.5 / m;
            uy *= 0.5 / m;
        }
        dx += ux;
        dy += uy;
        if m < 0.01 {
            // converged: one more pass at this position for the quadrants only
            converged = true;
        }
    }
    if (dx - dx0).abs() > 1.0 || (dy - dy0).abs() > 1.0 || !dx.is_finite() || !dy.is_finite() {
        return (dx0, dy0, [0.0; 8], 0);
    }
    (dx, dy, quad, quad_ok)
}

/// Robust fit of the global map from block displacements (IRLS with Tukey weights), as a
/// similarity, an affine or a projective map.
pub fn fit_from_blocks(g: &BlockGrid, sim: &Proj, tukey_c: f64, model: Model) -> Option<Proj> {
    let mut p = Vec::new();
    let mut q = Vec::new();
    let mut w0 = Vec::new();
    for b in g.blocks.iter() {
        if !b.valid || b.at_edge {
            continue;
        }
        p.push((b.cx, b.cy));
        q.push(sim.apply(b.cx + b.dx, b.cy + b.dy));
        w0.push((b.ncc - 0.2).max(0.0));
    }
    let min_n = match model {
        Model::Similarity => 3,
        Model::Affine => 6,
        Model::Projective => 10,
    };
    if p.len() < min_n {
        return None;
    }
    let mut cur = fit_model(&p, &q, &w0, model)?;
    for _ in 0..4 {
        let w: Vec<f64> = (0..p.len())
            .map(|i| {
                let (x, y) = cur.apply(p[i].0, p[i].1);
                let (ex, ey) = (x - q[i].0, y - q[i].1);
                let r = (ex * ex + ey * ey).sqrt() / tukey_c;
                if r >= 1.0 {
                    0.0
                } else {
                    w0[i] * (1.0 - r * r) * (1.0 - r * r)
                }
            })
            .collect();
        cur = fit_model(&p, &q, &w, model).unwrap_or(cur);
    }
    Some(cur)
}
