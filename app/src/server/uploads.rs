//! Accepting an uploaded image: size limit, malware scan (before anything else reads the
//! bytes), then type by content (not by name or declared type) and pixel limit. PNG and JPEG
//! are checked from their header; a TIFF or a PDF whose page is one scan (what scanners make)
//! is read by the matcher itself — the same code the browser runs — under a decode permit, and
//! becomes a PNG of the pixels judged ([`judged_png`]), the original kept beside it.

use super::scan::{ScanError, ScanVerdict, Scanner};
use super::store::ImageBlob;

/// Limits on uploaded images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub max_bytes: usize,
    pub max_pixels: u64,
    /// The decoded image's size in memory (pixels × bytes per pixel: a 16-bit RGBA image takes
    /// eight bytes a pixel), checked from the header before anything is decoded.
    pub max_decoded_bytes: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        Self { max_bytes: 10 * 1024 * 1024, max_pixels: 40_000_000, max_decoded_bytes: 96 * 1024 * 1024 }
    }
}

pub use crate::domain::upload::UploadError;

/// The media type, by the file's first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some("image/tiff")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Whether the media type is one browsers show and the matcher judges as it is (PNG, JPEG);
/// a TIFF or PDF is judged through [`judged_png`].
pub fn displayable(media_type: &str) -> bool {
    matches!(media_type, "image/png" | "image/jpeg")
}

fn matcher_error(e: matcher::MatchError) -> UploadError {
    use matcher::MatchError as E;
    match e {
        E::Truncated => UploadError::Truncated,
        E::Grayscale => UploadError::Grayscale,
        E::UnsupportedFormat => UploadError::NotImage,
        E::Empty => UploadError::Empty,
        E::TooLarge(_) => UploadError::BeyondMatcher,
        _ => UploadError::Corrupt,
    }
}

/// The pixels a TIFF or PDF upload is judged by, as a lossless PNG (as the matcher decodes it,
/// in the browser and on the server alike); `None` for a PNG or JPEG, judged as it is.
pub async fn judged_png(original: &ImageBlob) -> Result<Option<ImageBlob>, UploadError> {
    if displayable(&original.media_type) {
        return Ok(None);
    }
    let bytes = original.data.clone();
    let png = super::comparisons::bounded(move || matcher::decode_rgb(&bytes).map(|d| (d.to_png(), d.width, d.height)))
        .await
        .map_err(|_| UploadError::Corrupt)?
        .map_err(matcher_error)?;
    let (data, w, h) = png;
    Ok(Some(ImageBlob::new(data, "image/png", w as u32, h as u32)))
}

/// Run every check, in order; on success the image is ready to store.
pub async fn accept_image(scanner: &Scanner, limits: UploadLimits, bytes: Vec<u8>) -> Result<ImageBlob, UploadError> {
    Ok(checked(scanner, limits, bytes).await?.0)
}

/// [`accept_image`]'s checks; for a TIFF or a PDF also the pixels they read (the matcher's
/// `decode_rgb`), so that nothing decodes them again.
async fn checked(
    scanner: &Scanner,
    limits: UploadLimits,
    bytes: Vec<u8>,
) -> Result<(ImageBlob, Option<matcher::Decoded>), UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(UploadError::TooLarge { size_kb: bytes.len().div_ceil(1024), max_kb: limits.max_bytes / 1024 });
    }
    let started = std::time::Instant::now();
    let verdict = scanner.scan(&bytes).await;
    if !matches!(verdict, Ok(ScanVerdict::NotScanned)) {
        metrics::histogram!("yinjian_scan_seconds").record(started.elapsed().as_secs_f64());
    }
    match verdict {
        Ok(ScanVerdict::Clean) | Ok(ScanVerdict::NotScanned) => {}
        Ok(ScanVerdict::Infected(sig)) => return Err(UploadError::Infected(sig)),
        Err(ScanError::Rejected(e)) => {
            tracing::warn!(error = %e, "clamd refused to scan an upload");
            return Err(UploadError::ScanUnavailable);
        }
        Err(e) => {
            tracing::error!(error = %e, "clamd unavailable");
            return Err(UploadError::ScanUnavailable);
        }
    }
    let media_type = sniff(&bytes).ok_or(UploadError::NotImage)?;
    let (width, height, decoded, pixels_read) = if displayable(media_type) {
        let (w, h, n) = header(&bytes)?;
        (w, h, n, None)
    } else {
        // the matcher reads it (its own limits: 20 MB, 40 MP, checked before decoding)
        let b = bytes.clone();
        let d = super::comparisons::bounded(move || matcher::decode_rgb(&b))
            .await
            .map_err(|_| UploadError::Corrupt)?
            .map_err(matcher_error)?;
        if d.grayscale {
            return Err(UploadError::Grayscale);
        }
        (d.width as u32, d.height as u32, d.width as u64 * d.height as u64 * 3, Some(d))
    };
    let pixels = width as u64 * height as u64;
    if pixels > limits.max_pixels {
        return Err(UploadError::TooManyPixels { width, height, max: limits.max_pixels / 10_000 });
    }
    if decoded > limits.max_decoded_bytes {
        const MB: u64 = 1024 * 1024;
        return Err(UploadError::TooLargeDecoded { mb: decoded.div_ceil(MB), max_mb: limits.max_decoded_bytes / MB });
    }
    Ok((ImageBlob::new(bytes, media_type, width, height), pixels_read))
}

/// An accepted upload as the system keeps it: the image judged and shown (PNG or JPEG as
/// uploaded; the PNG of a TIFF's or a scanned PDF's pixels) and, for a TIFF or PDF, the file
/// as it was uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    pub image: ImageBlob,
    pub original: Option<ImageBlob>,
}

/// [`accept_image`], then [`judged_png`]: what the comparison, a registered version or a reply
/// stores.
pub async fn accept_judged(scanner: &Scanner, limits: UploadLimits, bytes: Vec<u8>) -> Result<Judged, UploadError> {
    let original = accept_image(scanner, limits, bytes).await?;
    Ok(match judged_png(&original).await? {
        Some(png) => Judged { image: png, original: Some(original) },
        None => Judged { image: original, original: None },
    })
}

/// [`accept_judged`] for an image about to be matched, decoding it once: the checks (a TIFF's
/// or a PDF's read its pixels: those are kept), then a PNG's or JPEG's pixels decoded
/// (`matcher::decode_rgb`) — what the matcher is given and, for a TIFF or PDF, what the judged
/// PNG is made of. A PNG or JPEG that passes its header check but does not decode is the
/// matcher's to refuse (as before): its error comes back for the caller to map.
pub async fn accept_decoded(
    scanner: &Scanner,
    limits: UploadLimits,
    bytes: Vec<u8>,
) -> Result<(Judged, Result<matcher::Decoded, matcher::MatchError>), UploadError> {
    let (original, pixels_read) = checked(scanner, limits, bytes).await?;
    let Some(mut d) = pixels_read else {
        let data = original.data.clone();
        let decoded =
            super::comparisons::bounded(move || matcher::decode_rgb(&data)).await.map_err(|_| UploadError::Corrupt)?;
        return Ok((Judged { image: original, original: None }, decoded));
    };
    // a TIFF or PDF: judged as the PNG of its pixels the record keeps (which declares no
    // resolution: the same verdict as when the PNG was decoded again)
    let png = ImageBlob::new(d.to_png(), "image/png", d.width as u32, d.height as u32);
    (d.dpi, d.source) = (None, matcher::SourceFormat::Png);
    Ok((Judged { image: png, original: Some(original) }, Ok(d)))
}

/// Width, height and decoded size in bytes, from the header alone.
fn header(bytes: &[u8]) -> Result<(u32, u32, u64), UploadError> {
    use image::ImageDecoder;
    let decoder = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| UploadError::Corrupt)?
        .into_decoder()
        .map_err(|_| UploadError::Corrupt)?;
    let (w, h) = decoder.dimensions();
    Ok((w, h, decoder.total_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = include_bytes!("../../../crates/matcher/tests/fixtures/seal/registered/r0004.png");

    #[tokio::test]
    async fn accepts_a_png_and_names_it_by_content() {
        let img = accept_image(&Scanner::disabled(), UploadLimits::default(), PNG.to_vec()).await.unwrap();
        assert_eq!(img.media_type, "image/png");
        assert_eq!(img.sha256.len(), 64);
        assert!(img.width > 0 && img.height > 0);
    }

    const FORMATS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/matcher/tests/fixtures/seal/formats/");

    #[tokio::test]
    async fn a_tiff_or_a_scanned_pdf_is_judged_as_the_png_of_its_pixels() {
        let (s, l) = (Scanner::disabled(), UploadLimits::default());
        let reference = matcher::decode_rgb(&std::fs::read(format!("{FORMATS}q0037_crop.png")).unwrap()).unwrap();
        for (file, media) in [("q0037_lzw.tif", "image/tiff"), ("q0037_flate.pdf", "application/pdf")] {
            let bytes = std::fs::read(format!("{FORMATS}{file}")).unwrap();
            let img = accept_image(&s, l, bytes.clone()).await.unwrap();
            assert_eq!((img.media_type.as_str(), img.data.len()), (media, bytes.len()), "{file}: kept as uploaded");
            let png = judged_png(&img).await.unwrap().expect("a PNG of the judged pixels");
            assert_eq!(png.media_type, "image/png");
            let judged = matcher::decode_rgb(&png.data).unwrap();
            assert_eq!((judged.width, judged.height), (reference.width, reference.height), "{file}");
            assert_eq!(judged.rgb, matcher::decode_rgb(&bytes).unwrap().rgb, "{file}: the same pixels");
        }
        // a PNG or JPEG is judged as it is
        let img = accept_image(&s, l, PNG.to_vec()).await.unwrap();
        assert!(judged_png(&img).await.unwrap().is_none());
        // black and white, cut off: their own refusals
        let bw = std::fs::read(format!("{FORMATS}q0037_bw_g4.tif")).unwrap();
        assert_eq!(accept_image(&s, l, bw).await, Err(UploadError::Grayscale));
        let cut = std::fs::read(format!("{FORMATS}q0037_truncated.jpg")).unwrap();
        let cut_tiff = std::fs::read(format!("{FORMATS}q0037_lzw.tif")).unwrap()[..4000].to_vec();
        assert_eq!(accept_image(&s, l, cut_tiff).await, Err(UploadError::Truncated));
        // (a truncated JPEG passes the header check; the matcher refuses it when judging)
        assert!(accept_image(&s, l, cut).await.is_ok());
    }

    /// Decoded once: the pixels handed to the matcher are those the judged image holds — a PNG's
    /// own, a TIFF's as its judged PNG decodes (no resolution, as the PNG declares none).
    #[tokio::test]
    async fn an_upload_to_match_is_decoded_once_into_the_judged_pixels() {
        let (s, l) = (Scanner::disabled(), UploadLimits::default());
        let (judged, d) = accept_decoded(&s, l, PNG.to_vec()).await.unwrap();
        assert!(judged.original.is_none());
        let d = d.unwrap();
        assert_eq!(d.rgb, matcher::decode_rgb(PNG).unwrap().rgb);
        for file in ["q0037_lzw.tif", "q0037_flate.pdf"] {
            let bytes = std::fs::read(format!("{FORMATS}{file}")).unwrap();
            let (judged, d) = accept_decoded(&s, l, bytes.clone()).await.unwrap();
            assert_eq!(judged.original.as_ref().map(|o| o.data.len()), Some(bytes.len()), "{file}");
            let d = d.unwrap();
            let again = matcher::decode_rgb(&judged.image.data).unwrap();
            assert_eq!(
                (d.width, d.height, d.dpi, d.source),
                (again.width, again.height, again.dpi, again.source),
                "{file}"
            );
            assert_eq!(d.rgb, again.rgb, "{file}");
        }
        // a JPEG cut off passes the header check: the matcher's error comes back, nothing else
        let cut = std::fs::read(format!("{FORMATS}q0037_truncated.jpg")).unwrap();
        let (_, d) = accept_decoded(&s, l, cut).await.unwrap();
        assert_eq!(d.unwrap_err(), matcher::MatchError::Truncated);
    }

    #[tokio::test]
    async fn refuses_what_is_not_an_image_or_too_big() {
        let s = Scanner::disabled();
        let l = UploadLimits::default();
        assert_eq!(accept_image(&s, l, b"GIF89a hello".to_vec()).await, Err(UploadError::NotImage));
        // a PDF that is not one scan, cut off
        assert!(accept_image(&s, l, b"%PDF-1.4 hello".to_vec()).await.is_err());
        assert_eq!(accept_image(&s, l, vec![]).await, Err(UploadError::Empty));
        let small = UploadLimits { max_bytes: 1024, ..l };
        assert!(matches!(accept_image(&s, small, PNG.to_vec()).await, Err(UploadError::TooLarge { .. })));
        let few = UploadLimits { max_pixels: 100, ..l };
        assert!(matches!(accept_image(&s, few, PNG.to_vec()).await, Err(UploadError::TooManyPixels { .. })));
        // 36 MP of 16-bit RGBA fits the pixel limit but would take 288 MB decoded
        let bomb = include_bytes!("../../tests/fixtures/upload/rgba16-36mp.png").to_vec();
        assert!(matches!(accept_image(&s, l, bomb).await, Err(UploadError::TooLargeDecoded { mb: 275, .. })));
        // a PNG signature with garbage after it
        let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
        fake.extend_from_slice(&[0u8; 64]);
        assert_eq!(accept_image(&s, l, fake).await, Err(UploadError::Corrupt));
    }
}
