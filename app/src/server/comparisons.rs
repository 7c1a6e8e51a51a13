//! The comparison service: the working-time calendar as the store keeps it, the server's
//! re-run of the matcher, the record's verification code and the printed overlay.

use super::store::{DynStore, StoreResult};
use crate::domain::WorkCalendar;
use matcher::{self, Alignment, MatchError, MatchOptions, MatchResult};

/// The calendar as administrators maintain it.
pub async fn calendar(store: &DynStore) -> StoreResult<WorkCalendar> {
    let hours = store.office_hours().await?;
    let days = store.calendar_days().await?;
    Ok(WorkCalendar::new(hours, days))
}

/// The server's own results on the same inputs: the automatic one, and the one with the
/// clerk's manual alignment when there is one.
#[derive(Debug, Clone)]
pub struct Reverified {
    pub automatic: MatchResult,
    pub manual: Option<MatchResult>,
}

impl Reverified {
    /// The result the record stands on: the manual one when the clerk adjusted.
    pub fn effective(&self) -> &MatchResult {
        self.manual.as_ref().unwrap_or(&self.automatic)
    }
}

/// Decoding and matching run on the blocking pool, at most this many at once (one per core):
/// a burst of large uploads waits its turn instead of decoding all together into memory.
static DECODES: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(decode_slots()));
static RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many decodes may run at once.
pub fn decode_slots() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

/// The most decodes that ran at once since start (for tests and metrics).
pub fn peak_decodes() -> usize {
    PEAK.load(std::sync::atomic::Ordering::Relaxed)
}

/// Run CPU work on the blocking pool under a decode permit.
pub(crate) async fn bounded<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    use std::sync::atomic::Ordering;
    let _permit = DECODES.acquire().await.expect("the semaphore is never closed");
    let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
    PEAK.fetch_max(now, Ordering::SeqCst);
    let out = tokio::task::spawn_blocking(f).await;
    RUNNING.fetch_sub(1, Ordering::SeqCst);
    out
}

/// Re-run the matcher natively (on a blocking thread: it is CPU work).
pub async fn reverify(
    registered: Vec<u8>,
    questioned: Vec<u8>,
    manual: Option<Alignment>,
) -> Result<Result<Reverified, MatchError>, tokio::task::JoinError> {
    bounded(move || {
        let started = std::time::Instant::now();
        let reg = matcher::decode(&registered)?;
        let q = matcher::decode(&questioned)?;
        let automatic = matcher::match_decoded(&reg, &q, &MatchOptions::default())?;
        let manual = match manual {
            Some(a) => Some(matcher::match_decoded(
                &reg,
                &q,
                &MatchOptions { manual_alignment: Some(a), ..MatchOptions::default() },
            )?),
            None => None,
        };
        metrics::histogram!("yinjian_matcher_seconds").record(started.elapsed().as_secs_f64());
        Ok(Reverified { automatic, manual })
    })
    .await
}

/// Registered-impression quality (印模不清) on a blocking thread; `None` when it cannot be judged.
pub async fn assess(bytes: Vec<u8>) -> Option<matcher::Quality> {
    bounded(move || matcher::assess_registered(&bytes).ok().map(|(q, _)| q)).await.ok().flatten()
}

/// A code printed on the record that looks it up: 10 characters from an alphabet without
/// look-alikes (0/O, 1/I/L), grouped `XXXXX-XXXXX`.
pub fn verification_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut r = rand::rng();
    let mut s = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            s.push('-');
        }
        s.push(ALPHABET[r.random_range(0..ALPHABET.len())] as char);
    }
    s
}

/// Normalise a typed verification code (case, spaces, missing dash).
pub fn normalise_code(input: &str) -> String {
    let c: String = input.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    if c.len() == 10 {
        format!("{}-{}", &c[..5], &c[5..])
    } else {
        c
    }
}

/// The colour overlay as a PNG, for the printed record: drawn with the full map the matcher
/// fitted (a stretched or tilted scan aligned everywhere), else the similarity.
pub async fn overlay_png(
    registered: Vec<u8>,
    questioned: Vec<u8>,
    al: Alignment,
    transform: Option<matcher::GlobalTransform>,
    side: u32,
) -> Option<Vec<u8>> {
    bounded(move || {
        let reg = matcher::decode(&registered).ok()?;
        let q = matcher::decode(&questioned).ok()?;
        let map = transform.unwrap_or_else(|| matcher::GlobalTransform::from(&al));
        let img = matcher::views::overlay(&reg, &q, map, side, side);
        let mut out = Vec::new();
        use image::ImageEncoder;
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&img.data, img.width, img.height, image::ExtendedColorType::Rgba8)
            .ok()?;
        Some(out)
    })
    .await
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn decodes_are_bounded_by_the_cores() {
        let png = include_bytes!("../../../crates/matcher/tests/fixtures/seal/registered/r0004.png").to_vec();
        let runs: Vec<_> = (0..12).map(|_| tokio::spawn(reverify(png.clone(), png.clone(), None))).collect();
        for r in runs {
            assert!(r.await.unwrap().unwrap().is_ok());
        }
        assert!(peak_decodes() >= 1 && peak_decodes() <= decode_slots(), "{} > {}", peak_decodes(), decode_slots());
    }

    #[test]
    fn codes_are_well_formed_and_normalise() {
        let c = verification_code();
        assert_eq!(c.len(), 11);
        assert_eq!(&c[5..6], "-");
        assert_eq!(normalise_code(&c.to_lowercase().replace('-', " ")), c);
        assert_ne!(verification_code(), verification_code());
    }
}
