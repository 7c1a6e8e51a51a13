//! Smeared and doubled impressions (滑動、重影): the seal moved while pressed, bounced, or was
//! stamped twice. The questioned ink is then the impression plus a shifted copy of it: the ink
//! the registered seal lacks lines up with the registered ink moved by one offset. Found, the
//! registered impression is compared with the same second touch added (so the copy is neither
//! foreign ink nor a pull on the block matches), and the impression is reported as unclear
//! (`smeared`): never 不符 on its own, only when foreign ink still proves a different seal.

use super::geom::{dist2_trunc, Proj};
use super::ink::{InkMap, BG, CLEAR, FAINT};
use super::locate::BoxI;

/// Largest offset searched (registered px): slips move 1.5–5 px, double stampings up to ~10.
const MAX_SHIFT: i64 = 12;
/// Smallest offset: closer copies are a thicker stroke, which ink bias already explains.
const MIN_SHIFT: f64 = 2.0;
/// The ink the registered seal lacks must be at least this share of its ink to look for a copy.
const MIN_EXTRA_SHARE: f64 = 0.03;
/// A copy is found when, at its offset, this share of that ink lies on the shifted registered
/// ink more than on average at the same distance in other directions …
pub const MIN_CONTRAST: f64 = 0.15;
/// … and this share in all.
pub const MIN_EXPLAINED: f64 = 0.45;

/// A second touch of the seal, in registered pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slip {
    pub dx: f64,
    pub dy: f64,
    /// share of the extra questioned ink that the shifted copy explains
    pub explained: f64,
    /// the ink the registered seal lacks, as a share of the registered ink
    pub extra_share: f64,
    /// a smear (the copy runs continuously from the impression) rather than a ghost or a
    /// second stamping
    pub smear: bool,
    /// the copy's turn about the seal's centre (a second stamping is rarely square to the
    /// first), degrees; the offset is taken after the turn
    pub rot_deg: f64,
    /// the seal's centre (registered pixels)
    pub cx: f64,
    pub cy: f64,
}

impl Slip {
    pub fn px(&self) -> f64 {
        (self.dx * self.dx + self.dy * self.dy).sqrt()
    }
    /// The offsets of the copy's taps (a smear: the path to the offset).
    fn taps(&self) -> Vec<(i64, i64)> {
        let n = if self.smear { (self.px().ceil() as usize).max(2) } else { 1 };
        let mut v: Vec<(i64, i64)> = (1..=n)
            .map(|k| {
                let f = k as f64 / n as f64;
                (libm::round(f * self.dx) as i64, libm::round(f * self.dy) as i64)
            })
            .collect();
        v.dedup();
        v
    }
}

/// Look for a shifted copy of the registered ink in the questioned ink (mapped by `xf`).
pub fn detect(reg: &InkMap, rbox: &BoxI, q: &InkMap, xf: &Proj) -> Option<Slip> {
    let m = (MAX_SHIFT + 2) as usize;
    let x0 = rbox.x0.saturating_sub(m);
    let y0 = rbox.y0.saturating_sub(m);
    let x1 = (rbox.x1 + m).min(reg.w.saturating_sub(1));
    let y1 = (rbox.y1 + m).min(reg.h.saturating_sub(1));
    let (w, h) = (x1.saturating_sub(x0) + 1, y1.saturating_sub(y0) + 1);
    let mut rmask = vec![false; w * h];
    let mut nr = 0usize;
    for y in 0..h {
        for x in 0..w {
            let v = reg.is_ink((y0 + y) * reg.w + x0 + x);
            rmask[y * w + x] = v;
            nr += v as usize;
        }
    }
    if nr < 100 {
        return None;
    }
    let d2 = dist2_trunc(&rmask, w, h, 3);
    // questioned ink, in the registered frame, farther than 2 px from registered ink
    let mut extra: Vec<(i64, i64)> = Vec::new();
    for y in 0..h {
        for x in 0..w {
            // beyond 1.5 px (a copy 2–3 px away adds only a sliver beyond 2 px)
            if d2[y * w + x] <= 2 {
                continue;
            }
            let (qx, qy) = xf.apply((x0 + x) as f64, (y0 + y) as f64);
            let (xi, yi) = (libm::floor(qx + 0.5), libm::floor(qy + 0.5));
            if xi >= 0.0 && yi >= 0.0 && (xi as usize) < q.w && (yi as usize) < q.h {
                let c = q.class[yi as usize * q.w + xi as usize];
                if c == CLEAR || c == FAINT {
                    extra.push((x as i64, y as i64));
                }
            }
        }
    }
    let ne = extra.len();
    if (ne as f64) < MIN_EXTRA_SHARE * nr as f64 {
        return None;
    }
    // subsample to bound the work (every k-th pixel)
    let step = ne.div_ceil(1500).max(1);
    let pts0: Vec<(i64, i64)> = extra.iter().step_by(step).copied().collect();
    let n = pts0.len() as f64;
    let side = (2 * MAX_SHIFT + 1) as usize;
    let on =
        |x: i64, y: i64| x >= 0 && y >= 0 && (x as usize) < w && (y as usize) < h && rmask[y as usize * w + x as usize];
    let (ccx, ccy) = ((rbox.x0 + rbox.x1) as f64 * 0.5 - x0 as f64, (rbox.y0 + rbox.y1) as f64 * 0.5 - y0 as f64);
    // the extra ink turned back by each candidate turn of the copy
    let turned = |deg: f64| -> Vec<(i64, i64)> {
        let t = deg.to_radians();
        let (c, sn) = (libm::cos(t), libm::sin(t));
        pts0.iter()
            .map(|&(x, y)| {
                let (dx, dy) = (x as f64 - ccx, y as f64 - ccy);
                (libm::round(ccx + c * dx + sn * dy) as i64, libm::round(ccy - sn * dx + c * dy) as i64)
            })
            .collect()
    };
    let mut best = (f64::NEG_INFINITY, 0i64, 0i64, 0.0f64);
    let mut best_rot = 0.0;
    let mut best_c = vec![0.0f64; side * side];
    for &deg in &[0.0, -0.6, 0.6, -1.2, 1.2] {
        let pts = if deg == 0.0 { pts0.clone() } else { turned(deg) };
        let mut c = vec![0.0f64; side * side];
        for sy in -MAX_SHIFT..=MAX_SHIFT {
            for sx in -MAX_SHIFT..=MAX_SHIFT {
                let r = ((sx * sx + sy * sy) as f64).sqrt();
                if r < MIN_SHIFT - 0.5 || r > MAX_SHIFT as f64 + 0.5 {
                    continue;
                }
                let k = pts.iter().filter(|&&(x, y)| on(x - sx, y - sy)).count();
                c[(sy + MAX_SHIFT) as usize * side + (sx + MAX_SHIFT) as usize] = k as f64 / n;
            }
        }
        // the mean at each distance (whole pixels): what an offset in no particular direction gives
        let nb = MAX_SHIFT as usize + 2;
        let (mut ring, mut cnt) = (vec![0.0f64; nb], vec![0usize; nb]);
        for sy in -MAX_SHIFT..=MAX_SHIFT {
            for sx in -MAX_SHIFT..=MAX_SHIFT {
                let r = ((sx * sx + sy * sy) as f64).sqrt();
                if r < MIN_SHIFT - 0.5 || r > MAX_SHIFT as f64 + 0.5 {
                    continue;
                }
                let b = libm::round(r) as usize;
                ring[b] += c[(sy + MAX_SHIFT) as usize * side + (sx + MAX_SHIFT) as usize];
                cnt[b] += 1;
            }
        }
        for sy in -MAX_SHIFT..=MAX_SHIFT {
            for sx in -MAX_SHIFT..=MAX_SHIFT {
                let r = ((sx * sx + sy * sy) as f64).sqrt();
                if r < MIN_SHIFT - 0.5 || r > MAX_SHIFT as f64 + 0.5 {
                    continue;
                }
                let b = libm::round(r) as usize;
                let v = c[(sy + MAX_SHIFT) as usize * side + (sx + MAX_SHIFT) as usize];
                let contrast = v - ring[b] / cnt[b].max(1) as f64;
                // a turn must earn its place (the unturned copy wins ties)
                let contrast = if deg == 0.0 { contrast } else { contrast - 0.03 };
                if contrast > best.0 {
                    best = (contrast, sx, sy, v);
                    best_rot = deg;
                    best_c = c.clone();
                }
            }
        }
        // a square copy that explains this much needs no turn
        if deg == 0.0 && best.3 >= 0.8 {
            break;
        }
    }
    let c = best_c;
    let pts = if best_rot == 0.0 { pts0.clone() } else { turned(best_rot) };
    let (contrast, sx, sy, explained) = best;
    if !(contrast >= MIN_CONTRAST && explained >= MIN_EXPLAINED) {
        return None;
    }
    // the copy is of the whole seal: it explains the extra ink in at least three of the
    // seal's quarters that have any (a recarved copy's moved character explains its own
    // quarter only)
    let (mut qn, mut qe) = ([0usize; 4], [0usize; 4]);
    for &(x, y) in &pts {
        let k = (x as f64 >= ccx) as usize + 2 * (y as f64 >= ccy) as usize;
        qn[k] += 1;
        qe[k] += on(x - sx, y - sy) as usize;
    }
    let with_extra = (0..4).filter(|&k| qn[k] as f64 >= 0.05 * n).count();
    let explained_q = (0..4).filter(|&k| qn[k] as f64 >= 0.05 * n && qe[k] as f64 >= 0.35 * qn[k] as f64).count();
    if explained_q < 3.min(with_extra) || explained_q < 2 {
        return None;
    }
    // a smear runs continuously: half-way along, the copy explains about as much
    let (hx, hy) = (libm::round(sx as f64 * 0.5) as i64, libm::round(sy as f64 * 0.5) as i64);
    let half = if (hx * hx + hy * hy) as f64 >= (MIN_SHIFT - 0.5) * (MIN_SHIFT - 0.5) {
        c[(hy + MAX_SHIFT) as usize * side + (hx + MAX_SHIFT) as usize]
    } else {
        // too close to tell: the path is short, so a smear
        explained
    };
    Some(Slip {
        dx: sx as f64,
        dy: sy as f64,
        explained,
        extra_share: ne as f64 / nr as f64,
        smear: best_rot == 0.0 && half >= 0.7 * explained,
        rot_deg: best_rot,
        cx: ccx + x0 as f64,
        cy: ccy + y0 as f64,
    })
}

/// The registered ink with the second touch added: every ink pixel also at the copy's offsets
/// (its strength as the copy's ink is the registered strength).
pub fn with_copy(reg: &InkMap, s: &Slip) -> InkMap {
    let mut out = reg.clone();
    let (w, h) = (reg.w as i64, reg.h as i64);
    let t = s.rot_deg.to_radians();
    let (c, sn) = (libm::cos(t), libm::sin(t));
    for (tx, ty) in s.taps() {
        for y in 0..h {
            for x in 0..w {
                // the registered pixel the copy puts here: turned back about the centre, then
                // shifted back
                let (sx, sy) = if t == 0.0 {
                    (x - tx, y - ty)
                } else {
                    let (dx, dy) = (x as f64 - s.cx, y as f64 - s.cy);
                    (libm::round(s.cx + c * dx + sn * dy) as i64 - tx, libm::round(s.cy - sn * dx + c * dy) as i64 - ty)
                };
                if sx < 0 || sy < 0 || sx >= w || sy >= h {
                    continue;
                }
                let (i, j) = ((y * w + x) as usize, (sy * w + sx) as usize);
                let cl = reg.class[j];
                if (cl == CLEAR || cl == FAINT) && out.class[i] == BG {
                    out.class[i] = cl;
                    out.ink_count += 1;
                }
                if reg.strength[j] > out.strength[i] && out.class[i] != super::ink::OCCLUDED {
                    out.strength[i] = reg.strength[j];
                }
            }
        }
    }
    out
}
