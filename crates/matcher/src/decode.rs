//! Image decoding (PNG, JPEG, TIFF, a PDF page that is one scan) with limits, plus DPI
//! metadata; truncated files and files without colour are told apart from other failures.

use super::ink::{classify, InkMap};
use super::MatchError;
use serde::{Deserialize, Serialize};

pub const MAX_BYTES: usize = 20 * 1024 * 1024;
pub const MAX_PIXELS: u64 = 40_000_000;

/// The kind of file an image came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    Png,
    Jpeg,
    Tiff,
    /// A PDF whose page is one embedded scan (the image is extracted, not rendered).
    Pdf,
}

/// A decoded image: RGB8 pixels plus its ink classification.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub width: usize,
    pub height: usize,
    /// Row-major RGB, 3 bytes per pixel.
    pub rgb: Vec<u8>,
    /// Dots per inch from PNG pHYs / JPEG JFIF density / TIFF resolution, when present.
    pub dpi: Option<f32>,
    /// The file's format.
    pub source: SourceFormat,
    /// True when the image carries no colour: a grayscale or black-and-white file, or colour
    /// channels that are all equal (a grayscale scan saved as colour). Red seal ink cannot be
    /// told apart from black print in it.
    pub grayscale: bool,
    pub(crate) ink: InkMap,
}

impl Decoded {
    /// Number of pixels classified as red ink.
    pub fn ink_pixels(&self) -> usize {
        self.ink.ink_count
    }
    /// The judged pixels as a lossless PNG (for the record: what the matcher saw, whatever the
    /// file's format was).
    pub fn to_png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let enc = image::codecs::png::PngEncoder::new(&mut out);
        use image::ImageEncoder;
        if enc.write_image(&self.rgb, self.width as u32, self.height as u32, image::ExtendedColorType::Rgb8).is_err() {
            out.clear();
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fmt {
    Png,
    Jpeg,
    Tiff,
    Pdf,
}

fn sniff(bytes: &[u8]) -> Option<Fmt> {
    if bytes.len() >= 8 && bytes[..8] == [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A] {
        Some(Fmt::Png)
    } else if bytes.len() >= 3 && bytes[..3] == [0xFF, 0xD8, 0xFF] {
        Some(Fmt::Jpeg)
    } else if bytes.len() >= 8 && (bytes[..4] == [b'I', b'I', 42, 0] || bytes[..4] == [b'M', b'M', 0, 42]) {
        Some(Fmt::Tiff)
    } else if bytes.len() >= 8 && (bytes[..4] == [b'I', b'I', 43, 0] || bytes[..4] == [b'M', b'M', 0, 43]) {
        // BigTIFF
        Some(Fmt::Tiff)
    } else if bytes.len() >= 5 && bytes[..1024.min(bytes.len())].windows(5).any(|w| w == b"%PDF-") {
        Some(Fmt::Pdf)
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

/// A PNG is complete when its chunks lead to IEND within the file.
fn png_complete(b: &[u8]) -> bool {
    let mut i = 8usize;
    while let (Some(len), Some(ty)) = (be32(b, i), b.get(i + 4..i + 8)) {
        let Some(next) = i.checked_add(12).and_then(|v| v.checked_add(len as usize)) else { return false };
        if next > b.len() {
            return false;
        }
        if ty == b"IEND" {
            return true;
        }
        i = next;
    }
    false
}

/// A JPEG is complete when its segments and entropy-coded data lead to an EOI marker within
/// the file (decoders fill a cut-off scan with grey and carry on; a half image must not be
/// judged).
fn jpeg_complete(b: &[u8]) -> bool {
    let n = b.len();
    let mut i = 2usize;
    loop {
        // to the next marker (decoders skip stray bytes and fill bytes alike)
        while i < n && b[i] != 0xFF {
            i += 1;
        }
        while i < n && b[i] == 0xFF {
            i += 1;
        }
        if i >= n {
            return false;
        }
        let m = b[i];
        i += 1;
        match m {
            0xD9 => return true,
            0x01 | 0xD0..=0xD7 => {}
            _ => {
                let Some(len) = be16(b, i) else { return false };
                i += len as usize;
                if i > n {
                    return false;
                }
                if m == 0xDA {
                    // entropy-coded data: up to a marker other than a stuffed zero or a restart
                    while i + 1 < n {
                        if b[i] == 0xFF && b[i + 1] != 0 && !(0xD0..=0xD7).contains(&b[i + 1]) && b[i + 1] != 0xFF {
                            break;
                        }
                        i += 1;
                    }
                    if i + 1 >= n {
                        return false;
                    }
                }
            }
        }
    }
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

/// A TIFF is complete when its first image's strips (or tiles) all lie within the file (the
/// decoders read a strip cut short as if it ended there).
fn tiff_complete(b: &[u8]) -> bool {
    let le = b.get(..2) == Some(&b"II"[..]);
    let u16_at = |i: usize| -> Option<u16> {
        let s = b.get(i..i + 2)?;
        Some(if le { u16::from_le_bytes([s[0], s[1]]) } else { u16::from_be_bytes([s[0], s[1]]) })
    };
    let u32_at = |i: usize| -> Option<u32> {
        let s = b.get(i..i + 4)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if le { u32::from_le_bytes(a) } else { u32::from_be_bytes(a) })
    };
    if u16_at(2) != Some(42) {
        return true; // BigTIFF: left to the decoder
    }
    let check = || -> Option<bool> {
        let ifd = u32_at(4)? as usize;
        let n = u16_at(ifd)? as usize;
        b.get(ifd + 2..ifd + 2 + 12 * n)?;
        // every out-of-line value within the file
        for k in 0..n {
            let e = ifd + 2 + 12 * k;
            let unit: u64 = match u16_at(e + 2)? {
                1 | 2 | 6 | 7 => 1,
                3 | 8 => 2,
                4 | 9 | 11 | 13 => 4,
                _ => 8,
            };
            let size = unit * u32_at(e + 4)? as u64;
            if size > 4 && u32_at(e + 8)? as u64 + size > b.len() as u64 {
                return Some(false);
            }
        }
        // (values, count) of a SHORT or LONG array tag
        let values =
            |tag: u16| -> Option<Vec<u64>> {
                for k in 0..n {
                    let e = ifd + 2 + 12 * k;
                    if u16_at(e)? != tag {
                        continue;
                    }
                    let (ty, count) = (u16_at(e + 2)?, u32_at(e + 4)? as usize);
                    let size = match ty {
                        3 => 2,
                        4 => 4,
                        _ => return None,
                    };
                    if count > 1 << 24 {
                        return None;
                    }
                    let at = if size * count <= 4 { e + 8 } else { u32_at(e + 8)? as usize };
                    return (0..count)
                        .map(|i| {
                            if size == 2 {
                                u16_at(at + 2 * i).map(u64::from)
                            } else {
                                u32_at(at + 4 * i).map(u64::from)
                            }
                        })
                        .collect();
                }
                None
            };
        let (offs, counts) = match (values(273), values(279)) {
            (Some(o), Some(c)) => (o, c),
            _ => (values(324)?, values(325)?),
        };
        Some(offs.iter().zip(counts.iter()).all(|(o, c)| o + c <= b.len() as u64))
    };
    check().unwrap_or(false)
}

/// TIFF XResolution / ResolutionUnit of the first image.
fn tiff_dpi(b: &[u8]) -> Option<f32> {
    let le = b.get(..2)? == b"II";
    let u16_at = |i: usize| -> Option<u16> {
        let s = b.get(i..i + 2)?;
        Some(if le { u16::from_le_bytes([s[0], s[1]]) } else { u16::from_be_bytes([s[0], s[1]]) })
    };
    let u32_at = |i: usize| -> Option<u32> {
        let s = b.get(i..i + 4)?;
        let a = [s[0], s[1], s[2], s[3]];
        Some(if le { u32::from_le_bytes(a) } else { u32::from_be_bytes(a) })
    };
    if u16_at(2)? != 42 {
        return None; // BigTIFF: no resolution read
    }
    let ifd = u32_at(4)? as usize;
    let n = u16_at(ifd)? as usize;
    let (mut xres, mut unit) = (None, 2u16);
    for k in 0..n.min(512) {
        let e = ifd + 2 + 12 * k;
        match u16_at(e)? {
            282 if u16_at(e + 2)? == 5 => {
                let off = u32_at(e + 8)? as usize;
                let (num, den) = (u32_at(off)?, u32_at(off + 4)?);
                if den > 0 {
                    xres = Some(num as f64 / den as f64);
                }
            }
            296 => unit = u16_at(e + 8)?,
            _ => {}
        }
    }
    let dpi = match unit {
        2 => xres?,
        3 => xres? * 2.54,
        _ => return None,
    } as f32;
    (dpi.is_finite() && (10.0..=20000.0).contains(&dpi)).then_some(dpi)
}

/// Decode an image file (PNG, JPEG, TIFF, or a PDF whose page is one scan) and classify its
/// ink. Errors when no red ink is present: [`MatchError::Grayscale`] when the file carries no
/// colour at all, [`MatchError::NoRedInk`] otherwise.
pub fn decode(bytes: &[u8]) -> Result<Decoded, MatchError> {
    with_ink(decode_rgb(bytes)?)
}

/// What [`decode`] asks of [`decode_rgb`]'s image before it is matched: red ink in it. For a
/// caller that decoded once with [`decode_rgb`] (to check and keep the file) and now matches
/// the same pixels with [`crate::match_decoded`], without decoding again.
pub fn with_ink(d: Decoded) -> Result<Decoded, MatchError> {
    if d.ink.ink_count < super::ink::MIN_INK_PIXELS {
        return Err(if d.grayscale { MatchError::Grayscale } else { MatchError::NoRedInk });
    }
    Ok(d)
}

fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(65_535);
    limits.max_image_height = Some(65_535);
    limits.max_alloc = Some(MAX_PIXELS * 8 + (64 << 20));
    limits
}

/// Decode with the `image` crate (dimensions checked first).
fn decode_image(bytes: &[u8], ifmt: image::ImageFormat) -> Result<image::DynamicImage, MatchError> {
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), ifmt);
    reader.limits(limits());
    let (w, h) = reader.into_dimensions().map_err(map_img_err)?;
    if w == 0 || h == 0 {
        return Err(MatchError::Empty);
    }
    if (w as u64) * (h as u64) > MAX_PIXELS {
        return Err(MatchError::TooLarge(format!("{}x{} exceeds 40 megapixels", w, h)));
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), ifmt);
    reader.limits(limits());
    reader.decode().map_err(map_img_err)
}

/// RGB8 of any decoded image; transparent pixels are laid on white paper.
fn to_rgb(img: image::DynamicImage) -> (Vec<u8>, usize, usize, bool) {
    use image::ColorType as C;
    let gray_type = matches!(img.color(), C::L8 | C::L16 | C::La8 | C::La16);
    let (w, h) = (img.width() as usize, img.height() as usize);
    let rgb = if img.color().has_alpha() {
        let rgba = img.into_rgba8().into_raw();
        let mut out = Vec::with_capacity(w * h * 3);
        for p in rgba.chunks_exact(4) {
            let a = p[3] as u32;
            for &c in &p[..3] {
                out.push(((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8);
            }
        }
        out
    } else {
        img.into_rgb8().into_raw()
    };
    (rgb, w, h, gray_type)
}

/// A TIFF's first image as RGB8 (the `tiff` crate with the codecs scanners use: none, LZW,
/// Deflate, PackBits and JPEG). 16-bit samples keep their high byte, YCbCr (JPEG-compressed
/// scans: the crate hands out the samples unconverted) is converted as JFIF does, CMYK
/// naively. Bilevel images (CCITT fax) are black-and-white scans: reported as grayscale
/// without being decoded. Palette TIFFs are not read.
fn decode_tiff(bytes: &[u8]) -> Result<(Vec<u8>, usize, usize, bool), MatchError> {
    use tiff::decoder::{Decoder, DecodingResult};
    use tiff::ColorType as T;
    let terr = |e: tiff::TiffError| match e {
        tiff::TiffError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => MatchError::Truncated,
        tiff::TiffError::UnsupportedError(_) => MatchError::UnsupportedFormat,
        tiff::TiffError::LimitsExceeded => MatchError::TooLarge("TIFF limits".into()),
        e => MatchError::Corrupt(e.to_string()),
    };
    let mut d = Decoder::new(std::io::Cursor::new(bytes)).map_err(terr)?;
    let (w, h) = d.dimensions().map_err(terr)?;
    let (w, h) = (w as usize, h as usize);
    if w == 0 || h == 0 {
        return Err(MatchError::Empty);
    }
    if (w as u64) * (h as u64) > MAX_PIXELS {
        return Err(MatchError::TooLarge(format!("{}x{} exceeds 40 megapixels", w, h)));
    }
    let ct = d.colortype().map_err(terr)?;
    let bits = match ct {
        T::Gray(b) | T::GrayA(b) | T::RGB(b) | T::RGBA(b) | T::CMYK(b) | T::YCbCr(b) | T::Palette(b) => b,
        _ => return Err(MatchError::UnsupportedFormat),
    };
    if bits == 1 && matches!(ct, T::Gray(_)) {
        return Err(MatchError::Grayscale);
    }
    let mut limits = tiff::decoder::Limits::default();
    limits.decoding_buffer_size = (MAX_PIXELS as usize) * 8;
    let mut d = d.with_limits(limits);
    let samples: Vec<u8> = match d.read_image().map_err(terr)? {
        DecodingResult::U8(v) => v,
        DecodingResult::U16(v) => v.iter().map(|x| (x >> 8) as u8).collect(),
        _ => return Err(MatchError::UnsupportedFormat),
    };
    let (comps, grey) = match ct {
        T::Gray(_) => (1, true),
        T::GrayA(_) => (2, true),
        T::RGB(_) | T::YCbCr(_) => (3, false),
        T::RGBA(_) | T::CMYK(_) => (4, false),
        _ => return Err(MatchError::UnsupportedFormat),
    };
    if samples.len() < w * h * comps {
        return Err(MatchError::Truncated);
    }
    let mut rgb = Vec::with_capacity(w * h * 3);
    for p in samples[..w * h * comps].chunks_exact(comps) {
        match ct {
            T::Gray(_) => rgb.extend_from_slice(&[p[0], p[0], p[0]]),
            T::GrayA(_) => {
                let v = ((p[0] as u32 * p[1] as u32 + 255 * (255 - p[1] as u32) + 127) / 255) as u8;
                rgb.extend_from_slice(&[v, v, v]);
            }
            T::RGB(_) => rgb.extend_from_slice(p),
            T::RGBA(_) => {
                let a = p[3] as u32;
                for &c in &p[..3] {
                    rgb.push(((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8);
                }
            }
            T::CMYK(_) => {
                let k = p[3] as u32;
                for &c in &p[..3] {
                    rgb.push((255 - (c as u32 + k).min(255)) as u8);
                }
            }
            _ => {
                // JFIF (full-range BT.601) conversion in fixed point
                let (y, cb, cr) = ((p[0] as i32) << 16, p[1] as i32 - 128, p[2] as i32 - 128);
                let r = y + 91_881 * cr;
                let g = y - 22_554 * cb - 46_802 * cr;
                let b = y + 116_130 * cb;
                for c in [r, g, b] {
                    rgb.push(((c + (1 << 15)) >> 16).clamp(0, 255) as u8);
                }
            }
        }
    }
    Ok((rgb, w, h, grey))
}

/// No colour in an image that shows something: (almost) every pixel has equal channels while
/// some are dark (print, a seal in grey). A blank page is not called grayscale: it merely has
/// no seal.
fn colourless(rgb: &[u8]) -> bool {
    let (mut coloured, mut dark, mut n) = (0usize, 0usize, 0usize);
    for p in rgb.chunks_exact(3).step_by(3) {
        let mx = p[0].max(p[1]).max(p[2]);
        let mn = p[0].min(p[1]).min(p[2]);
        n += 1;
        coloured += (mx - mn > 12) as usize;
        dark += (mx < 200) as usize;
    }
    n > 0 && coloured * 10_000 <= n && dark * 200 >= n
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
    let (rgb, w, h, gray_type, dpi, source) = match fmt {
        Fmt::Png | Fmt::Jpeg | Fmt::Tiff => {
            let complete = match fmt {
                Fmt::Png => png_complete(bytes),
                Fmt::Jpeg => jpeg_complete(bytes),
                _ => tiff_complete(bytes),
            };
            if !complete {
                return Err(MatchError::Truncated);
            }
            let (rgb, w, h, g, source) = match fmt {
                Fmt::Png => {
                    let (rgb, w, h, g) = to_rgb(decode_image(bytes, image::ImageFormat::Png)?);
                    (rgb, w, h, g, SourceFormat::Png)
                }
                Fmt::Jpeg => {
                    let (rgb, w, h, g) = to_rgb(decode_image(bytes, image::ImageFormat::Jpeg)?);
                    (rgb, w, h, g, SourceFormat::Jpeg)
                }
                _ => {
                    let (rgb, w, h, g) = decode_tiff(bytes)?;
                    (rgb, w, h, g, SourceFormat::Tiff)
                }
            };
            let dpi = match fmt {
                Fmt::Png => png_dpi(bytes),
                Fmt::Jpeg => jpeg_dpi(bytes),
                _ => tiff_dpi(bytes),
            };
            (rgb, w, h, g, dpi, source)
        }
        Fmt::Pdf => match super::pdf::extract(bytes, MAX_PIXELS as usize * 8)? {
            super::pdf::PdfImage::Jpeg(j) => {
                if !jpeg_complete(j) {
                    return Err(MatchError::Truncated);
                }
                let (rgb, w, h, g) = to_rgb(decode_image(j, image::ImageFormat::Jpeg)?);
                (rgb, w, h, g, None, SourceFormat::Pdf)
            }
            super::pdf::PdfImage::Raw { width, height, comps, data } => {
                let mut rgb = Vec::with_capacity(width * height * 3);
                for p in data.chunks_exact(comps) {
                    match comps {
                        1 => rgb.extend_from_slice(&[p[0], p[0], p[0]]),
                        3 => rgb.extend_from_slice(p),
                        _ => {
                            let k = p[3] as u32;
                            for &c in &p[..3] {
                                rgb.push((255 - (c as u32 + k).min(255)) as u8);
                            }
                        }
                    }
                }
                (rgb, width, height, comps == 1, None, SourceFormat::Pdf)
            }
        },
    };
    if w == 0 || h == 0 {
        return Err(MatchError::Empty);
    }
    if rgb.len() != w * h * 3 {
        return Err(MatchError::Corrupt("pixel buffer size mismatch".into()));
    }
    let grayscale = gray_type || colourless(&rgb);
    let ink = classify(&rgb, w, h);
    Ok(Decoded { width: w, height: h, rgb, dpi, source, grayscale, ink })
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
    Decoded {
        width: w,
        height: h,
        rgb,
        dpi: d.dpi.map(|v| v / f as f32),
        source: d.source,
        grayscale: d.grayscale,
        ink,
    }
}

fn map_img_err(e: image::ImageError) -> MatchError {
    match e {
        image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => MatchError::Truncated,
        image::ImageError::Unsupported(_) => MatchError::UnsupportedFormat,
        image::ImageError::Limits(l) => MatchError::TooLarge(l.to_string()),
        other => MatchError::Corrupt(other.to_string()),
    }
}
