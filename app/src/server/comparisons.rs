//! The comparison use cases (五(二)2): the lawful query and the registered impression
//! ([`start`]), the submission re-verified on the server ([`submit`]), the records listed,
//! opened, verified by their code, printed and annotated — each deciding who may, writing its
//! trail rows (denials included) and answering a typed result or a typed [`Failure`]. Beside
//! them: the working-time calendar as the store keeps it, the server's re-run of the matcher,
//! the record's verification code and the printed overlay.

use chrono::Utc;

use super::auth::Actor;
use super::caller::{problem, Caller, Failure};
use super::state::AppState;
use super::store::{
    ComparisonFilter, ComparisonRecord, DynStore, NewComparison, NewQuery, QueryRecord, SealVersionRecord, StoreError,
    StoreResult,
};
use super::trail::TrailAction;
use super::uploads;
use crate::domain::comparison::{
    band_code, ComparisonError, MatchFailure, NoteKind, StoredOriginal, StoredVerdict, COMMENT_MAX,
};
use crate::domain::comparison_view::{
    registered_image_url, ComparisonDetail, ComparisonSummary, NoteView, RegisteredSeal, Started, Submission,
    Submitted, Verified, QUESTIONED_PART, SUBMISSION_PART,
};
use crate::domain::{ComparisonQuery, Decision, RocDate, Role, WorkCalendar};
use matcher::{self, Alignment, Band, MatchError, MatchOptions, MatchResult};

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
    let q = match bounded(move || matcher::decode_rgb(&questioned)).await? {
        Ok(q) => q,
        Err(e) => return Ok(Err(e)),
    };
    reverify_decoded(registered, q, manual).await
}

/// [`reverify`] on a questioned image already decoded (`matcher::decode_rgb`, as the upload's
/// checks read it): the submission decodes it once.
pub async fn reverify_decoded(
    registered: Vec<u8>,
    questioned: matcher::Decoded,
    manual: Option<Alignment>,
) -> Result<Result<Reverified, MatchError>, tokio::task::JoinError> {
    bounded(move || {
        let started = std::time::Instant::now();
        let reg = matcher::decode(&registered)?;
        let q = matcher::with_ink(questioned)?;
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

// ---------------------------------------------------------------------------------------------
// The use cases (#38): each takes the caller and typed input, decides who may, writes its trail
// rows (denials included) and answers a typed result or a typed failure. The api functions are
// one call into these.

/// Who may open a record: its operator; the unit's supervisor and internal auditor; the
/// bureau's external auditors and ethics office.
pub fn may_open(actor: &Actor, c: &ComparisonRecord) -> bool {
    c.operator_id == actor.account_id
        || (c.unit_id == actor.unit_id && (actor.has(Role::Supervisor) || actor.has(Role::InternalAuditor)))
        || actor.has(Role::ExternalAuditor)
        || actor.has(Role::Ethics)
}

type Outcome<T> = Result<T, Failure<ComparisonError>>;

async fn unit_name(state: &AppState, id: i64) -> StoreResult<String> {
    let u = state.store.unit(id).await?.ok_or_else(|| StoreError::Corrupt(format!("unit {id} not found")))?;
    Ok(u.name_zh)
}

fn summary(c: &ComparisonRecord) -> ComparisonSummary {
    ComparisonSummary {
        id: c.id,
        created_at: c.created_at,
        business_type: c.business_type,
        case_number: c.case_number.clone(),
        national_id_masked: c.national_id.masked(),
        person_name: c.person_name.clone(),
        operator: format!("{} ({})", c.operator_name, c.operator_employee_no),
        server_score: c.server_score,
        server_band: c.server_band,
        decision: c.decision,
        discrepancy: c.discrepancy,
        manual: c.manual_alignment.is_some(),
        verification_code: c.verification_code.clone(),
    }
}

/// The record of `id`, when the caller may open it (a refusal is written to the trail).
async fn openable(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<ComparisonRecord> {
    let c = state.store.comparison(id).await?.ok_or(Failure::NotFound)?;
    if !may_open(&caller.actor, &c) {
        return Err(caller.deny(state, endpoint, "other_unit_record").await);
    }
    Ok(c)
}

/// File the query (recorded before anything is shown), then give the registered impression.
pub async fn start(state: &AppState, caller: &Caller, q: ComparisonQuery) -> Outcome<Started> {
    let now = Utc::now();
    let after_hours = calendar(&state.store).await?.is_after_hours(now);
    let new = NewQuery {
        queried_at: now,
        operator_id: caller.actor.account_id,
        unit_id: caller.actor.unit_id,
        client_ip: caller.ip.map(|i| i.to_string()),
        business_type: q.business_type,
        case_number: q.case_number.to_string(),
        national_id: q.national_id,
        person_name: q.person_name.map(String::from),
        after_hours,
    };
    let draft = caller
        .trail(TrailAction::SealQuery)
        .details(serde_json::json!({ "business_type": new.business_type, "after_hours": after_hours }))
        .case(new.case_number.clone())
        .subject(new.national_id.clone());
    let (rec, current) = state.store.record_query(&new, draft).await?;
    metrics::counter!("yinjian_lookups_total").increment(1);
    started(state, rec, current).await
}

/// What the workbench needs of a filed query: the query as filed and the registered impression
/// it was answered with (its image is fetched by URL).
pub async fn started(state: &AppState, rec: QueryRecord, current: Option<SealVersionRecord>) -> Outcome<Started> {
    let seal = match current {
        None => None,
        Some(v) => {
            let img =
                state.store.image(&v.image_sha256).await?.ok_or_else(|| {
                    Failure::internal(format!("seal version {}: image {} missing", v.id, v.image_sha256))
                })?;
            let versions = state.store.seal_versions(&v.national_id).await?.len() as i64;
            Some(RegisteredSeal {
                version_id: v.id,
                version: v.version,
                versions,
                image_url: registered_image_url(rec.id),
                media_type: img.media_type,
                registered_on: v.registered_on.and_then(|d| RocDate::from_gregorian(d).ok()),
                office_name: unit_name(state, v.office_unit_id).await?,
                unclear: v.unclear,
            })
        }
    };
    Ok(Started {
        query_id: rec.id,
        queried_at: rec.queried_at,
        business_type: rec.business_type,
        case_number: rec.case_number,
        national_id_masked: rec.national_id.masked(),
        person_name: rec.person_name,
        after_hours: rec.after_hours,
        seal,
    })
}

/// A registered image as served: its bytes and its stored media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedImage {
    pub media_type: String,
    pub data: Vec<u8>,
}

/// The registered impression a query was answered with (`GET
/// /api/comparisons/{query}/registered.png`): only to whoever may open the query — the clerk
/// who filed it (a refusal is written to the trail). The query's own trail row (`seal.query`,
/// written by [`start`]) records that it was shown; reading it again adds none.
pub async fn registered_image(
    state: &AppState,
    caller: &Caller,
    query_id: i64,
    endpoint: &str,
) -> Outcome<ServedImage> {
    let Some(query) = state.store.query(query_id).await? else {
        return Err(caller.deny(state, endpoint, "no_such_query").await);
    };
    if query.operator_id != caller.actor.account_id {
        return Err(caller.deny(state, endpoint, "not_own_query").await);
    }
    let version_id = query.seal_version_id.ok_or(Failure::NotFound)?;
    let version = state
        .store
        .seal_version(version_id)
        .await?
        .ok_or_else(|| Failure::internal(format!("query {query_id}: seal version {version_id} missing")))?;
    let img = state.store.image(&version.image_sha256).await?.ok_or_else(|| {
        Failure::internal(format!("seal version {version_id}: image {} missing", version.image_sha256))
    })?;
    Ok(ServedImage { media_type: img.media_type, data: img.data })
}

/// Read a submission as the page sends it (`multipart/form-data`: the [`Submission`] as JSON in
/// its part, the questioned image's bytes in theirs). The body is already bounded by the
/// upload limit (the server's body-limit layer).
pub async fn read_submission(mut form: multer::Multipart<'static>) -> Result<(Submission, Vec<u8>), ComparisonError> {
    let (mut submission, mut image) = (None, None);
    while let Some(field) = form.next_field().await.map_err(|_| ComparisonError::SubmissionForm)? {
        match field.name() {
            Some(SUBMISSION_PART) => {
                let text = field.bytes().await.map_err(|_| ComparisonError::SubmissionForm)?;
                submission =
                    Some(serde_json::from_slice::<Submission>(&text).map_err(|_| ComparisonError::SubmissionForm)?);
            }
            Some(QUESTIONED_PART) => {
                image = Some(field.bytes().await.map_err(|_| ComparisonError::ImageEncoding)?.to_vec());
            }
            _ => return Err(ComparisonError::SubmissionForm),
        }
    }
    match (submission, image) {
        (Some(s), Some(i)) => Ok((s, i)),
        (None, _) => Err(ComparisonError::SubmissionForm),
        (Some(_), None) => Err(ComparisonError::ImageEncoding),
    }
}

/// The questioned image with the browser's result and the decision: the upload scanned and
/// checked, decoded once, the matcher re-run on those pixels, the rules of a discrepancy
/// applied, the record stored.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    s: Submission,
    questioned: Vec<u8>,
    endpoint: &str,
) -> Outcome<Submitted> {
    let query = state.store.query(s.query_id).await?.ok_or(Failure::NotFound)?;
    if query.operator_id != caller.actor.account_id {
        return Err(caller.deny(state, endpoint, "not_own_query").await);
    }
    let Some(version_id) = query.seal_version_id else {
        return problem(ComparisonError::NoRegisteredSeal);
    };
    if state.store.comparison_for_query(query.id).await?.is_some() {
        return problem(ComparisonError::AlreadySubmitted);
    }
    // one submit of a query at a time (the database keeps one record per query: UNIQUE)
    let Some(_claim) = state.submitting.claim(query.id) else {
        return problem(ComparisonError::SubmitInProgress);
    };
    let comment = s.comment.trim().to_string();
    if comment.chars().count() > COMMENT_MAX {
        return problem(ComparisonError::CommentTooLong);
    }
    let (uploads::Judged { image: questioned, original }, decoded) =
        match uploads::accept_decoded(&state.scanner, state.uploads, questioned).await {
            Ok(j) => j,
            Err(e) => {
                let draft = caller
                    .trail(TrailAction::ComparisonUploadRejected)
                    .failed()
                    .case(query.case_number.clone())
                    .subject(query.national_id.clone())
                    .details(serde_json::json!({ "reason": e.code() }));
                state.store.append_trail(draft).await?;
                return problem(ComparisonError::Upload { error: e });
            }
        };
    let version = state
        .store
        .seal_version(version_id)
        .await?
        .ok_or_else(|| Failure::internal(format!("seal version {version_id} missing")))?;
    let registered = state
        .store
        .image(&version.image_sha256)
        .await?
        .ok_or_else(|| Failure::internal(format!("image {} missing", version.image_sha256)))?;
    let decoded = match decoded {
        Ok(d) => d,
        Err(e) => return problem(ComparisonError::Unmatchable { failure: MatchFailure::from(&e) }),
    };
    let re = match reverify_decoded(registered.data, decoded, s.manual_alignment).await {
        Ok(Ok(re)) => re,
        Ok(Err(e)) => return problem(ComparisonError::Unmatchable { failure: MatchFailure::from(&e) }),
        Err(e) => return Err(Failure::internal(e)),
    };
    let server = re.effective();
    let discrepancy = !s.browser.agrees_with(server.score, server.band);
    if discrepancy && comment.is_empty() {
        return problem(ComparisonError::DiscrepancyNeedsComment {
            server_band: server.band,
            server_score: server.score,
            browser_band: s.browser.band,
            browser_score: s.browser.score,
        });
    }
    if s.decision == Decision::Match && server.band == Band::Inconsistent && comment.is_empty() {
        return problem(ComparisonError::MatchOverInconsistentNeedsComment);
    }
    let kept_original = original.as_ref().map(|o| StoredOriginal {
        sha256: o.sha256.clone(),
        media_type: o.media_type.clone(),
        bytes: o.data.len() as u64,
    });
    let code = verification_code();
    let new = NewComparison {
        query_id: query.id,
        seal_version_id: version.id,
        questioned,
        questioned_original: original.clone(),
        operator_id: caller.actor.account_id,
        unit_id: caller.actor.unit_id,
        created_at: Utc::now(),
        browser_score: s.browser.score,
        browser_band: s.browser.band,
        browser: s.browser.clone(),
        manual_alignment: s.manual_alignment,
        server_score: server.score,
        server_band: server.band,
        server: StoredVerdict::of(server, kept_original),
        auto_score: re.automatic.score,
        auto_band: re.automatic.band,
        discrepancy,
        decision: s.decision,
        comment,
        verification_code: code.clone(),
    };
    let draft = caller
        .trail(TrailAction::ComparisonSubmit)
        .details(serde_json::json!({
            "query_id": query.id,
            "decision": s.decision.code(),
            "server_band": band_code(server.band),
            "server_score": server.score,
            "manual": s.manual_alignment.is_some(),
            "discrepancy": discrepancy,
            "questioned_unclear": server.questioned_quality.reasons,
            "review_reasons": server.review_reasons,
            "questioned_sha256": new.questioned.sha256,
            "original_sha256": new.questioned_original.as_ref().map(|o| o.sha256.clone()),
        }))
        .case(query.case_number.clone())
        .subject(query.national_id.clone());
    let id = match state.store.create_comparison(&new, draft).await {
        Ok(id) => id,
        Err(StoreError::Duplicate(_)) => return problem(ComparisonError::AlreadySubmitted),
        Err(e) => return Err(e.into()),
    };
    metrics::counter!("yinjian_comparisons_total", "band" => band_code(server.band)).increment(1);
    Ok(Submitted { id, verification_code: code, server_score: server.score, server_band: server.band, discrepancy })
}

/// Whose records a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListScope {
    /// The caller's own.
    Mine,
    /// The caller's unit (supervisors).
    Unit,
}

/// History: the caller's own records, or a supervisor's whole unit. The read is recorded.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    scope: ListScope,
    endpoint: &str,
) -> Outcome<Vec<ComparisonSummary>> {
    let filter = match scope {
        ListScope::Unit if caller.actor.has(Role::Supervisor) => {
            ComparisonFilter { unit_id: Some(caller.actor.unit_id), limit: 500, ..Default::default() }
        }
        ListScope::Unit => return Err(caller.deny(state, endpoint, "not_supervisor").await),
        ListScope::Mine => {
            ComparisonFilter { operator_id: Some(caller.actor.account_id), limit: 500, ..Default::default() }
        }
    };
    let rows = state.store.list_comparisons(filter).await?;
    let draft = caller.trail(TrailAction::ComparisonList).details(serde_json::json!({
        "scope": if filter.unit_id.is_some() { "unit" } else { "mine" },
        "count": rows.len(),
    }));
    state.store.append_trail(draft).await?;
    Ok(rows.iter().map(summary).collect())
}

/// One record in full (images, overlay, scores, notes). The read is recorded.
pub async fn open(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<ComparisonDetail> {
    let c = openable(state, caller, id, endpoint).await?;
    let store = &state.store;
    let version = store
        .seal_version(c.seal_version_id)
        .await?
        .ok_or_else(|| Failure::internal(format!("comparison {}: seal version {} missing", c.id, c.seal_version_id)))?;
    let reg = store
        .image(&version.image_sha256)
        .await?
        .ok_or_else(|| Failure::internal(format!("comparison {}: registered image missing", c.id)))?;
    let q = store
        .image(&c.questioned_sha256)
        .await?
        .ok_or_else(|| Failure::internal(format!("comparison {}: questioned image missing", c.id)))?;
    let server = c.server.clone();
    // a manual alignment is a similarity: the fitted map only for an automatic one
    let transform = server.transform.filter(|_| c.manual_alignment.is_none());
    let overlay = match server.alignment {
        Some(al) => overlay_png(reg.data.clone(), q.data.clone(), al, transform, 480).await,
        None => None,
    };
    let mut notes = Vec::new();
    for n in store.comparison_notes(c.id).await? {
        let a = store.account(n.author_id).await?.ok_or_else(|| {
            StoreError::Corrupt(format!("comparison_note {}: author {} not found", n.id, n.author_id))
        })?;
        let author = format!("{} ({})", a.name, a.employee_no);
        notes.push(NoteView { kind: n.kind, author, created_at: n.created_at, text: n.text });
    }
    let draft = caller
        .trail(TrailAction::ComparisonView)
        .object("comparison", c.id)
        .case(c.case_number.clone())
        .subject(c.national_id.clone());
    store.append_trail(draft).await?;
    Ok(ComparisonDetail {
        summary: summary(&c),
        unit_name: unit_name(state, c.unit_id).await?,
        queried_at: c.queried_at,
        after_hours: c.after_hours,
        seal_version: version.version,
        registered_on: version.registered_on.and_then(|d| RocDate::from_gregorian(d).ok()),
        office_name: unit_name(state, version.office_unit_id).await?,
        registered_b64: b64(&reg.data),
        registered_media_type: reg.media_type,
        questioned_b64: b64(&q.data),
        questioned_media_type: q.media_type,
        overlay_png_b64: overlay.map(|p| b64(&p)),
        browser_score: c.browser_score,
        browser_band: c.browser_band,
        auto_score: c.auto_score,
        auto_band: c.auto_band,
        rotation_deg: server.rotation_deg,
        scale: server.scale,
        manual_alignment: c.manual_alignment,
        questioned_unclear: server.questioned_quality.reasons,
        review_reasons: server.review_reasons,
        capture: server.capture,
        printed: server.printed,
        questioned_original: server.original.map(|o| o.media_type),
        registered_unclear: version.unclear,
        comment: c.comment,
        notes,
    })
}

/// Look a record up by the code printed on it (throttled per account: codes are not to be
/// guessed; only the record's readers learn anything of it, to others a code is unknown).
pub async fn verify(state: &AppState, caller: &Caller, code: &str, endpoint: &str) -> Outcome<Verified> {
    let minute = Utc::now().timestamp().div_euclid(60) * 60;
    let hits = state.store.hit_rate(&format!("verify:{}", caller.actor.account_id), minute, minute - 120).await?;
    if hits > super::state::VERIFY_PER_MINUTE {
        super::authz::deny(state, Some(&caller.actor), caller.ip, endpoint, "rate_limited").await;
        return Err(Failure::RateLimited);
    }
    let code = normalise_code(code);
    let found = state.store.comparison_by_code(&code).await?;
    if found.as_ref().is_some_and(|c| !may_open(&caller.actor, c)) {
        super::authz::deny(state, Some(&caller.actor), caller.ip, endpoint, "not_record_reader").await;
        return Err(Failure::NotFound);
    }
    let mut draft = caller
        .trail(TrailAction::ComparisonVerifyCode)
        .details(serde_json::json!({ "code": code, "found": found.is_some() }));
    if let Some(c) = &found {
        draft = draft.object("comparison", c.id).case(c.case_number.clone()).subject(c.national_id.clone());
    }
    state.store.append_trail(draft).await?;
    let c = found.ok_or(Failure::NotFound)?;
    Ok(Verified {
        id: c.id,
        created_at: c.created_at,
        unit_name: unit_name(state, c.unit_id).await?,
        case_number: c.case_number.clone(),
        national_id_masked: c.national_id.masked(),
        server_band: c.server_band,
        decision: c.decision,
        can_open: true,
    })
}

/// Record that the record was printed (the audit asks whether printouts were filed).
pub async fn mark_printed(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<()> {
    let c = openable(state, caller, id, endpoint).await?;
    let draft = caller
        .trail(TrailAction::ComparisonPrint)
        .object("comparison", c.id)
        .case(c.case_number.clone())
        .subject(c.national_id.clone());
    state.store.add_comparison_note(c.id, NoteKind::Printed, caller.actor.account_id, "", Utc::now(), draft).await?;
    Ok(())
}

/// Annotate a record (records are never edited).
pub async fn annotate(state: &AppState, caller: &Caller, id: i64, text: &str, endpoint: &str) -> Outcome<()> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > COMMENT_MAX {
        return problem(ComparisonError::NoteText);
    }
    let c = openable(state, caller, id, endpoint).await?;
    let draft = caller
        .trail(TrailAction::ComparisonAnnotate)
        .object("comparison", c.id)
        .case(c.case_number.clone())
        .subject(c.national_id.clone());
    state.store.add_comparison_note(c.id, NoteKind::Note, caller.actor.account_id, text, Utc::now(), draft).await?;
    Ok(())
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
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
