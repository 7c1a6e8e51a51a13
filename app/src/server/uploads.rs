//! Accepting an uploaded image: size limit, malware scan (before anything else reads the
//! bytes), then type by content (not by name or declared type) and pixel limit.

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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("未收到影像檔")]
    Empty,
    #[error("檔案過大（{size_kb} KB），上限為 {max_kb} KB")]
    TooLarge { size_kb: usize, max_kb: usize },
    #[error("檔案不是 PNG 或 JPEG 影像")]
    NotImage,
    #[error("影像損毀或無法讀取")]
    Corrupt,
    #[error("影像像素過多（{width}×{height}），上限為 {max} 萬像素")]
    TooManyPixels { width: u32, height: u32, max: u64 },
    #[error("影像解碼後過大（{mb} MB），上限為 {max_mb} MB；請以 8 位元灰階或彩色、較低解析度掃描")]
    TooLargeDecoded { mb: u64, max_mb: u64 },
    #[error("檔案含有惡意程式（{0}），已拒收")]
    Infected(String),
    #[error("病毒掃描服務無法使用，暫時無法上傳；請稍後再試或通知資訊室")]
    ScanUnavailable,
}

impl UploadError {
    /// For the trail.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLarge { .. } => "too_large",
            Self::NotImage => "not_image",
            Self::Corrupt => "corrupt",
            Self::TooManyPixels { .. } => "too_many_pixels",
            Self::TooLargeDecoded { .. } => "too_large_decoded",
            Self::Infected(_) => "infected",
            Self::ScanUnavailable => "scan_unavailable",
        }
    }
}

/// The media type, by the file's first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// Run every check, in order; on success the image is ready to store.
pub async fn accept_image(scanner: &Scanner, limits: UploadLimits, bytes: Vec<u8>) -> Result<ImageBlob, UploadError> {
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
    let (width, height, decoded) = header(&bytes)?;
    let pixels = width as u64 * height as u64;
    if pixels > limits.max_pixels {
        return Err(UploadError::TooManyPixels { width, height, max: limits.max_pixels / 10_000 });
    }
    if decoded > limits.max_decoded_bytes {
        const MB: u64 = 1024 * 1024;
        return Err(UploadError::TooLargeDecoded { mb: decoded.div_ceil(MB), max_mb: limits.max_decoded_bytes / MB });
    }
    Ok(ImageBlob::new(bytes, media_type, width, height))
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

    #[tokio::test]
    async fn refuses_what_is_not_an_image_or_too_big() {
        let s = Scanner::disabled();
        let l = UploadLimits::default();
        assert_eq!(accept_image(&s, l, b"%PDF-1.4 hello".to_vec()).await, Err(UploadError::NotImage));
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
