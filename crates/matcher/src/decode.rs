//! Image decoding (PNG / JPEG) with limits, plus DPI metadata.

use super::ink::{classify, InkMap};
use super::MatchError;

pub const MAX_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_PIXELS: u64 = 40_000_000;

/// A decoded image: RGB8 pixels plus its ink classification.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub width: usize,
    pub height: usize,
    /// Row-major RGB, 3 bytes per pixel.
    pub rgb: Vec<u8>,
    /// Dots per inch from PNG pHYs / JPEG JFIF density, when present.
    pub dpi: Option<f32>,
    pub(crate) ink: InkMap,
}

impl Decoded {
    /// Number of pixels classified as red ink.
    pub fn ink_pixels(&self) -> usize {
        self.ink.ink_count
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fmt {
    Png,
    Jpeg,
}

fn sniff(bytes: &[u8]) -> Option<Fmt> {
    if bytes.len() >= 8 && bytes[..8] == [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A] {
        Some(Fmt::Png)
    } else if bytes.len() >= 3 && bytes[..3] == [0xFF, 0xD8, 0xFF] {
        Some(Fmt::Jpeg)
    } else {
        None
    }
}

fn be32(b: &[u8], i: usize) -> Option<u32> {
    let s = b.get(i..i + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}
fn be16(b: &[u8], i: usize) -> Option<u16> {
    let s = b.get(i..i + 2)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

fn png_dpi(b: &[u8]) -> Option<f32> {
    let mut i = 8usize;
    while i + 8 <= b.len() {
        let len = be32(b, i)? as usize;
        let ty = b.get(i + 4..i + 8)?;
        if ty == b"pHYs" && len >= 9 {
            let x = be32(b, i + 8)?;
            let unit = *b.get(i + 16)?;
            if unit == 1 && x > 0 {
                let dpi = x as f32 * 0.0254;
                return if dpi.is_finite() && (10.0..=20000.0).contains(&dpi) { Some(dpi) } else { None };
            }
            return None;
        }
        if ty == b"IDAT" || ty == b"IEND" {
            return None;
        }
        i = i.checked_add(12)?.checked_add(len)?;
    }
    None
}

fn jpeg_dpi(b: &[u8]) -> Option<f32> {
    let mut i = 2usize;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xDA || marker == 0xD9 {
            return None;
        }
        let len = be16(b, i + 2)? as usize;
        if marker == 0xE0 && len >= 16 && b.get(i + 4..i + 9)? == b"JFIF\0" {
            let unit = *b.get(i + 11)?;
            let xd = be16(b, i + 12)? as f32;
            let dpi = match unit {
                1 => xd,
                2 => xd * 2.54,
                _ => return None,
            };
            return if (10.0..=20000.0).contains(&dpi) { Some(dpi) } else { None };
        }
        i = i.checked_add(2)?.checked_add(len)?;
    }
    None
}

/// Decode PNG or JPEG bytes into RGB and classify ink. Errors when no red ink is present.
pub fn decode(bytes: &[u8]) -> Result<Decoded, MatchError> {
    let d = decode_rgb(bytes)?;
    if d.ink.ink_count < super::ink::MIN_INK_PIXELS {
        return Err(MatchError::NoRedInk);
    }
    Ok(d)
}

/// Decode without requiring ink (used internally and by views).
pub fn decode_rgb(bytes: &[u8]) -> Result<Decoded, MatchError> {
    if bytes.is_empty() {
        return Err(MatchError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(MatchError::TooLarge(format!("{} bytes exceeds the 20 MB limit", bytes.len())));
    }
    let fmt = sniff(bytes).ok_or(MatchError::UnsupportedFormat)?;
    let ifmt = match fmt {
        Fmt::Png => image::ImageFormat::Png,
        Fmt::Jpeg => image::ImageFormat::Jpeg,
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), ifmt);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(65_535);
    limits.max_image_height = Some(65_535);
    limits.max_alloc = Some(MAX_PIXELS * 8 + (64 << 20));
    reader.limits(limits);
    let (w, h) = reader.into_dimensions().map_err(map_img_err)?;
    if w == 0 || h == 0 {
        return Err(MatchError::Empty);
    }
    if (w as u64) * (h as u64) > MAX_PIXELS {
        return Err(MatchError::TooLarge(format!("{}x{} exceeds 40 megapixels", w, h)));
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), ifmt);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 8 + (64 << 20));
    reader.limits(limits);
    let img = reader.decode().map_err(map_img_err)?;
    let rgb = img.into_rgb8();
    let (w, h) = (rgb.width() as usize, rgb.height() as usize);
    if w == 0 || h == 0 {
        return Err(MatchError::Empty);
    }
    let rgb = rgb.into_raw();
    if rgb.len() != w * h * 3 {
        return Err(MatchError::Corrupt("pixel buffer size mismatch".into()));
    }
    let dpi = match fmt {
        Fmt::Png => png_dpi(bytes),
        Fmt::Jpeg => jpeg_dpi(bytes),
    };
    let ink = classify(&rgb, w, h);
    Ok(Decoded { width: w, height: h, rgb, dpi, ink })
}

/// Box-average an image by an integer factor and re-classify its ink.
pub(crate) fn downsample(d: &Decoded, f: usize) -> Decoded {
    let f = f.max(1);
    let w = (d.width / f).max(1);
    let h = (d.height / f).max(1);
    let mut rgb = vec![0u8; w * h * 3];
    let n = (f * f) as u32;
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0u32; 3];
            let mut cnt = 0u32;
            for yy in y * f..((y + 1) * f).min(d.height) {
                for xx in x * f..((x + 1) * f).min(d.width) {
                    let i = (yy * d.width + xx) * 3;
                    if let Some(p) = d.rgb.get(i..i + 3) {
                        acc[0] += p[0] as u32;
                        acc[1] += p[1] as u32;
                        acc[2] += p[2] as u32;
                        cnt += 1;
                    }
                }
            }
            let c = cnt.max(1).min(n);
            for k in 0..3 {
                rgb[(y * w + x) * 3 + k] = ((acc[k] + c / 2) / c) as u8;
            }
        }
    }
    let ink = classify(&rgb, w, h);
    Decoded { width: w, height: h, rgb, dpi: d.dpi.map(|v| v / f as f32), ink }
}

fn map_img_err(e: image::ImageError) -> MatchError {
    match e {
        image::ImageError::Unsupported(_) => MatchError::UnsupportedFormat,
        image::ImageError::Limits(l) => MatchError::TooLarge(l.to_string()),
        other => MatchError::Corrupt(other.to_string()),
    }
}
