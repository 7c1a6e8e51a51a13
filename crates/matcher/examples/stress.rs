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
    for y in 0..ch {
        for x in 0..cw {
            let (dx, dy) = (x as f64 - s.cx, y as f64 - s.cy);
            // p_r = c_r + R(-t) (p_q - c_q) / s
            let mut rx = crx + (c * dx - sn * dy) / s.scale;
            let mut ry = cry + (sn * dx + c * dy) / s.scale;
            if s.elastic_px > 0.0 {
                rx += s.elastic_px * (ry / 23.0 + ph1).sin();
                ry += s.elastic_px * (rx / 29.0 + ph2).sin();
            }
            let fade = 1.0 - s.fade * ((dx / 200.0).clamp(-1.0, 1.0) * 0.5 + 0.5);
            let al = (sample(&a, w, h, rx, ry) as f64 * fade).clamp(0.0, 1.0);
            let paper = 243.0 + 6.0 * ((x * 7 + y * 13) % 5) as f64 / 5.0;
            let px = [0, 1, 2].map(|k| (paper * (1.0 - al) + ink[k] * al) as u8);
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
        };
        let other = &regs[(i + 1 + (rng.next() as usize % (regs.len() - 1).max(1))) % regs.len()].1;
        let cases: [(&str, &RgbImage, Stamp); 3] = [
            ("genuine", img, base),
            ("other_identity", other, base),
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
                    if tier == "genuine" {
                        let d = (r.rotation_deg - s.rot_deg).rem_euclid(360.0);
                        rot_err.push(d.min(360.0 - d));
                        // where our stamp put the matcher's registered centre
                        let (w, h) = img.dimensions();
                        let (dx, dy) = (
                            r.registered_center_x - (w as f64 - 1.0) / 2.0,
                            r.registered_center_y - (h as f64 - 1.0) / 2.0,
                        );
                        let t = s.rot_deg.to_radians();
                        let ex = s.cx + s.scale * (t.cos() * dx + t.sin() * dy);
                        let ey = s.cy + s.scale * (-t.sin() * dx + t.cos() * dy);
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
    println!("synthetic stress set: {} registered impressions × 3 (seed-deterministic)", regs.len());
    println!(
        "  rotation anywhere in 360°, scale 0.93–1.07, fading 30–75 %, blur half the time, 0–2 black lines, JPEG 55–80"
    );
    for (tier, [c, r, i, e]) in &tally {
        println!("  {tier:<16} consistent {c:>3}  review {r:>3}  inconsistent {i:>3}  errors {e:>2}");
    }
    println!(
        "  genuine alignment: rotation error p50 {:.3}° p95 {:.3}° max {:.3}° | centre error p50 {:.2} p95 {:.2} max {:.2} px",
        pct(&mut rot_err, 0.5), pct(&mut rot_err, 0.95), pct(&mut rot_err, 1.0), pct(&mut ctr_err, 0.5), pct(&mut ctr_err, 0.95), pct(&mut ctr_err, 1.0)
    );
}
