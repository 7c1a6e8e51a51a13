//! The workbench's pure parts (both builds, unit-tested natively): views, the geometry of manual
//! adjustment, sniffing image files, and the messages shown to the clerk.

use crate::i18n::Locale;
use matcher::Alignment;

/// The comparison views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Overlay,
    Difference,
    Split,
    Mirror,
    SideBySide,
    Blink,
    Loupe,
    Heatmap,
}

impl View {
    pub const ALL: [View; 8] = [
        View::Overlay,
        View::Difference,
        View::Split,
        View::Mirror,
        View::SideBySide,
        View::Blink,
        View::Loupe,
        View::Heatmap,
    ];

    /// Stable name: `data-view`, `data-testid="view-<name>"`.
    pub fn name(self) -> &'static str {
        match self {
            View::Overlay => "overlay",
            View::Difference => "difference",
            View::Split => "split",
            View::Mirror => "mirror",
            View::SideBySide => "side-by-side",
            View::Blink => "blink",
            View::Loupe => "loupe",
            View::Heatmap => "heatmap",
        }
    }

    pub fn label(self, l: Locale) -> &'static str {
        match self {
            View::Overlay => l.pick("疊圖", "Overlay"),
            View::Difference => l.pick("差異", "Difference"),
            View::Split => l.pick("分割", "Split"),
            View::Mirror => l.pick("鏡像對折", "Mirror fold"),
            View::SideBySide => l.pick("並排", "Side by side"),
            View::Blink => l.pick("閃爍", "Blink"),
            View::Loupe => l.pick("放大鏡", "Loupe"),
            View::Heatmap => l.pick("區塊熱圖", "Block heat map"),
        }
    }

    /// Views on which the alignment handles are shown.
    pub fn has_handles(self) -> bool {
        matches!(self, View::Overlay | View::Difference | View::Split | View::Mirror | View::Blink)
    }

    /// Views with a draggable line.
    pub fn has_line(self) -> bool {
        matches!(self, View::Split | View::Mirror)
    }
}

/// How the registered image is fitted into an output of `w` x `h` pixels (the same fit as
/// `matcher::views`): output pixel edge coordinate `u = (x + 0.5) * k + ox`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub k: f64,
    pub ox: f64,
    pub oy: f64,
}

impl Fit {
    pub fn new(reg_w: u32, reg_h: u32, w: u32, h: u32) -> Fit {
        let (rw, rh) = (reg_w.max(1) as f64, reg_h.max(1) as f64);
        let (w, h) = (w.max(1) as f64, h.max(1) as f64);
        let k = (w / rw).min(h / rh).max(1e-6);
        Fit { k, ox: (w - rw * k) * 0.5, oy: (h - rh * k) * 0.5 }
    }
    /// Registered pixel centre -> output coordinate.
    pub fn to_output(&self, x: f64, y: f64) -> (f64, f64) {
        ((x + 0.5) * self.k + self.ox, (y + 0.5) * self.k + self.oy)
    }
    /// Output coordinate -> registered pixel-centre coordinate.
    pub fn to_registered(&self, u: f64, v: f64) -> (f64, f64) {
        ((u - self.ox) / self.k - 0.5, (v - self.oy) / self.k - 0.5)
    }
}

/// Move the (displayed, aligned) questioned image by `(dx, dy)` registered pixels on screen:
/// what showed at registered point `p` now shows at `p + d`.
pub fn translate(al: &Alignment, dx: f64, dy: f64) -> Alignment {
    let (mx, my) = al.map(dx, dy);
    // linear part applied to d: map(d) - t
    let (lx, ly) = (mx - al.tx, my - al.ty);
    Alignment { tx: al.tx - lx, ty: al.ty - ly, ..*al }
}

/// Move the displayed questioned image by `(dx, dy)` questioned pixels in the screen direction
/// (an arrow-key nudge of one questioned pixel changes `(tx, ty)` by exactly one pixel).
pub fn nudge(al: &Alignment, dx: f64, dy: f64) -> Alignment {
    let s = if al.scale.is_finite() && al.scale > 1e-3 { al.scale } else { 1.0 };
    translate(al, dx / s, dy / s)
}

/// Rotate the displayed questioned image about the registered point `c` by `ccw_deg`
/// (counter-clockwise on screen); the questioned point shown at `c` stays there.
pub fn rotate_about(al: &Alignment, c: (f64, f64), ccw_deg: f64) -> Alignment {
    Alignment::about(al.rotation_deg - ccw_deg, al.scale, c, al.map(c.0, c.1))
}

/// The registered point at which the questioned point `q` is displayed.
pub fn inverse_map(al: &Alignment, q: (f64, f64)) -> (f64, f64) {
    let (ox, oy) = al.map(0.0, 0.0);
    let (ax, ay) = al.map(1.0, 0.0);
    let (bx, by) = al.map(0.0, 1.0);
    // columns of the linear part
    let (a11, a21, a12, a22) = (ax - ox, ay - oy, bx - ox, by - oy);
    let det = a11 * a22 - a12 * a21;
    if !det.is_finite() || det.abs() < 1e-12 {
        return q;
    }
    let (rx, ry) = (q.0 - ox, q.1 - oy);
    ((a22 * rx - a12 * ry) / det, (-a21 * rx + a11 * ry) / det)
}

/// Normalise degrees into (-180, 180].
pub fn norm_deg(d: f64) -> f64 {
    if !d.is_finite() {
        return 0.0;
    }
    let mut d = d % 360.0;
    if d <= -180.0 {
        d += 360.0;
    } else if d > 180.0 {
        d -= 360.0;
    }
    d
}

/// The media type of a PNG or JPEG file, from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// Files the matcher reads itself, in the browser and on the server alike (so both judge the
/// same pixels from the same bytes): a TIFF, or a PDF whose page is one scan. Sent as they are.
pub fn sniff_document(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some("image/tiff")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Pixel size of a PNG (IHDR) or JPEG (first SOF marker) from its header, without decoding.
pub fn image_dims(b: &[u8]) -> Option<(u32, u32)> {
    let be16 = |i: usize| b.get(i..i + 2).map(|s| u16::from_be_bytes([s[0], s[1]]) as u32);
    let be32 = |i: usize| b.get(i..i + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]));
    match sniff(b)? {
        "image/png" => {
            if b.get(12..16)? != b"IHDR" {
                return None;
            }
            Some((be32(16)?, be32(20)?))
        }
        _ => {
            let mut i = 2usize;
            loop {
                // skip fill bytes
                while *b.get(i)? == 0xFF && *b.get(i + 1)? == 0xFF {
                    i += 1;
                }
                if *b.get(i)? != 0xFF {
                    return None;
                }
                let m = *b.get(i + 1)?;
                match m {
                    0xD8 | 0x01 | 0xD0..=0xD7 => i += 2,
                    0xC0..=0xCF if m != 0xC4 && m != 0xC8 && m != 0xCC => {
                        return Some((be16(i + 7)?, be16(i + 5)?));
                    }
                    0xD9 | 0xDA => return None,
                    _ => i = i.checked_add(2)?.checked_add(be16(i + 2)? as usize)?,
                }
            }
        }
    }
}

/// Photos and large scans are downscaled in the browser before matching.
pub const DOWNSCALE_ABOVE_SIDE: u32 = 1600;
pub const DOWNSCALE_ABOVE_BYTES: usize = 4 * 1024 * 1024;
/// Longest side of a downscaled image, and its JPEG quality.
pub const DOWNSCALE_TO_SIDE: u32 = 1600;
pub const DOWNSCALE_QUALITY: f64 = 0.92;
/// Files larger than this are refused before reading.
pub const MAX_FILE_BYTES: f64 = 60.0 * 1024.0 * 1024.0;

/// Does a PNG/JPEG of `len` bytes and `dims` need downscaling first?
pub fn needs_downscale(len: usize, dims: Option<(u32, u32)>) -> bool {
    len > DOWNSCALE_ABOVE_BYTES || dims.is_none_or(|(w, h)| w.max(h) > DOWNSCALE_ABOVE_SIDE)
}

/// Target size of a downscaled image (never enlarged).
pub fn downscale_size(w: u32, h: u32) -> (u32, u32) {
    let m = w.max(h).max(1);
    if m <= DOWNSCALE_TO_SIDE {
        return (w.max(1), h.max(1));
    }
    let f = DOWNSCALE_TO_SIDE as f64 / m as f64;
    (((w as f64 * f).round() as u32).max(1), ((h as f64 * f).round() as u32).max(1))
}

/// Why the workbench cannot show a result (stable codes; the matcher's codes included).
pub fn error_text(code: &str, l: Locale) -> &'static str {
    match code {
        "unsupported_format" | "corrupt" | "empty" | "unreadable" => l.pick(
            "無法讀取影像，請上傳 PNG、JPEG、TIFF 或單頁掃描之 PDF 檔",
            "Cannot read the image; please upload a PNG, JPEG or TIFF file, or a PDF of one scanned page",
        ),
        "grayscale" => l.pick(
            "此為灰階或黑白掃描，無法分辨紅色印文：請以彩色掃描印文",
            "This is a greyscale or black-and-white scan, in which the red seal cannot be told apart: please scan in colour",
        ),
        "truncated" => l.pick(
            "檔案不完整（傳輸或存檔中斷），請重新掃描或重新選擇檔案",
            "The file is incomplete (cut off while sent or saved); please scan again or choose the file again",
        ),
        "too_large" => l.pick(
            "影像過大（上限 20 MB、4,000 萬像素），請重新掃描或拍攝",
            "The image is too large (20 MB / 40 megapixels at most); please scan or photograph it again",
        ),
        "no_red_ink" => l.pick(
            "影像中找不到紅色印文，請確認上傳的是蓋有印章的文件",
            "No red seal ink was found in the image; please check that it shows the stamped seal",
        ),
        "registered" => l.pick("印模影像無法使用，無法比對", "The registered impression cannot be used for comparison"),
        "worker" => {
            l.pick("比對元件無法啟動，請重新整理頁面", "The comparison engine could not start; please reload the page")
        }
        "invalid_option" => l.pick("調整值無效", "Invalid adjustment"),
        _ => l.pick("比對失敗，請重試", "The comparison failed; please try again"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn al() -> Alignment {
        Alignment { rotation_deg: 37.0, scale: 1.04, tx: 120.0, ty: -35.0 }
    }

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn translation_moves_the_display_by_d() {
        let a = al();
        let n = translate(&a, 3.0, -2.0);
        let p = (50.0, 80.0);
        assert!(close(n.map(p.0 + 3.0, p.1 - 2.0), a.map(p.0, p.1)));
        assert_eq!((n.rotation_deg, n.scale), (a.rotation_deg, a.scale));
    }

    #[test]
    fn a_nudge_is_one_questioned_pixel() {
        for rot in [0.0, 37.0, 179.3, -75.4] {
            let a = Alignment { rotation_deg: rot, ..al() };
            let n = nudge(&a, 1.0, 0.0);
            let d = ((n.tx - a.tx).powi(2) + (n.ty - a.ty).powi(2)).sqrt();
            assert!((d - 1.0).abs() < 1e-9, "{rot}: {d}");
        }
        // unrotated: the right arrow is tx - 1 (the questioned image moves right on screen)
        let a = Alignment { rotation_deg: 0.0, scale: 1.0, tx: 5.0, ty: 7.0 };
        let n = nudge(&a, 1.0, 0.0);
        assert!(close((n.tx, n.ty), (4.0, 7.0)));
    }

    #[test]
    fn rotation_keeps_the_centre_and_turns_counter_clockwise() {
        let a = al();
        let c = (160.0, 170.0);
        let n = rotate_about(&a, c, 0.1);
        assert!(close(n.map(c.0, c.1), a.map(c.0, c.1)));
        assert!((n.rotation_deg - (a.rotation_deg - 0.1)).abs() < 1e-9);
        // a point right of the centre is displayed slightly above where it was (y down)
        let p = (c.0 + 100.0, c.1);
        let seen_at = inverse_map(&n, a.map(p.0, p.1));
        assert!(seen_at.1 < p.1 - 0.1, "{seen_at:?}");
        // and exactly where rotating it by 0.1° counter-clockwise on screen puts it
        let t = 0.1f64.to_radians();
        let want = (c.0 + 100.0 * t.cos(), c.1 - 100.0 * t.sin());
        assert!((seen_at.0 - want.0).abs() < 1e-6 && (seen_at.1 - want.1).abs() < 1e-6);
    }

    #[test]
    fn inverse_map_inverts() {
        let a = al();
        let p = (12.5, -3.0);
        assert!(close(inverse_map(&a, a.map(p.0, p.1)), p));
    }

    #[test]
    fn fit_round_trips_and_matches_the_views_frame() {
        let f = Fit::new(326, 333, 480, 480);
        let (u, v) = f.to_output(10.0, 20.0);
        assert!(close(f.to_registered(u, v), (10.0, 20.0)));
        assert!((f.k - 480.0 / 333.0).abs() < 1e-12);
        assert!(f.oy.abs() < 1e-9 && f.ox > 0.0);
    }

    #[test]
    fn sniffs_and_reads_header_sizes() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/matcher/tests/fixtures/seal/");
        let png = std::fs::read(format!("{dir}registered/r0004.png")).unwrap();
        assert_eq!(sniff(&png), Some("image/png"));
        assert_eq!(image_dims(&png), Some((326, 333)));
        let jpg = std::fs::read(format!("{dir}demo/q0037.jpg")).unwrap();
        assert_eq!(sniff(&jpg), Some("image/jpeg"));
        assert_eq!(image_dims(&jpg), Some((744, 544)));
        assert!(!needs_downscale(jpg.len(), image_dims(&jpg)));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(image_dims(&[0xFF, 0xD8, 0xFF]), None);
        assert_eq!(image_dims(&jpg[..40]), None);
        // truncated / garbage never panics
        for n in 0..jpg.len().min(700) {
            let _ = image_dims(&jpg[..n]);
        }
        let mut junk = vec![0xFF, 0xD8];
        junk.extend(std::iter::repeat_n(0xFF, 50));
        assert_eq!(image_dims(&junk), None);
    }

    #[test]
    fn downscaling_rules() {
        assert!(needs_downscale(100, Some((4032, 3024))));
        assert!(needs_downscale(5 * 1024 * 1024, Some((1200, 900))));
        assert!(!needs_downscale(300_000, Some((1600, 1200))));
        assert_eq!(downscale_size(4032, 3024), (1600, 1200));
        assert_eq!(downscale_size(800, 600), (800, 600));
    }

    #[test]
    fn views_have_distinct_names() {
        let mut names: Vec<_> = View::ALL.iter().map(|v| v.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), View::ALL.len());
    }
}
