#![allow(clippy::field_reassign_with_default)]
//! End-to-end tests on seals synthesised in code.

use super::*;

const PAPER: [u8; 3] = [246, 242, 232];
const INK: [u8; 3] = [205, 35, 45];

/// Asymmetric synthetic seal in unit coordinates (u, v in [-1, 1], v down).
fn seal_ink(u: f64, v: f64, variant: u32) -> bool {
    let au = u.abs();
    let av = v.abs();
    if au > 1.0 || av > 1.0 {
        return false;
    }
    // square frame
    if au >= 0.88 || av >= 0.88 {
        return true;
    }
    let rect = |x0: f64, y0: f64, x1: f64, y1: f64| u >= x0 && u <= x1 && v >= y0 && v <= y1;
    let mut on = false;
    // right column: a "character" of bars
    on |= rect(0.15, -0.72, 0.72, -0.62);
    on |= rect(0.38, -0.72, 0.48, 0.72);
    on |= rect(0.15, -0.1, 0.72, 0.0);
    on |= rect(0.15, 0.55, 0.72, 0.65);
    on |= rect(0.15, -0.45, 0.24, 0.3);
    // left column: ring + diagonal
    let (cu, cv) = (-0.42, -0.38);
    let r = ((u - cu) * (u - cu) + (v - cv) * (v - cv)).sqrt();
    on |= r > 0.2 && r < 0.3;
    let d = (u + v * 0.6 + 0.3).abs() / (1.0f64 + 0.36).sqrt();
    on |= d < 0.05 && v > 0.0 && v < 0.75 && u < -0.05;
    on |= rect(-0.75, 0.3, -0.62, 0.72);
    if variant == 1 {
        // a different carving: extra bar, missing ring part
        on |= rect(-0.72, -0.05, -0.1, 0.05);
        on &= !(r > 0.2 && r < 0.3 && v < cv);
    }
    on
}

fn put(buf: &mut [u8], w: usize, x: usize, y: usize, c: [u8; 3]) {
    let i = (y * w + x) * 3;
    buf[i..i + 3].copy_from_slice(&c);
}

/// Render with 3x3 supersampling: pixel p maps to seal coords via `to_seal`.
fn render(w: usize, h: usize, variant: u32, to_seal: &dyn Fn(f64, f64) -> (f64, f64), ink: [u8; 3]) -> Vec<u8> {
    let mut buf = vec![0u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            let mut cnt = 0;
            for sy in 0..3 {
                for sx in 0..3 {
                    let (u, v) = to_seal(x as f64 + (sx as f64 - 1.0) / 3.0, y as f64 + (sy as f64 - 1.0) / 3.0);
                    if seal_ink(u, v, variant) {
                        cnt += 1;
                    }
                }
            }
            let a = cnt as f64 / 9.0;
            let c = [0, 1, 2].map(|k| (PAPER[k] as f64 * (1.0 - a) + ink[k] as f64 * a).round() as u8);
            put(&mut buf, w, x, y, c);
        }
    }
    buf
}

fn png(w: usize, h: usize, rgb: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let enc = image::codecs::png::PngEncoder::new(&mut out);
    image::ImageEncoder::write_image(enc, rgb, w as u32, h as u32, image::ExtendedColorType::Rgb8).unwrap();
    out
}

const RW: usize = 240;
const HALF: f64 = 100.0; // seal half-size in registered pixels
const RC: (f64, f64) = (119.5, 119.5);

fn registered(variant: u32) -> Vec<u8> {
    let f = |x: f64, y: f64| ((x - RC.0) / HALF, (y - RC.1) / HALF);
    png(RW, RW, &render(RW, RW, variant, &f, INK))
}

/// Questioned scan: seal placed with `rot` (deg), `scale`, centre `c`, optional black line.
fn questioned(variant: u32, rot: f64, scale: f64, c: (f64, f64), line: bool) -> Vec<u8> {
    let (w, h) = (420usize, 380usize);
    let sim = geom::Sim::about(rot, scale, RC, c).inverse();
    let f = move |x: f64, y: f64| {
        let (rx, ry) = sim.apply(x, y);
        ((rx - RC.0) / HALF, (ry - RC.1) / HALF)
    };
    let mut rgb = render(w, h, variant, &f, [190, 30, 60]);
    if line {
        for x in 0..w {
            let yc = 0.35 * x as f64 + 120.0;
            for y in 0..h {
                if (y as f64 - yc).abs() < 2.0 {
                    put(&mut rgb, w, x, y, [25, 25, 28]);
                }
            }
        }
    }
    png(w, h, &rgb)
}

fn ang_err(a: f64, b: f64) -> f64 {
    geom::normalize_deg(a - b).abs()
}

#[test]
fn recovers_small_rotation_and_translation() {
    let r = registered(0);
    let q = questioned(0, 7.5, 1.0, (200.0, 180.0), false);
    let m = match_pair(&r, &q, &MatchOptions::default()).unwrap();
    assert!(ang_err(m.rotation_deg, 7.5) < 0.2, "rot {}", m.rotation_deg);
    let ce = ((m.center_x - 200.0).powi(2) + (m.center_y - 180.0).powi(2)).sqrt();
    assert!(ce < 1.0, "centre err {} ({}, {})", ce, m.center_x, m.center_y);
    assert!((m.scale - 1.0).abs() < 0.01);
    assert!(m.score > 0.5, "score {}", m.score);
    assert_eq!(m.registered_quality, Quality::Ok);
}

#[test]
fn recovers_large_rotations_on_square_seal() {
    let r = registered(0);
    for &rot in &[137.0, 179.4, -91.0] {
        let q = questioned(0, rot, 1.02, (210.0, 190.0), false);
        let m = match_pair(&r, &q, &MatchOptions::default()).unwrap();
        assert!(ang_err(m.rotation_deg, rot) < 0.3, "rot {} vs {}", m.rotation_deg, rot);
        assert!((m.scale - 1.02).abs() < 0.01, "scale {}", m.scale);
        let ce = ((m.center_x - 210.0).powi(2) + (m.center_y - 190.0).powi(2)).sqrt();
        assert!(ce < 1.5, "centre err {}", ce);
    }
}

#[test]
fn different_carving_scores_lower() {
    let r = registered(0);
    let same = match_pair(&r, &questioned(0, 12.0, 1.0, (200.0, 190.0), false), &MatchOptions::default()).unwrap();
    let diff = match_pair(&r, &questioned(1, 12.0, 1.0, (200.0, 190.0), false), &MatchOptions::default()).unwrap();
    assert!(
        diff.features.extra_ink > same.features.extra_ink + 0.02,
        "{} vs {}",
        diff.features.extra_ink,
        same.features.extra_ink
    );
    assert!(diff.score < same.score);
    assert_ne!(diff.band, Band::Consistent, "{:?}", diff.features);
}

#[test]
fn occluding_black_line_is_excluded() {
    let r = registered(0);
    let qb = questioned(0, -20.0, 1.0, (205.0, 185.0), true);
    let qd = decode(&qb).unwrap();
    // pixels on the line inside the seal are occluded, not ink and not background
    let x = 205usize;
    let y = (0.35 * x as f64 + 120.0).round() as usize;
    assert_eq!(qd.ink.class[y * qd.width + x], ink::OCCLUDED);
    let m = match_pair(&r, &qb, &MatchOptions::default()).unwrap();
    assert!(ang_err(m.rotation_deg, -20.0) < 0.2);
    assert!(m.features.extra_ink < 0.01, "extra {}", m.features.extra_ink);
    assert!(m.features.missing_ink < 0.05, "missing {}", m.features.missing_ink);
}

#[test]
fn no_ink_and_garbage_are_errors() {
    let blank = png(100, 80, &vec![240u8; 100 * 80 * 3]);
    assert_eq!(decode(&blank).unwrap_err().code(), "no_red_ink");
    assert_eq!(decode(b"hello world, not an image").unwrap_err().code(), "unsupported_format");
    assert_eq!(decode(&[]).unwrap_err().code(), "empty");
    let r = registered(0);
    // truncated and bit-flipped files must not panic
    for cut in [20usize, 60, 200, r.len() / 2] {
        assert!(decode(&r[..cut.min(r.len())]).is_err());
    }
    let mut flipped = r.clone();
    for i in (40..flipped.len()).step_by(97) {
        flipped[i] ^= 0x5A;
    }
    let _ = decode(&flipped);
    let mut jpeg_like = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg_like.extend_from_slice(&[0u8; 64]);
    assert!(decode(&jpeg_like).is_err());
    assert!(match_pair(&r, b"GIF89a....", &MatchOptions::default()).is_err());
}

#[test]
fn degraded_registered_is_unclear() {
    let f = |x: f64, y: f64| ((x - RC.0) / HALF, (y - RC.1) / HALF);
    let clean = render(RW, RW, 0, &f, INK);
    let d = decode(&png(RW, RW, &clean)).unwrap();
    let b = locate::locate(&d.ink).unwrap();
    let c = locate::registered_face_center(&d.ink, &b);
    assert_eq!(quality::judge(&quality::metrics(&d.ink, &b, c)), Quality::Ok);

    // faded: ink colour close to paper
    let faded = render(RW, RW, 0, &f, [238, 200, 195]);
    let d = decode(&png(RW, RW, &faded)).unwrap();
    let b = locate::locate(&d.ink).unwrap();
    eprintln!("faded metrics {:?}", quality::metrics(&d.ink, &b, locate::registered_face_center(&d.ink, &b)));
    assert_eq!(
        quality::judge(&quality::metrics(&d.ink, &b, locate::registered_face_center(&d.ink, &b))),
        Quality::Unclear
    );

    // blurred: heavy box blur
    let mut blurred = clean.clone();
    for _ in 0..3 {
        let src = blurred.clone();
        for y in 0..RW {
            for x in 0..RW {
                for k in 0..3 {
                    let mut s = 0u32;
                    let mut n = 0u32;
                    for dy in -3i64..=3 {
                        for dx in -3i64..=3 {
                            let (xx, yy) = (x as i64 + dx, y as i64 + dy);
                            if xx >= 0 && yy >= 0 && (xx as usize) < RW && (yy as usize) < RW {
                                s += src[(yy as usize * RW + xx as usize) * 3 + k] as u32;
                                n += 1;
                            }
                        }
                    }
                    blurred[(y * RW + x) * 3 + k] = (s / n) as u8;
                }
            }
        }
    }
    let d = decode(&png(RW, RW, &blurred)).unwrap();
    let b = locate::locate(&d.ink).unwrap();
    eprintln!("blurred metrics {:?}", quality::metrics(&d.ink, &b, locate::registered_face_center(&d.ink, &b)));
    assert_eq!(
        quality::judge(&quality::metrics(&d.ink, &b, locate::registered_face_center(&d.ink, &b))),
        Quality::Unclear
    );

    // broken: white gaps cut through the frame and strokes
    let mut broken = clean.clone();
    for y in 0..RW {
        for x in 0..RW {
            let band = (x + 2 * y) % 23 < 3 || (3 * x + y) % 31 < 2;
            if band {
                put(&mut broken, RW, x, y, PAPER);
            }
        }
    }
    let d = decode(&png(RW, RW, &broken)).unwrap();
    let b = locate::locate(&d.ink).unwrap();
    eprintln!("broken metrics {:?}", quality::metrics(&d.ink, &b, locate::registered_face_center(&d.ink, &b)));
    assert_eq!(
        quality::judge(&quality::metrics(&d.ink, &b, locate::registered_face_center(&d.ink, &b))),
        Quality::Unclear
    );
}

#[test]
fn manual_alignment_rescoring_and_serde() {
    let r = registered(0);
    let q = questioned(0, 33.0, 0.98, (215.0, 170.0), false);
    let m = match_pair(&r, &q, &MatchOptions::default()).unwrap();
    let mut o = MatchOptions::default();
    o.manual_alignment = Some(m.alignment);
    let m2 = match_pair(&r, &q, &o).unwrap();
    assert!(m2.manual);
    assert!((m2.rotation_deg - m.rotation_deg).abs() < 0.3, "{} vs {}", m2.rotation_deg, m.rotation_deg);
    assert!(
        (m2.score - m.score).abs() < 0.02,
        "score {} vs {} ({:?} / {:?})",
        m2.score,
        m.score,
        m2.alignment,
        m.alignment
    );
    // a nudge (a pixel, half a degree) is refined away: the verdict does not hang on the hand
    let nudge = |drot: f64, dx: f64| {
        Some(Alignment::about(
            m.rotation_deg + drot,
            m.scale,
            (m.registered_center_x, m.registered_center_y),
            (m.center_x + dx, m.center_y),
        ))
    };
    o.manual_alignment = nudge(0.5, 1.0);
    let m3 = match_pair(&r, &q, &o).unwrap();
    assert_eq!(m3.band, m.band);
    assert!((m3.score - m.score).abs() < 0.02, "{} vs {}", m3.score, m.score);
    // a manual alignment far off (upside down) cannot be refined into a match
    o.manual_alignment = nudge(180.0, 0.0);
    let m4 = match_pair(&r, &q, &o).unwrap();
    assert!(m4.score < m.score);
    let js = serde_json::to_string(&m).unwrap();
    assert!(js.contains("\"band\":\"") && js.contains("\"registered_quality\":\"ok\""));
    let back: MatchResult = serde_json::from_str(&js).unwrap();
    assert_eq!(back, m);
    assert_eq!(serde_json::to_string(&Band::Inconsistent).unwrap(), "\"inconsistent\"");
    assert_eq!(serde_json::to_string(&Band::Review).unwrap(), "\"review\"");
    // determinism
    assert_eq!(match_pair(&r, &q, &MatchOptions::default()).unwrap(), m);
}

#[test]
fn views_render_expected_sizes_and_colours() {
    let r = decode(&registered(0)).unwrap();
    let q = decode(&questioned(0, 25.0, 1.0, (200.0, 180.0), true)).unwrap();
    let m = match_decoded(&r, &q, &MatchOptions::default()).unwrap();
    let al = m.alignment;
    let ov = views::overlay(&r, &q, &al, 256, 256);
    assert_eq!((ov.width, ov.height, ov.data.len()), (256, 256, 256 * 256 * 4));
    let has = |img: &views::Rgba, c: [u8; 3]| img.data.chunks(4).any(|p| p[..3] == c);
    assert!(has(&ov, views::COLOR_OVERLAP));
    assert!(has(&ov, views::COLOR_OCCLUDED));
    let sb = views::side_by_side(&r, &q, &al, 300, 150);
    assert_eq!((sb.width, sb.height), (300, 150));
    let (a, b) = views::blink(&r, &q, &al, 128, 128);
    assert_eq!(a.data.len(), b.data.len());
    let d = views::difference(&r, &q, &al, 2.0, 128, 128);
    assert_eq!(d.data.len(), 128 * 128 * 4);
    let s = views::split(&r, &q, &al, 64.0, 64.0, 30.0, 128, 128);
    assert_eq!(s.data.len(), 128 * 128 * 4);
    let f = views::mirror_fold(&r, &q, &al, 64.0, 64.0, 90.0, 128, 128);
    assert_eq!(f.data.len(), 128 * 128 * 4);
    let h = views::heatmap(&r, &m.blocks, 128, 128);
    assert_eq!(h.data.len(), 128 * 128 * 4);
    // degenerate inputs do not panic
    let bad = Alignment { rotation_deg: f64::NAN, scale: 0.0, tx: f64::INFINITY, ty: 1e300 };
    let _ = views::overlay(&r, &q, &bad, 0, 0);
    let _ = views::difference(&r, &q, &bad, f64::NAN, 16, 16);
}

#[test]
fn recovers_unknown_scale_and_uses_scale_hint() {
    let r = registered(0);
    for &(rot, sc) in &[(-40.0, 0.62), (65.0, 1.45)] {
        let q = questioned(0, rot, sc, (210.0, 190.0), false);
        let m = match_pair(&r, &q, &MatchOptions::default()).unwrap();
        assert!(ang_err(m.rotation_deg, rot) < 0.3, "rot {} vs {}", m.rotation_deg, rot);
        assert!((m.scale / sc - 1.0).abs() < 0.01, "scale {} vs {}", m.scale, sc);
        let mut o = MatchOptions::default();
        o.scale_hint = Some(sc * 1.02);
        let m2 = match_pair(&r, &q, &o).unwrap();
        assert!((m2.scale / sc - 1.0).abs() < 0.01, "hinted scale {} vs {}", m2.scale, sc);
    }
}

#[test]
fn degenerate_images_do_not_panic() {
    let red = |w: usize, h: usize| {
        let mut v = vec![0u8; w * h * 3];
        for p in v.chunks_mut(3) {
            p.copy_from_slice(&INK);
        }
        png(w, h, &v)
    };
    let r = registered(0);
    let shapes = [(1usize, 1usize), (1, 400), (400, 1), (3, 3), (20, 20), (600, 7), (13, 300)];
    for &(w, h) in shapes.iter() {
        let img = red(w, h);
        let _ = match_pair(&img, &r, &MatchOptions::default());
        let _ = match_pair(&r, &img, &MatchOptions::default());
        let _ = match_pair(&img, &img, &MatchOptions::default());
    }
    // noise image with sparse red specks
    let (w, h) = (300usize, 200usize);
    let mut v = vec![0u8; w * h * 3];
    let mut s: u32 = 12345;
    for p in v.chunks_mut(3) {
        s = s.wrapping_mul(1664525).wrapping_add(1013904223);
        let k = (s >> 24) as u8;
        p.copy_from_slice(&if k < 8 {
            INK
        } else if k < 20 {
            [20, 20, 20]
        } else {
            [k, k, k]
        });
    }
    let noisy = png(w, h, &v);
    let _ = match_pair(&r, &noisy, &MatchOptions::default());
    let _ = match_pair(&noisy, &r, &MatchOptions::default());
    // invalid options
    let mut o = MatchOptions::default();
    o.consistent_threshold = f64::NAN;
    assert_eq!(match_pair(&r, &r, &o).unwrap_err().code(), "invalid_option");
    // absurd manual alignment and hints
    let mut o = MatchOptions::default();
    o.manual_alignment = Some(Alignment { rotation_deg: 1e308, scale: -3.0, tx: f64::NAN, ty: 0.0 });
    o.scale_hint = Some(f64::INFINITY);
    o.registered_dpi = Some(f32::NAN);
    let m = match_pair(&r, &r, &o).unwrap();
    assert!(m.score.is_finite() && m.score >= 0.0 && m.score <= 1.0);
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}

#[test]
fn oversized_images_are_rejected() {
    // a valid small PNG whose IHDR is patched to claim 9000 x 5000 (45 MP)
    let mut p = registered(0);
    p[16..20].copy_from_slice(&9000u32.to_be_bytes());
    p[20..24].copy_from_slice(&5000u32.to_be_bytes());
    let crc = crc32(&p[12..29]);
    p[29..33].copy_from_slice(&crc.to_be_bytes());
    assert_eq!(decode(&p).unwrap_err().code(), "too_large");
    // more than 20 MB of bytes
    let mut big = registered(0);
    big.resize(21 * 1024 * 1024, 0);
    assert_eq!(decode(&big).unwrap_err().code(), "too_large");
}

#[test]
fn high_resolution_scans_are_matched_at_working_resolution() {
    // registered at 2.5x the usual size (seal ~500 px), questioned at 2x
    let (rw, half, rc) = (600usize, 250.0, (299.5, 299.5));
    let f = move |x: f64, y: f64| ((x - rc.0) / half, (y - rc.1) / half);
    let r = png(rw, rw, &render(rw, rw, 0, &f, INK));
    let (w, h) = (820usize, 760usize);
    let (rot, sc, c) = (-33.0, 0.8, (400.0, 380.0));
    let sim = geom::Sim::about(rot, sc, rc, c).inverse();
    let g = move |x: f64, y: f64| {
        let (rx, ry) = sim.apply(x, y);
        ((rx - rc.0) / half, (ry - rc.1) / half)
    };
    let q = png(w, h, &render(w, h, 0, &g, [190, 30, 60]));
    let m = match_pair(&r, &q, &MatchOptions::default()).unwrap();
    assert!(ang_err(m.rotation_deg, rot) < 0.3, "rot {}", m.rotation_deg);
    assert!((m.scale / sc - 1.0).abs() < 0.01, "scale {}", m.scale);
    assert!((m.registered_center_x - rc.0).abs() < 1.5 && (m.registered_center_y - rc.1).abs() < 1.5);
    let ce = ((m.center_x - c.0).powi(2) + (m.center_y - c.1).powi(2)).sqrt();
    assert!(ce < 2.0, "centre err {}", ce);
    // manual re-scoring with the returned (full-resolution) alignment reproduces the geometry
    let mut o = MatchOptions::default();
    o.manual_alignment = Some(m.alignment);
    let m2 = match_pair(&r, &q, &o).unwrap();
    assert!((m2.rotation_deg - m.rotation_deg).abs() < 0.05 && (m2.center_x - m.center_x).abs() < 0.5);
    assert!((m2.score - m.score).abs() < 0.05);
}

#[test]
fn a_hand_nudge_does_not_decide_a_genuine_pair() {
    // the demo pair r0004 / q0037 (genuine): nudges of up to 1 degree and 3 px are refined away
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seal");
    let r = std::fs::read(format!("{dir}/registered/r0004.png")).unwrap();
    let q = std::fs::read(format!("{dir}/demo/q0037.jpg")).unwrap();
    let m = match_pair(&r, &q, &MatchOptions::default()).unwrap();
    assert_eq!(m.band, Band::Consistent);
    let mut o = MatchOptions::default();
    for (dr, dx, dy) in [(0.1, 0.0, 0.0), (-0.1, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, -1.0), (1.0, 3.0, 0.0)] {
        o.manual_alignment = Some(Alignment::about(
            m.rotation_deg + dr,
            m.scale,
            (m.registered_center_x, m.registered_center_y),
            (m.center_x + dx, m.center_y + dy),
        ));
        let m2 = match_pair(&r, &q, &o).unwrap();
        assert!(m2.manual);
        // (this pair scores 0.95, not far above the 相符 threshold: the band may tip to review,
        // never to 不符; before refinement a 1 px nudge scored 0.10)
        assert_ne!(m2.band, Band::Inconsistent, "nudge {dr} deg ({dx}, {dy}) px: {}", m2.score);
        // (0.03: the 800-pair fusion's logit is flatter than the dev-only one's, so the same
        // residual difference moves the score a little more near 0.9)
        assert!((m2.score - m.score).abs() < 0.03, "nudge {dr} ({dx}, {dy}): {} vs {}", m2.score, m.score);
    }
}

/// Questioned scan (no rotation, scale 1, centre (205, 185)) with `edit` applied to its pixels.
fn questioned_edited(variant: u32, edit: &dyn Fn(&mut [u8], usize, usize)) -> Vec<u8> {
    let (w, h) = (420usize, 380usize);
    let c = (205.0, 185.0);
    let f = move |x: f64, y: f64| ((x - c.0) / HALF, (y - c.1) / HALF);
    let mut rgb = render(w, h, variant, &f, [190, 30, 60]);
    edit(&mut rgb, w, h);
    png(w, h, &rgb)
}

#[test]
fn a_clear_impression_has_no_unclear_reason() {
    let m =
        match_pair(&registered(0), &questioned(0, 12.0, 1.0, (200.0, 190.0), false), &MatchOptions::default()).unwrap();
    assert!(m.questioned_quality.reasons.is_empty(), "{:?}", m.questioned_quality);
    assert!(m.questioned_quality.occluded_share < 0.05);
    assert!(m.questioned_quality.faded_share < 0.05);
}

#[test]
fn print_over_much_of_the_seal_makes_it_unclear() {
    // four thick black bars of printed text across the seal
    let q = questioned_edited(0, &|rgb, w, h| {
        for y in 0..h {
            let band = (y as i64 - 100).rem_euclid(45) < 14 && (100..280).contains(&y);
            if band {
                for x in 100..310 {
                    put(rgb, w, x, y, [20, 20, 22]);
                }
            }
        }
    });
    let m = match_pair(&registered(0), &q, &MatchOptions::default()).unwrap();
    let qq = &m.questioned_quality;
    assert!(qq.occluded_share > MAX_OCCLUDED_SHARE_FOR_TEST, "{qq:?}");
    assert!(qq.reasons.contains(&UnclearReason::Occluded), "{qq:?}");
    assert_ne!(m.band, Band::Inconsistent);
}

const MAX_OCCLUDED_SHARE_FOR_TEST: f64 = score::MAX_OCCLUDED_SHARE;

#[test]
fn an_impression_missing_a_side_is_faded_not_a_different_seal() {
    // uneven pressure: no ink on the seal's left third
    let q = questioned_edited(0, &|rgb, w, _h| {
        for y in 60..320 {
            for x in 95..170 {
                put(rgb, w, x, y, PAPER);
            }
        }
    });
    let m = match_pair(&registered(0), &q, &MatchOptions::default()).unwrap();
    let qq = &m.questioned_quality;
    assert!(qq.reasons.contains(&UnclearReason::Faded), "{qq:?} features {:?}", m.features);
    assert!(!qq.reasons.contains(&UnclearReason::Occluded), "{qq:?}");
    assert_ne!(m.band, Band::Inconsistent, "score {}", m.score);
    // a different carving with the same loss adds ink of its own: not excused as fading
    let d = questioned_edited(1, &|rgb, w, _h| {
        for y in 60..320 {
            for x in 95..130 {
                put(rgb, w, x, y, PAPER);
            }
        }
    });
    let md = match_pair(&registered(0), &d, &MatchOptions::default()).unwrap();
    assert!(md.features.extra_ink > score::FADED_MAX_EXTRA, "{:?}", md.features);
    assert!(!md.questioned_quality.reasons.contains(&UnclearReason::Faded), "{:?}", md.questioned_quality);
}

#[test]
fn unclear_impressions_are_never_inconsistent_and_hidden_ones_never_consistent() {
    let clear = QuestionedQuality::default();
    let f = FeatureScores::default();
    let foreign = FeatureScores { worst_block: 0.6, ..f };
    assert_eq!(band_of(0.99, 0.76, 0.05, &foreign, &clear), Band::Review);
    assert_eq!(band_of(0.99, 0.76, 0.05, &FeatureScores { extra_ink: 0.02, ..f }, &clear), Band::Review);
    let occluded = QuestionedQuality {
        occluded_share: 0.3,
        faded_share: 0.0,
        reasons: vec![UnclearReason::Occluded],
        ..Default::default()
    };
    let mostly_hidden = QuestionedQuality {
        occluded_share: 0.4,
        faded_share: 0.3,
        reasons: vec![UnclearReason::Occluded, UnclearReason::Faded],
        ..Default::default()
    };
    assert_eq!(band_of(0.01, 0.76, 0.05, &f, &clear), Band::Inconsistent);
    assert_eq!(band_of(0.01, 0.76, 0.05, &f, &occluded), Band::Review);
    // foreign ink is evidence occlusion cannot explain
    assert_eq!(band_of(0.01, 0.76, 0.05, &foreign, &occluded), Band::Inconsistent);
    assert_eq!(band_of(0.90, 0.76, 0.05, &f, &clear), Band::Consistent);
    assert_eq!(band_of(0.90, 0.76, 0.05, &f, &occluded), Band::Consistent);
    assert!(mostly_hidden.hidden_share() > MAX_HIDDEN_FOR_CONSISTENT);
    assert_eq!(band_of(0.90, 0.76, 0.05, &f, &mostly_hidden), Band::Review);
    assert_eq!(band_of(0.5, 0.76, 0.05, &f, &clear), Band::Review);
    // results stored before the check existed still deserialise
    let mut v = serde_json::to_value(
        match_pair(&registered(0), &questioned(0, 0.0, 1.0, (200.0, 190.0), false), &MatchOptions::default()).unwrap(),
    )
    .unwrap();
    v.as_object_mut().unwrap().remove("questioned_quality");
    let back: MatchResult = serde_json::from_value(v).unwrap();
    assert!(back.questioned_quality.reasons.is_empty());
}

/// Decoding once (`decode_rgb`, then `with_ink`) and matching the planes gives what
/// `match_pair` gives on the files, and refuses what `decode` refuses.
#[test]
fn decoded_once_matches_as_the_files_do() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seal/");
    let reg = std::fs::read(format!("{dir}registered/r0004.png")).unwrap();
    let q = std::fs::read(format!("{dir}demo/q0037.jpg")).unwrap();
    let opts = MatchOptions::default();
    let from_files = match_pair(&reg, &q, &opts).unwrap();
    let planes = with_ink(decode_rgb(&q).unwrap()).unwrap();
    let once = match_decoded(&decode(&reg).unwrap(), &planes, &opts).unwrap();
    assert_eq!(serde_json::to_string(&once).unwrap(), serde_json::to_string(&from_files).unwrap());
    // a blank page: no red ink either way
    let blank = decode_rgb(&views_png(64, 64)).unwrap();
    assert!(matches!(with_ink(blank), Err(MatchError::NoRedInk)));
}

fn views_png(w: u32, h: u32) -> Vec<u8> {
    let d = Decoded {
        width: w as usize,
        height: h as usize,
        rgb: vec![255; (w * h * 3) as usize],
        dpi: None,
        source: SourceFormat::Png,
        grayscale: false,
        ink: crate::ink::classify(&vec![255; (w * h * 3) as usize], w as usize, h as usize),
    };
    d.to_png()
}
