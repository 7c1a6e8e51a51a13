//! Geometry helpers: similarity transforms, sampling, distance transforms, resampling.

/// Similarity transform p_q = [[a, b], [-b, a]] p_r + (tx, ty); a = s cos t, b = s sin t.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sim {
    pub a: f64,
    pub b: f64,
    pub tx: f64,
    pub ty: f64,
}

impl Sim {
    pub fn from_params(rot_deg: f64, scale: f64, tx: f64, ty: f64) -> Sim {
        let t = rot_deg.to_radians();
        Sim { a: scale * libm::cos(t), b: scale * libm::sin(t), tx, ty }
    }
    /// Transform that maps `cr` to `cq` with rotation/scale about it.
    pub fn about(rot_deg: f64, scale: f64, cr: (f64, f64), cq: (f64, f64)) -> Sim {
        let mut s = Sim::from_params(rot_deg, scale, 0.0, 0.0);
        let (x, y) = s.apply(cr.0, cr.1);
        s.tx = cq.0 - x;
        s.ty = cq.1 - y;
        s
    }
    #[inline]
    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        (self.a * x + self.b * y + self.tx, -self.b * x + self.a * y + self.ty)
    }
    pub fn scale(&self) -> f64 {
        (self.a * self.a + self.b * self.b).sqrt()
    }
    pub fn rotation_deg(&self) -> f64 {
        let d = libm::atan2(self.b, self.a).to_degrees();
        normalize_deg(d)
    }
    pub fn inverse(&self) -> Sim {
        let s2 = self.a * self.a + self.b * self.b;
        let s2 = if s2 > 1e-12 { s2 } else { 1e-12 };
        let ia = self.a / s2;
        let ib = -self.b / s2;
        // p = [[ia, ib], [-ib, ia]] (q - t)
        let tx = -(ia * self.tx + ib * self.ty);
        let ty = -(-ib * self.tx + ia * self.ty);
        Sim { a: ia, b: ib, tx, ty }
    }
    pub fn is_finite(&self) -> bool {
        self.a.is_finite() && self.b.is_finite() && self.tx.is_finite() && self.ty.is_finite()
    }
}

/// outer(inner(p)).
pub fn compose(outer: &Sim, inner: &Sim) -> Sim {
    let a = outer.a * inner.a - outer.b * inner.b;
    let b = outer.a * inner.b + outer.b * inner.a;
    let (tx, ty) = outer.apply(inner.tx, inner.ty);
    Sim { a, b, tx, ty }
}

pub fn normalize_deg(d: f64) -> f64 {
    if !d.is_finite() {
        return 0.0;
    }
    let mut d = d % 360.0;
    if d <= -180.0 {
        d += 360.0;
    }
    if d > 180.0 {
        d -= 360.0;
    }
    d
}

/// Projective map (homography) p_q ~ M (x, y, 1), row-major 3 x 3 with m[8] = 1; the similarity
/// and affine maps are the cases m[6] = m[7] = 0 (and evaluate exactly as [`Sim`] does).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proj {
    pub m: [f64; 9],
}

impl Proj {
    pub fn from_sim(s: &Sim) -> Proj {
        Proj { m: [s.a, s.b, s.tx, -s.b, s.a, s.ty, 0.0, 0.0, 1.0] }
    }
    pub fn is_affine(&self) -> bool {
        self.m[6] == 0.0 && self.m[7] == 0.0
    }
    #[inline]
    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let m = &self.m;
        let u = m[0] * x + m[1] * y + m[2];
        let v = m[3] * x + m[4] * y + m[5];
        if self.is_affine() {
            return (u, v);
        }
        let w = m[6] * x + m[7] * y + m[8];
        let w = if w.abs() > 1e-9 { w } else { 1e-9 };
        (u / w, v / w)
    }
    /// Jacobian [du/dx, du/dy, dv/dx, dv/dy] at a point.
    pub fn jacobian(&self, x: f64, y: f64) -> [f64; 4] {
        let m = &self.m;
        let w = m[6] * x + m[7] * y + m[8];
        let w = if w.abs() > 1e-9 { w } else { 1e-9 };
        let (u, v) = self.apply(x, y);
        [(m[0] - u * m[6]) / w, (m[1] - u * m[7]) / w, (m[3] - v * m[6]) / w, (m[4] - v * m[7]) / w]
    }
    /// Linear scale at a point (square root of the Jacobian's determinant).
    pub fn scale_at(&self, x: f64, y: f64) -> f64 {
        let j = self.jacobian(x, y);
        (j[0] * j[3] - j[1] * j[2]).abs().sqrt()
    }
    pub fn inverse(&self) -> Proj {
        let m = &self.m;
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
        let d = if c[8].abs() > 1e-15 { c[8] } else { 1e-15 };
        let mut out = [0.0; 9];
        for k in 0..9 {
            out[k] = c[k] / d;
        }
        if self.is_affine() {
            out[6] = 0.0;
            out[7] = 0.0;
            out[8] = 1.0;
        }
        Proj { m: out }
    }
    /// outer(inner(p)).
    pub fn compose(outer: &Proj, inner: &Proj) -> Proj {
        let (a, b) = (&outer.m, &inner.m);
        let mut m = [0.0; 9];
        for r in 0..3 {
            for c in 0..3 {
                m[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
            }
        }
        let d = if m[8].abs() > 1e-15 { m[8] } else { 1e-15 };
        for v in m.iter_mut() {
            *v /= d;
        }
        if outer.is_affine() && inner.is_affine() {
            m[6] = 0.0;
            m[7] = 0.0;
            m[8] = 1.0;
        }
        Proj { m }
    }
    pub fn is_finite(&self) -> bool {
        self.m.iter().all(|v| v.is_finite())
    }
    /// The closest similarity at a point: the Jacobian's conformal part, mapping the point
    /// where the full map does.
    pub fn similarity_at(&self, x: f64, y: f64) -> Sim {
        let j = self.jacobian(x, y);
        let a = 0.5 * (j[0] + j[3]);
        let b = 0.5 * (j[1] - j[2]);
        let (qx, qy) = self.apply(x, y);
        let mut s = Sim { a, b, tx: 0.0, ty: 0.0 };
        let (u, v) = s.apply(x, y);
        s.tx = qx - u;
        s.ty = qy - v;
        s
    }
}

/// How a global map is fitted to block correspondences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    Similarity,
    Affine,
    Projective,
}

/// Solve a small dense system (Gaussian elimination, partial pivoting).
fn solve(mut a: Vec<f64>, mut b: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    for c in 0..n {
        let mut p = c;
        for r in c + 1..n {
            if a[r * n + c].abs() > a[p * n + c].abs() {
                p = r;
            }
        }
        if !(a[p * n + c].abs() > 1e-12) {
            return None;
        }
        if p != c {
            for k in 0..n {
                a.swap(p * n + k, c * n + k);
            }
            b.swap(p, c);
        }
        let piv = a[c * n + c];
        for r in c + 1..n {
            let f = a[r * n + c] / piv;
            if f != 0.0 {
                for k in c..n {
                    a[r * n + k] -= f * a[c * n + k];
                }
                b[r] -= f * b[c];
            }
        }
    }
    let mut x = vec![0.0; n];
    for c in (0..n).rev() {
        let mut s = b[c];
        for k in c + 1..n {
            s -= a[c * n + k] * x[k];
        }
        x[c] = s / a[c * n + c];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Weighted least-squares fit q_i ~ M(p_i) of an affine or projective map (coordinates
/// normalised about the weighted centroids; the projective fit is the linearised one, reweighted
/// twice towards the geometric error).
pub fn fit_model(p: &[(f64, f64)], q: &[(f64, f64)], w: &[f64], model: Model) -> Option<Proj> {
    if model == Model::Similarity {
        return fit_similarity(p, q, w).map(|s| Proj::from_sim(&s));
    }
    let n = p.len().min(q.len()).min(w.len());
    let sw: f64 = w[..n].iter().sum();
    if !(sw > 1e-9) || n < 4 {
        return None;
    }
    let mean = |v: &[(f64, f64)]| -> (f64, f64) {
        let (mut x, mut y) = (0.0, 0.0);
        for i in 0..n {
            x += w[i] * v[i].0;
            y += w[i] * v[i].1;
        }
        (x / sw, y / sw)
    };
    let (mp, mq) = (mean(p), mean(q));
    let rms = |v: &[(f64, f64)], m: (f64, f64)| -> f64 {
        let mut s = 0.0;
        for i in 0..n {
            s += w[i] * ((v[i].0 - m.0).powi(2) + (v[i].1 - m.1).powi(2));
        }
        (s / sw).sqrt().max(1e-6)
    };
    let (sp, sq) = (rms(p, mp), rms(q, mq));
    let np: Vec<(f64, f64)> = (0..n).map(|i| ((p[i].0 - mp.0) / sp, (p[i].1 - mp.1) / sp)).collect();
    let nq: Vec<(f64, f64)> = (0..n).map(|i| ((q[i].0 - mq.0) / sq, (q[i].1 - mq.1) / sq)).collect();
    let hn: [f64; 9] = match model {
        Model::Affine => {
            let mut ata = vec![0.0; 9];
            let (mut bx, mut by) = (vec![0.0; 3], vec![0.0; 3]);
            for i in 0..n {
                let r = [np[i].0, np[i].1, 1.0];
                for a in 0..3 {
                    for b in 0..3 {
                        ata[a * 3 + b] += w[i] * r[a] * r[b];
                    }
                    bx[a] += w[i] * r[a] * nq[i].0;
                    by[a] += w[i] * r[a] * nq[i].1;
                }
            }
            let x = solve(ata.clone(), bx, 3)?;
            let y = solve(ata, by, 3)?;
            [x[0], x[1], x[2], y[0], y[1], y[2], 0.0, 0.0, 1.0]
        }
        _ => {
            let mut h = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
            for _ in 0..3 {
                let mut ata = vec![0.0; 64];
                let mut atb = vec![0.0; 8];
                for i in 0..n {
                    let (x, y) = np[i];
                    let (u, v) = nq[i];
                    // weight towards the geometric error: 1 / w(p)^2 of the current estimate
                    let den = h[6] * x + h[7] * y + 1.0;
                    let g = w[i] / (den * den).max(1e-6);
                    let rows = [
                        ([x, y, 1.0, 0.0, 0.0, 0.0, -x * u, -y * u], u),
                        ([0.0, 0.0, 0.0, x, y, 1.0, -x * v, -y * v], v),
                    ];
                    for (r, t) in rows.iter() {
                        for a in 0..8 {
                            if r[a] == 0.0 {
                                continue;
                            }
                            for b in 0..8 {
                                ata[a * 8 + b] += g * r[a] * r[b];
                            }
                            atb[a] += g * r[a] * t;
                        }
                    }
                }
                let x = solve(ata, atb, 8)?;
                h = [x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], 1.0];
            }
            h
        }
    };
    // de-normalise: M = Tq^-1 Hn Tp
    let tp = Proj { m: [1.0 / sp, 0.0, -mp.0 / sp, 0.0, 1.0 / sp, -mp.1 / sp, 0.0, 0.0, 1.0] };
    let tq_inv = Proj { m: [sq, 0.0, mq.0, 0.0, sq, mq.1, 0.0, 0.0, 1.0] };
    let mut out = Proj::compose(&tq_inv, &Proj::compose(&Proj { m: hn }, &tp));
    if model == Model::Affine {
        out.m[6] = 0.0;
        out.m[7] = 0.0;
        out.m[8] = 1.0;
    }
    out.is_finite().then_some(out)
}

/// Weighted least-squares similarity fit q_i ~ S(p_i).
pub fn fit_similarity(p: &[(f64, f64)], q: &[(f64, f64)], w: &[f64]) -> Option<Sim> {
    let n = p.len().min(q.len()).min(w.len());
    let mut sw = 0.0;
    let (mut mpx, mut mpy, mut mqx, mut mqy) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..n {
        let wi = w[i];
        sw += wi;
        mpx += wi * p[i].0;
        mpy += wi * p[i].1;
        mqx += wi * q[i].0;
        mqy += wi * q[i].1;
    }
    if !(sw > 1e-9) {
        return None;
    }
    mpx /= sw;
    mpy /= sw;
    mqx /= sw;
    mqy /= sw;
    let (mut num_a, mut num_b, mut den) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let wi = w[i];
        let px = p[i].0 - mpx;
        let py = p[i].1 - mpy;
        let qx = q[i].0 - mqx;
        let qy = q[i].1 - mqy;
        num_a += wi * (px * qx + py * qy);
        num_b += wi * (qx * py - qy * px);
        den += wi * (px * px + py * py);
    }
    if !(den > 1e-9) {
        return None;
    }
    let a = num_a / den;
    let b = num_b / den;
    let tx = mqx - (a * mpx + b * mpy);
    let ty = mqy - (-b * mpx + a * mpy);
    let s = Sim { a, b, tx, ty };
    if s.is_finite() {
        Some(s)
    } else {
        None
    }
}

/// Bilinear sample of a w x h f32 map, 0 outside.
#[inline]
pub fn bilinear(map: &[f32], w: usize, h: usize, x: f64, y: f64) -> f32 {
    if !(x > -1.0 && y > -1.0 && x < w as f64 && y < h as f64) {
        return 0.0;
    }
    // x, y > -1 here, so truncation of (v + 1) gives floor(v) + 1
    let x0f = ((x + 1.0) as i64 - 1) as f64;
    let y0f = ((y + 1.0) as i64 - 1) as f64;
    let fx = (x - x0f) as f32;
    let fy = (y - y0f) as f32;
    let x0 = x0f as i64;
    let y0 = y0f as i64;
    let get = |xx: i64, yy: i64| -> f32 {
        if xx < 0 || yy < 0 || xx >= w as i64 || yy >= h as i64 {
            0.0
        } else {
            map.get(yy as usize * w + xx as usize).copied().unwrap_or(0.0)
        }
    };
    let v00 = get(x0, y0);
    let v10 = get(x0 + 1, y0);
    let v01 = get(x0, y0 + 1);
    let v11 = get(x0 + 1, y0 + 1);
    let top = v00 + (v10 - v00) * fx;
    let bot = v01 + (v11 - v01) * fx;
    top + (bot - top) * fy
}

/// Squared Euclidean distance to the nearest mask pixel, exact up to `r` pixels (r <= 120);
/// farther pixels get a value > r^2 (at most 2 (r+1)^2). Compact i16 output, branch-free loops.
pub fn dist2_trunc(mask: &[bool], w: usize, h: usize, r: usize) -> Vec<i16> {
    let n = w * h;
    if mask.len() < n || n == 0 {
        return vec![i16::MAX; n];
    }
    let r = r.min(120);
    let cap = (r + 1) as i32;
    let cap2 = (cap * cap) as i16;
    // squared horizontal distance to the nearest mask pixel in the row, capped at cap^2
    let mut g = vec![cap2; n];
    let pad = cap as usize;
    let mut prow = vec![cap2; w + 2 * pad];
    for y in 0..h {
        for (p, &m) in prow[pad..pad + w].iter_mut().zip(mask[y * w..(y + 1) * w].iter()) {
            *p = if m { 0 } else { cap2 };
        }
        let gr = &mut g[y * w..(y + 1) * w];
        for k in -(cap as i64)..=(cap as i64) {
            let kk = (k * k) as i16;
            let st = (pad as i64 + k) as usize;
            for (o, &m) in gr.iter_mut().zip(prow[st..st + w].iter()) {
                *o = (*o).min(m.max(kk));
            }
        }
    }
    let mut d2 = vec![cap2; n];
    let ri = r as i64;
    for y in 0..h {
        let out = &mut d2[y * w..(y + 1) * w];
        for dy in -ri..=ri {
            let yy = y as i64 + dy;
            if yy < 0 || yy >= h as i64 {
                continue;
            }
            let dd = (dy * dy) as i16;
            let gr = &g[yy as usize * w..(yy as usize + 1) * w];
            for (o, &g2) in out.iter_mut().zip(gr.iter()) {
                *o = (*o).min(g2 + dd);
            }
        }
    }
    d2
}

#[cfg(test)]
/// Euclidean distance to the nearest mask pixel, exact up to `r` pixels; farther pixels get a
/// value > r.
pub fn distance_transform_trunc(mask: &[bool], w: usize, h: usize, r: usize) -> Vec<f32> {
    dist2_trunc(mask, w, h, r).iter().map(|&v| (v as f32).sqrt()).collect()
}

/// Area-average resample of a region of `src` (w x h) into an `ow` x `oh` map. Output pixel (i, j)
/// covers source coordinates [x0 + i*f - 0.5, x0 + (i+1)*f - 0.5) (pixel-centre convention).
/// Simple separable box filter with fractional weights.
pub fn resample_area(src: &[f32], w: usize, h: usize, x0: f64, y0: f64, f: f64, ow: usize, oh: usize) -> Vec<f32> {
    let f = if f > 1e-6 { f } else { 1.0 };
    // horizontal pass: for each src row, produce ow columns
    let weights = |start: f64, len: usize, n: usize| -> Vec<Vec<(usize, f32)>> {
        (0..n)
            .map(|i| {
                let a = start + i as f64 * f; // edge coordinates (pixel k spans [k-0.5,k+0.5))
                let b = a + f;
                let mut v = Vec::new();
                let k0 = libm::floor(a + 0.5) as i64;
                let k1 = libm::floor(b + 0.5) as i64;
                let mut tot = 0.0;
                for k in k0..=k1 {
                    let lo = (k as f64 - 0.5).max(a);
                    let hi = (k as f64 + 0.5).min(b);
                    if hi > lo {
                        tot += hi - lo;
                        if k >= 0 && (k as usize) < len {
                            v.push((k as usize, (hi - lo) as f32));
                        }
                    }
                }
                let norm = if tot > 0.0 { (1.0 / tot) as f32 } else { 0.0 };
                for e in v.iter_mut() {
                    e.1 *= norm;
                }
                v
            })
            .collect()
    };
    let wx = weights(x0 - 0.5, w, ow);
    let wy = weights(y0 - 0.5, h, oh);
    // rows needed
    let mut tmp = vec![0.0f32; ow * h];
    let mut row_needed = vec![false; h];
    for r in wy.iter() {
        for &(k, _) in r {
            row_needed[k] = true;
        }
    }
    for y in 0..h {
        if !row_needed[y] {
            continue;
        }
        let row = &src[y * w..(y + 1) * w];
        for (i, ws) in wx.iter().enumerate() {
            let mut s = 0.0f32;
            for &(k, wt) in ws {
                s += row[k] * wt;
            }
            tmp[y * ow + i] = s;
        }
    }
    let mut out = vec![0.0f32; ow * oh];
    for (j, ws) in wy.iter().enumerate() {
        for &(k, wt) in ws {
            let trow = &tmp[k * ow..(k + 1) * ow];
            let orow = &mut out[j * ow..(j + 1) * ow];
            for i in 0..ow {
                orow[i] += trow[i] * wt;
            }
        }
    }
    out
}

/// Separable [1 2 1]/4 blur applied `passes` times (approximate Gaussian, sigma ~ sqrt(passes/2)).
pub fn blur121(map: &mut [f32], w: usize, h: usize, passes: usize) {
    if w < 3 || h < 3 || map.len() < w * h {
        return;
    }
    let mut tmp = vec![0.0f32; w * h];
    for _ in 0..passes {
        for y in 0..h {
            let r = &map[y * w..(y + 1) * w];
            let t = &mut tmp[y * w..(y + 1) * w];
            t[0] = (3.0 * r[0] + r[1]) * 0.25;
            for x in 1..w - 1 {
                t[x] = (r[x - 1] + 2.0 * r[x] + r[x + 1]) * 0.25;
            }
            t[w - 1] = (3.0 * r[w - 1] + r[w - 2]) * 0.25;
        }
        for x in 0..w {
            map[x] = (3.0 * tmp[x] + tmp[w + x]) * 0.25;
            for y in 1..h - 1 {
                map[y * w + x] = (tmp[(y - 1) * w + x] + 2.0 * tmp[y * w + x] + tmp[(y + 1) * w + x]) * 0.25;
            }
            map[(h - 1) * w + x] = (3.0 * tmp[(h - 1) * w + x] + tmp[(h - 2) * w + x]) * 0.25;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn sim_inverse_and_fit() {
        let s = Sim::from_params(137.0, 1.1, 20.0, -5.0);
        let inv = s.inverse();
        let (x, y) = s.apply(3.0, 4.0);
        let (u, v) = inv.apply(x, y);
        assert!((u - 3.0).abs() < 1e-9 && (v - 4.0).abs() < 1e-9);
        let p: Vec<(f64, f64)> = vec![(0.0, 0.0), (10.0, 0.0), (0.0, 10.0), (7.0, 3.0)];
        let q: Vec<(f64, f64)> = p.iter().map(|&(a, b)| s.apply(a, b)).collect();
        let f = fit_similarity(&p, &q, &[1.0; 4]).unwrap();
        assert!((f.rotation_deg() - 137.0).abs() < 1e-6);
        assert!((f.scale() - 1.1).abs() < 1e-9);
    }
    #[test]
    fn projective_fit_recovers_a_homography() {
        let h = Proj { m: [1.01, 0.02, 5.0, -0.015, 0.99, -3.0, 2e-5, -1e-5, 1.0] };
        let p: Vec<(f64, f64)> =
            (0..49).map(|k| ((k % 7) as f64 * 40.0 + 10.0, (k / 7) as f64 * 35.0 + 20.0)).collect();
        let q: Vec<(f64, f64)> = p.iter().map(|&(x, y)| h.apply(x, y)).collect();
        let f = fit_model(&p, &q, &vec![1.0; p.len()], Model::Projective).unwrap();
        for &(x, y) in &p {
            let (a, b) = (h.apply(x, y), f.apply(x, y));
            assert!((a.0 - b.0).abs() < 1e-6 && (a.1 - b.1).abs() < 1e-6);
        }
        let a = fit_model(&p, &q, &vec![1.0; p.len()], Model::Affine).unwrap();
        assert!(a.is_affine());
        let inv = h.inverse();
        let (x, y) = h.apply(100.0, 50.0);
        let (u, v) = inv.apply(x, y);
        assert!((u - 100.0).abs() < 1e-9 && (v - 50.0).abs() < 1e-9);
        // a similarity evaluates exactly as before
        let s = Sim::from_params(33.0, 1.02, 4.0, 5.0);
        assert_eq!(Proj::from_sim(&s).apply(7.25, -3.5), s.apply(7.25, -3.5));
    }
    #[test]
    fn rotation_convention() {
        // positive rotation: a point right of centre moves up (y decreases)
        let s = Sim::from_params(90.0, 1.0, 0.0, 0.0);
        let (x, y) = s.apply(1.0, 0.0);
        assert!(x.abs() < 1e-9 && (y + 1.0).abs() < 1e-9);
    }
    #[test]
    fn dt_basic() {
        let (w, h) = (7, 5);
        let mut m = vec![false; w * h];
        m[2 * w + 3] = true;
        let d = distance_transform_trunc(&m, w, h, 8);
        assert!((d[2 * w + 3]).abs() < 1e-6);
        assert!((d[2 * w + 6] - 3.0).abs() < 1e-5);
        assert!((d[0] - (9.0f32 + 4.0).sqrt()).abs() < 1e-4);
    }
}
