#![allow(clippy::needless_range_loop)]
//! A synthetic stress set, harsher than the development set: registered impressions are
//! re-stamped by this tool at any rotation, with scale change, strong fading, blur, black
//! ruling lines and strokes, and low JPEG quality; forgeries are other identities' seals and
//! elastically distorted copies (a crude traced copy). Reports bands and alignment errors.
//!
//! Usage: stress DIR_WITH_registered/ [--count N] [--seed S]
//! (`make stress`; the registered impressions of ../shared/seal-dev by default.)

use image::{codecs::jpeg::JpegEncoder, ImageEncoder, RgbImage};
use matcher::{self, Band, MatchOptions};

/// Small deterministic generator (xorshift64*).
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
}

#[derive(Clone, Copy)]
struct Stamp {
    rot_deg: f64,
    scale: f64,
    cx: f64,
    cy: f64,
    fade: f64,
    blur: bool,
    lines: usize,
    jpeg: u8,
    elastic_px: f64,
    /// the page's capture: a homography from the flat page to the image (identity = flatbed)
    capture: [f64; 9],
    /// light falling off across the page (share) and extra defocus (Gaussian σ, px)
    light: f64,
    defocus: f64,
    /// a second, shifted copy of the impression (dx, dy, strength)
    double: Option<(f64, f64, f64)>,
}

const IDENTITY: [f64; 9] = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];

fn hom_apply(h: &[f64; 9], x: f64, y: f64) -> (f64, f64) {
    let w = h[6] * x + h[7] * y + h[8];
    ((h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w)
}

/// A sheet-fed scanner: the vertical (feed) axis stretched by `v`, sheared by `k`, about the
/// page's centre.
fn scanner(v: f64, k: f64, cy: f64) -> [f64; 9] {
    [1.0, k, -k * cy, 0.0, 1.0 + v, -v * cy, 0.0, 0.0, 1.0]
}

/// A camera's keystone: the top edge shorter by `2 a` of the width (perspective about the
/// page's centre), as a homography of the 720 x 520 page.
fn keystone(a: f64) -> [f64; 9] {
    // maps (0,0)->(a w, 0), (w,0)->(w - a w, 0), (w,h)->(w,h), (0,h)->(0,h)
    let (w, h) = (720.0, 520.0);
    let src = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let dst = [(a * w, 0.0), (w - a * w, 0.0), (w, h), (0.0, h)];
    let mut m = [[0.0f64; 9]; 8];
    for i in 0..4 {
        let ((x, y), (u, v)) = (src[i], dst[i]);
        m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -x * u, -y * u, u];
        m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -x * v, -y * v, v];
    }
    for c in 0..8 {
        let p = (c..8).max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs())).unwrap();
        m.swap(c, p);
        for r in 0..8 {
            if r != c {
                let f = m[r][c] / m[c][c];
                for k in c..9 {
                    m[r][k] -= f * m[c][k];
                }
            }
        }
    }
    let mut out = [0.0; 9];
    for i in 0..8 {
        out[i] = m[i][8] / m[i][i];
    }
    out[8] = 1.0;
    out
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
    c.map(|v| v / c[8])
}

/// Ink alpha of the registered scan (red ink on white: the green channel is low in ink).
fn ink_alpha(reg: &RgbImage) -> (Vec<f32>, usize, usize) {
    let (w, h) = reg.dimensions();
    let a = reg
        .pixels()
        .map(|p| ((255.0 - p[1] as f32) / 200.0).clamp(0.0, 1.0) * if p[0] > p[1] { 1.0 } else { 0.0 })
        .collect();
    (a, w as usize, h as usize)
}

fn sample(a: &[f32], w: usize, h: usize, x: f64, y: f64) -> f32 {
    if !(x >= 0.0 && y >= 0.0 && x < (w - 1) as f64 && y < (h - 1) as f64) {
        return 0.0;
    }
    let (x0, y0) = (x.floor() as usize, y.floor() as usize);
    let (fx, fy) = ((x - x0 as f64) as f32, (y - y0 as f64) as f32);
    let i = y0 * w + x0;
    let top = a[i] * (1.0 - fx) + a[i + 1] * fx;
    let bot = a[i + w] * (1.0 - fx) + a[i + w + 1] * fx;
    top * (1.0 - fy) + bot * fy
}

/// Stamp the registered ink onto a form-like scan; returns JPEG bytes.
fn stamp(reg: &RgbImage, s: &Stamp, rng: &mut Rng) -> Vec<u8> {
    let (a, w, h) = ink_alpha(reg);
    let (cw, ch) = (720u32, 520u32);
    let (crx, cry) = ((w as f64 - 1.0) / 2.0, (h as f64 - 1.0) / 2.0);
    let t = s.rot_deg.to_radians();
    let (c, sn) = (t.cos(), t.sin());
    let ink = [rng.range(170.0, 225.0), rng.range(20.0, 60.0), rng.range(30.0, 70.0)];
    let (ph1, ph2) = (rng.range(0.0, 6.3), rng.range(0.0, 6.3));
    let mut img = RgbImage::new(cw, ch);
    let inv = hom_inverse(&s.capture);
    for y in 0..ch {
        for x in 0..cw {
            // the flat page's point this image pixel shows
            let (fx, fy) = hom_apply(&inv, x as f64, y as f64);
            let (dx, dy) = (fx - s.cx, fy - s.cy);
            // p_r = c_r + R(-t) (p_q - c_q) / s
            let mut rx = crx + (c * dx - sn * dy) / s.scale;
            let mut ry = cry + (sn * dx + c * dy) / s.scale;
            if s.elastic_px > 0.0 {
                rx += s.elastic_px * (ry / 23.0 + ph1).sin();
                ry += s.elastic_px * (rx / 29.0 + ph2).sin();
            }
            let fade = 1.0 - s.fade * ((dx / 200.0).clamp(-1.0, 1.0) * 0.5 + 0.5);
            let mut al = sample(&a, w, h, rx, ry) as f64;
            if let Some((ddx, ddy, k)) = s.double {
                let (ex, ey) = (dx - ddx, dy - ddy);
                let (qx, qy) = (crx + (c * ex - sn * ey) / s.scale, cry + (sn * ex + c * ey) / s.scale);
                al = al.max(k * sample(&a, w, h, qx, qy) as f64);
            }
            let al = (al * fade).clamp(0.0, 1.0);
            let paper = 243.0 + 6.0 * ((x * 7 + y * 13) % 5) as f64 / 5.0;
            // light falling off from left to right
            let light = 1.0 - s.light * (x as f64 / cw as f64);
            let px = [0, 1, 2].map(|k| ((paper * (1.0 - al) + ink[k] * al) * light) as u8);
            img.put_pixel(x, y, image::Rgb(px));
        }
    }
    // black ruling lines and strokes across the seal
    for _ in 0..s.lines {
        let (x0, y0) = (rng.range(0.0, cw as f64), rng.range(s.cy - 80.0, s.cy + 80.0));
        let ang = rng.range(-0.4, 0.4);
        let thick = rng.range(1.0, 3.0);
        for i in 0..2000 {
            let u = i as f64 * 0.5 - 500.0;
            let (x, y) = (x0 + u * ang.cos(), y0 + u * ang.sin());
            for k in 0..thick.ceil() as i64 {
                let (xi, yi) = (x as i64, y as i64 + k);
                if xi >= 0 && yi >= 0 && (xi as u32) < cw && (yi as u32) < ch {
                    let p = img.get_pixel_mut(xi as u32, yi as u32);
                    for ch in p.0.iter_mut() {
                        *ch = ((*ch as f64) * 0.15) as u8; // subtractive dark toner
                    }
                }
            }
        }
    }
    if s.blur {
        img = image::imageops::blur(&img, 1.2);
    }
    if s.defocus > 0.0 {
        img = image::imageops::blur(&img, s.defocus as f32);
    }
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, s.jpeg)
        .write_image(img.as_raw(), cw, ch, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(dir) = args.get(1) else {
        eprintln!("usage: stress DIR_WITH_registered/ [--count N] [--seed S]");
        std::process::exit(2);
    };
    let flag = |name: &str, d: u64| {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(d)
    };
    let count = flag("--count", 60) as usize;
    let mut rng = Rng(flag("--seed", 20261126) | 1);
    let mut files: Vec<_> = std::fs::read_dir(std::path::Path::new(dir).join("registered"))
        .expect("registered/ folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    files.sort();
    files.truncate(count);
    let regs: Vec<(Vec<u8>, RgbImage)> = files
        .iter()
        .map(|p| {
            let b = std::fs::read(p).unwrap();
            let i = image::load_from_memory(&b).unwrap().to_rgb8();
            (b, i)
        })
        .collect();
    let opts = MatchOptions::default();
    let mut tally = std::collections::BTreeMap::<&str, [usize; 4]>::new(); // consistent, review, inconsistent, error
    let (mut rot_err, mut ctr_err) = (Vec::new(), Vec::new());
    for (i, (bytes, img)) in regs.iter().enumerate() {
        let base = Stamp {
            rot_deg: rng.range(-180.0, 180.0),
            scale: rng.range(0.93, 1.07),
            cx: rng.range(200.0, 520.0),
            cy: rng.range(180.0, 340.0),
            fade: rng.range(0.3, 0.75),
            blur: rng.unit() < 0.5,
            lines: (rng.unit() * 3.0) as usize,
            jpeg: rng.range(55.0, 80.0) as u8,
            elastic_px: 0.0,
            capture: IDENTITY,
            light: 0.0,
            defocus: 0.0,
            double: None,
        };
        // re-captured pages: a sheet-fed scanner (feed stretch up to 2 %, shear up to 1 %) and a
        // camera (keystone up to 3 % of the width each side, light falling off by up to 30 %,
        // defocus up to σ 1.2 px); a slip or a second stamping (offset 2–8 px)
        let scan = Stamp { capture: scanner(rng.range(0.003, 0.02), rng.range(-0.01, 0.01), 260.0), ..base };
        let camera = Stamp {
            capture: keystone(rng.range(0.005, 0.03)),
            light: rng.range(0.1, 0.3),
            defocus: rng.range(0.3, 1.2),
            ..base
        };
        let ang = rng.range(0.0, std::f64::consts::TAU);
        let d = rng.range(2.0, 8.0);
        let slipped = Stamp { double: Some((d * ang.cos(), d * ang.sin(), rng.range(0.5, 1.0))), ..base };
        let other = &regs[(i + 1 + (rng.next() as usize % (regs.len() - 1).max(1))) % regs.len()].1;
        let cases: [(&str, &RgbImage, Stamp); 7] = [
            ("genuine", img, base),
            ("genuine_scanner", img, scan),
            ("genuine_camera", img, camera),
            ("genuine_slipped", img, slipped),
            ("other_identity", other, base),
            ("other_id_scanner", other, scan),
            ("elastic_copy", img, Stamp { elastic_px: rng.range(1.5, 3.0), ..base }),
        ];
        for (tier, src, s) in cases {
            let q = stamp(src, &s, &mut rng);
            let slot = tally.entry(tier).or_default();
            match matcher::match_pair(bytes, &q, &opts) {
                Ok(r) => {
                    slot[match r.band {
                        Band::Consistent => 0,
                        Band::Review => 1,
                        Band::Inconsistent => 2,
                    }] += 1;
                    if tier == "genuine" || tier == "genuine_scanner" {
                        // the truth through the capture: the closest similarity of the capture's
                        // linear part times the stamp's rotation
                        let (t, h) = (s.rot_deg.to_radians(), &s.capture);
                        let rr = [t.cos(), t.sin(), -t.sin(), t.cos()];
                        let j = [
                            h[0] * rr[0] + h[1] * rr[2],
                            h[0] * rr[1] + h[1] * rr[3],
                            h[3] * rr[0] + h[4] * rr[2],
                            h[3] * rr[1] + h[4] * rr[3],
                        ];
                        let truth = (0.5 * (j[1] - j[2])).atan2(0.5 * (j[0] + j[3])).to_degrees();
                        let d = (r.rotation_deg - truth).rem_euclid(360.0);
                        rot_err.push(d.min(360.0 - d));
                        // where our stamp put the matcher's registered centre
                        let (w, h) = img.dimensions();
                        let (dx, dy) = (
                            r.registered_center_x - (w as f64 - 1.0) / 2.0,
                            r.registered_center_y - (h as f64 - 1.0) / 2.0,
                        );
                        let t = s.rot_deg.to_radians();
                        let (ex, ey) = hom_apply(
                            &s.capture,
                            s.cx + s.scale * (t.cos() * dx + t.sin() * dy),
                            s.cy + s.scale * (-t.sin() * dx + t.cos() * dy),
                        );
                        ctr_err.push(((ex - r.center_x).powi(2) + (ey - r.center_y).powi(2)).sqrt());
                    }
                }
                Err(e) => {
                    slot[3] += 1;
                    eprintln!("{} {tier}: {e}", files[i].display());
                }
            }
        }
    }
    let pct = |v: &mut Vec<f64>, q: f64| {
        v.sort_by(|a, b| a.total_cmp(b));
        v.get(((v.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(f64::NAN)
    };
    println!("synthetic stress set: {} registered impressions × 7 (seed-deterministic)", regs.len());
    println!(
        "  rotation anywhere in 360°, scale 0.93–1.07, fading 30–75 %, blur half the time, 0–2 black lines, JPEG 55–80;"
    );
    println!(
        "  re-captured: scanner (feed stretch 0.3–2 %, shear ≤ 1 %), camera (keystone 0.5–3 % a side, light −10–30 %, defocus σ ≤ 1.2 px); slipped: a second copy 2–8 px away at 50–100 %"
    );
    for (tier, [c, r, i, e]) in &tally {
        println!("  {tier:<16} consistent {c:>3}  review {r:>3}  inconsistent {i:>3}  errors {e:>2}");
    }
    println!(
        "  genuine and genuine_scanner alignment: rotation error p50 {:.3}° p95 {:.3}° max {:.3}° | centre error p50 {:.2} p95 {:.2} max {:.2} px",
        pct(&mut rot_err, 0.5), pct(&mut rot_err, 0.95), pct(&mut rot_err, 1.0), pct(&mut ctr_err, 0.5), pct(&mut ctr_err, 0.95), pct(&mut ctr_err, 1.0)
    );
}
