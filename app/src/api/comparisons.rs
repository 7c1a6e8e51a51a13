//! The comparison workspace's API (五(二)2): the lawful query first, then the registered
//! impression; the submission re-verified on the server; records read, annotated, printed.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::{BrowserResult, BusinessType, Decision, QueryInput, RocDate};
use matcher::{Alignment, Band, UnclearReason};

/// The registered impression shown after the query is recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisteredSeal {
    pub version_id: i64,
    pub version: i64,
    /// How many versions the person has (earlier ones are kept).
    pub versions: i64,
    pub image_b64: String,
    pub media_type: String,
    /// 印鑑登記日期; `None` when the registry has none (a liaison slip is offered).
    pub registered_on: Option<RocDate>,
    pub office_name: String,
    /// 印模不清: the matcher judged the registered impression unclear.
    pub unclear: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Started {
    pub query_id: i64,
    pub queried_at: DateTime<Utc>,
    pub business_type: BusinessType,
    pub case_number: String,
    pub national_id_masked: String,
    pub person_name: Option<String>,
    pub after_hours: bool,
    /// `None`: no registered seal for this ID (the query is recorded all the same).
    pub seal: Option<RegisteredSeal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub query_id: i64,
    /// The questioned image's bytes, base64, exactly as the browser matched them.
    pub questioned_b64: String,
    pub browser: BrowserResult,
    pub manual_alignment: Option<Alignment>,
    pub decision: Decision,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submitted {
    pub id: i64,
    pub verification_code: String,
    pub server_score: f64,
    pub server_band: Band,
    pub discrepancy: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonSummary {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub business_type: BusinessType,
    pub case_number: String,
    pub national_id_masked: String,
    pub person_name: Option<String>,
    pub operator: String,
    pub server_score: f64,
    pub server_band: Band,
    pub decision: Decision,
    pub discrepancy: bool,
    pub manual: bool,
    pub verification_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteView {
    pub kind: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub text: String,
}

/// Everything the printed record shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonDetail {
    pub summary: ComparisonSummary,
    pub unit_name: String,
    pub queried_at: DateTime<Utc>,
    pub after_hours: bool,
    pub seal_version: i64,
    pub registered_on: Option<RocDate>,
    pub office_name: String,
    pub registered_b64: String,
    pub registered_media_type: String,
    pub questioned_b64: String,
    pub questioned_media_type: String,
    /// The colour overlay (PNG) at the server's alignment.
    pub overlay_png_b64: Option<String>,
    pub browser_score: f64,
    pub browser_band: Band,
    pub auto_score: f64,
    pub auto_band: Band,
    pub rotation_deg: f64,
    pub scale: f64,
    pub manual_alignment: Option<Alignment>,
    /// 印文不清: why the server judged the questioned impression too unclear for a definite
    /// verdict (empty when it was clear, and on records kept before the reasons were stored).
    pub questioned_unclear: Vec<UnclearReason>,
    /// Why the server left the pair for review (empty unless 待人工判斷, and on records made
    /// before the reasons were kept).
    #[serde(default)]
    pub review_reasons: Vec<matcher::ReviewReason>,
    /// The capture correction the server fitted before judging (掃描變形).
    #[serde(default)]
    pub capture: matcher::CaptureCorrection,
    /// The media type of the file as uploaded, when it was not the image judged (a TIFF, a
    /// scanned PDF): the file is kept beside the record.
    #[serde(default)]
    pub questioned_original: Option<String>,
    /// 印模不清: the registered impression was marked unclear.
    pub registered_unclear: bool,
    pub comment: String,
    pub notes: Vec<NoteView>,
}

/// What looking up a verification code tells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verified {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub unit_name: String,
    pub case_number: String,
    pub national_id_masked: String,
    pub server_band: Band,
    pub decision: Decision,
    /// Whether the caller may open the full record.
    pub can_open: bool,
}

#[cfg(feature = "ssr")]
mod imp {
    use super::*;
    use crate::domain::{NationalId, Role};
    use crate::server::{auth::Actor, store::ComparisonRecord};

    pub fn band(s: &str) -> Band {
        match s {
            "consistent" => Band::Consistent,
            "inconsistent" => Band::Inconsistent,
            _ => Band::Review,
        }
    }

    pub fn band_code(b: Band) -> &'static str {
        match b {
            Band::Consistent => "consistent",
            Band::Review => "review",
            Band::Inconsistent => "inconsistent",
        }
    }

    pub fn summary(c: &ComparisonRecord) -> ComparisonSummary {
        ComparisonSummary {
            id: c.id,
            created_at: c.created_at,
            business_type: BusinessType::parse(&c.business_type).unwrap_or(BusinessType::LandRegistration),
            case_number: c.case_number.clone(),
            national_id_masked: NationalId::mask_stored(&c.national_id),
            person_name: c.person_name.clone(),
            operator: format!("{} ({})", c.operator_name, c.operator_employee_no),
            server_score: c.server_score,
            server_band: band(&c.server_band),
            decision: c.decision,
            discrepancy: c.discrepancy,
            manual: c.manual_alignment.is_some(),
            verification_code: c.verification_code.clone(),
        }
    }

    /// Who may open a record: its operator; the unit's supervisor and internal auditor;
    /// the bureau's external auditors and ethics office.
    pub fn may_open(actor: &Actor, c: &ComparisonRecord) -> bool {
        c.operator_id == actor.account_id
            || (c.unit_id == actor.unit_id && (actor.has(Role::Supervisor) || actor.has(Role::InternalAuditor)))
            || actor.has(Role::ExternalAuditor)
            || actor.has(Role::Ethics)
    }

    pub fn b64(bytes: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    pub fn unb64(s: &str) -> Result<Vec<u8>, ApiError> {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(s.trim())
            .map_err(|_| ApiError::Invalid("影像資料格式錯誤，請重新選擇檔案".into()))
    }

    pub async fn open(ctx: &crate::api::Ctx, id: i64, path: &str) -> Result<ComparisonRecord, ApiError> {
        let actor = ctx.actor()?;
        let c = ctx.state.store.comparison(id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
        if !may_open(actor, &c) {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "other_unit_record").await;
            return Err(ApiError::Forbidden);
        }
        Ok(c)
    }

    pub async fn unit_name(ctx: &crate::api::Ctx, id: i64) -> String {
        ctx.state.store.unit(id).await.ok().flatten().map(|u| u.name_zh).unwrap_or_default()
    }
}

/// File the query (recorded before anything is shown), then get the registered impression.
#[server(prefix = "/api", endpoint = "comparisons/start", input = Json)]
pub async fn start_comparison(input: QueryInput) -> Result<Started, ApiError> {
    use crate::server::store::NewQuery;
    let ctx = super::guard(StartComparison::PATH).await?;
    let actor = ctx.actor()?;
    let q = input
        .parse()
        .map_err(|errs| ApiError::Invalid(errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("；").into()))?;
    let now = Utc::now();
    let cal = crate::server::comparisons::calendar(&ctx.state.store).await.map_err(super::internal)?;
    let after_hours = cal.is_after_hours(now);
    let new = NewQuery {
        queried_at: now,
        operator_id: actor.account_id,
        unit_id: actor.unit_id,
        client_ip: ctx.ip_string(),
        business_type: q.business_type.code().to_string(),
        case_number: q.case_number.to_string(),
        national_id: q.national_id.as_str().to_string(),
        person_name: q.person_name.clone(),
        after_hours,
    };
    let draft = ctx
        .trail(TrailAction::SealQuery)
        .details(serde_json::json!({ "business_type": new.business_type, "after_hours": after_hours }))
        .case(new.case_number.clone())
        .subject(new.national_id.clone());
    let (rec, current) = ctx.state.store.record_query(&new, draft).await.map_err(super::internal)?;
    metrics::counter!("yinjian_lookups_total").increment(1);
    let seal = match current {
        None => None,
        Some(v) => {
            let img =
                ctx.state.store.image(&v.image_sha256).await.map_err(super::internal)?.ok_or(ApiError::Internal)?;
            let versions = ctx.state.store.seal_versions(&v.national_id).await.map_err(super::internal)?.len() as i64;
            Some(RegisteredSeal {
                version_id: v.id,
                version: v.version,
                versions,
                image_b64: imp::b64(&img.data),
                media_type: img.media_type,
                registered_on: v.registered_on.and_then(|d| RocDate::from_gregorian(d).ok()),
                office_name: imp::unit_name(&ctx, v.office_unit_id).await,
                unclear: v.unclear,
            })
        }
    };
    Ok(Started {
        query_id: rec.id,
        queried_at: rec.queried_at,
        business_type: q.business_type,
        case_number: rec.case_number,
        national_id_masked: q.national_id.masked(),
        person_name: rec.person_name,
        after_hours,
        seal,
    })
}

/// Upload the questioned image with the browser's result and the decision; the server
/// scans and checks the upload, re-runs the matcher and stores the record.
#[server(prefix = "/api", endpoint = "comparisons/submit", input = Json)]
pub async fn submit_comparison(submission: Submission) -> Result<Submitted, ApiError> {
    use crate::server::{comparisons as svc, store::NewComparison, uploads};
    let ctx = super::guard(SubmitComparison::PATH).await?;
    let actor = ctx.actor()?;
    let s = submission;
    let query = ctx.state.store.query(s.query_id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
    if query.operator_id != actor.account_id {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, SubmitComparison::PATH, "not_own_query").await;
        return Err(ApiError::Forbidden);
    }
    let Some(version_id) = query.seal_version_id else {
        return Err(ApiError::Invalid("此身分證統一編號沒有登記印鑑，無法比對".into()));
    };
    if ctx.state.store.comparison_for_query(query.id).await.map_err(super::internal)?.is_some() {
        return Err(ApiError::Invalid("此查詢已送出比對結果；紀錄不可修改，只能加註".into()));
    }
    // one submit of a query at a time (the database keeps one record per query: UNIQUE)
    let Some(_claim) = ctx.state.submitting.claim(query.id) else {
        return Err(ApiError::Invalid("此查詢的比對結果正在送出中".into()));
    };
    let comment = s.comment.trim().to_string();
    if comment.chars().count() > 1000 {
        return Err(ApiError::Invalid("說明最多 1000 字".into()));
    }
    let bytes = imp::unb64(&s.questioned_b64)?;
    let reject = ctx
        .trail(TrailAction::ComparisonUploadRejected)
        .failed()
        .case(query.case_number.clone())
        .subject(query.national_id.clone());
    let uploads::Judged { image: questioned, original } =
        match uploads::accept_judged(&ctx.state.scanner, ctx.state.uploads, bytes).await {
            Ok(j) => j,
            Err(e) => {
                let draft = reject.details(serde_json::json!({ "reason": e.code() }));
                ctx.state.store.append_trail(draft).await.map_err(super::internal)?;
                return Err(ApiError::Invalid(e.to_string().into()));
            }
        };
    let version = ctx.state.store.seal_version(version_id).await.map_err(super::internal)?.ok_or(ApiError::Internal)?;
    let registered =
        ctx.state.store.image(&version.image_sha256).await.map_err(super::internal)?.ok_or(ApiError::Internal)?;
    let re = svc::reverify(registered.data, questioned.data.clone(), s.manual_alignment)
        .await
        .map_err(super::internal)?
        .map_err(|e| ApiError::Invalid(format!("伺服器無法比對此影像：{}", matcher_message(&e)).into()))?;
    let server = re.effective();
    let discrepancy = !s.browser.agrees_with(server.score, server.band);
    if discrepancy && comment.is_empty() {
        return Err(ApiError::Invalid(
            format!(
                "瀏覽器與伺服器的比對結果不一致（伺服器：{} {:.3}；瀏覽器：{} {:.3}），請於說明欄填寫理由後再送出",
                crate::domain::comparison::band_zh(server.band),
                server.score,
                crate::domain::comparison::band_zh(s.browser.band),
                s.browser.score
            )
            .into(),
        ));
    }
    if s.decision == Decision::Match && server.band == Band::Inconsistent && comment.is_empty() {
        return Err(ApiError::Invalid("系統判定「不符」而您判定「相符」，請於說明欄填寫理由".into()));
    }
    let summary = |m: &matcher::MatchResult| {
        serde_json::json!({
            "score": m.score, "band": imp::band_code(m.band), "alignment": m.alignment,
            "rotation_deg": m.rotation_deg, "scale": m.scale, "center": [m.center_x, m.center_y],
            "manual": m.manual, "features": m.features, "registered_quality": m.registered_quality,
            "questioned_quality": m.questioned_quality, "review_reasons": m.review_reasons,
            "capture": m.capture, "transform": m.transform, "regions": m.regions,
            "original": original.as_ref().map(|o| serde_json::json!({ "sha256": o.sha256, "media_type": o.media_type, "bytes": o.data.len() })),
        })
    };
    let code = svc::verification_code();
    let new = NewComparison {
        query_id: query.id,
        seal_version_id: version.id,
        questioned,
        questioned_original: original.clone(),
        operator_id: actor.account_id,
        unit_id: actor.unit_id,
        created_at: Utc::now(),
        browser_score: s.browser.score,
        browser_band: imp::band_code(s.browser.band).into(),
        browser_json: serde_json::to_string(&s.browser).map_err(super::internal)?,
        manual_alignment: s.manual_alignment.map(|a| serde_json::to_string(&a)).transpose().map_err(super::internal)?,
        server_score: server.score,
        server_band: imp::band_code(server.band).into(),
        server_json: summary(server).to_string(),
        auto_score: re.automatic.score,
        auto_band: imp::band_code(re.automatic.band).into(),
        discrepancy,
        decision: s.decision,
        comment,
        verification_code: code.clone(),
    };
    let draft = ctx
        .trail(TrailAction::ComparisonSubmit)
        .details(serde_json::json!({
            "query_id": query.id,
            "decision": s.decision.code(),
            "server_band": imp::band_code(server.band),
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
    let id = ctx.state.store.create_comparison(&new, draft).await.map_err(|e| match e {
        crate::server::store::StoreError::Duplicate(_) => ApiError::Invalid("此查詢已送出比對結果".into()),
        e => super::internal(e),
    })?;
    metrics::counter!("yinjian_comparisons_total", "band" => imp::band_code(server.band)).increment(1);
    Ok(Submitted { id, verification_code: code, server_score: server.score, server_band: server.band, discrepancy })
}

#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

#[cfg(feature = "ssr")]
fn matcher_message(e: &matcher::MatchError) -> &'static str {
    use matcher::MatchError as E;
    match e {
        E::UnsupportedFormat => "不是 PNG、JPEG、TIFF 或單頁掃描之 PDF 影像",
        E::Empty => "影像是空的",
        E::TooLarge(_) => "影像過大",
        E::NoRedInk => "影像中找不到紅色印文",
        E::Corrupt(_) => "影像損毀",
        E::InvalidOption(_) => "比對參數錯誤",
        E::Grayscale => "請以彩色掃描印文",
        E::Truncated => "檔案不完整",
    }
}

/// History: `mine` (a clerk's own) or `unit` (a supervisor's whole unit).
#[server(prefix = "/api", endpoint = "comparisons/list")]
pub async fn list_comparisons(scope: String) -> Result<Vec<ComparisonSummary>, ApiError> {
    use crate::domain::Role;
    use crate::server::store::ComparisonFilter;
    let ctx = super::guard(ListComparisons::PATH).await?;
    let actor = ctx.actor()?;
    let filter = match scope.as_str() {
        "unit" if actor.has(Role::Supervisor) => {
            ComparisonFilter { unit_id: Some(actor.unit_id), limit: 500, ..Default::default() }
        }
        "unit" => {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, ListComparisons::PATH, "not_supervisor").await;
            return Err(ApiError::Forbidden);
        }
        _ => ComparisonFilter { operator_id: Some(actor.account_id), limit: 500, ..Default::default() },
    };
    let rows = ctx.state.store.list_comparisons(filter).await.map_err(super::internal)?;
    let draft = ctx.trail(TrailAction::ComparisonList).details(
        serde_json::json!({ "scope": if filter.unit_id.is_some() { "unit" } else { "mine" }, "count": rows.len() }),
    );
    ctx.state.store.append_trail(draft).await.map_err(super::internal)?;
    Ok(rows.iter().map(imp::summary).collect())
}

/// One record in full (images, overlay, scores, notes). The read is recorded.
#[server(prefix = "/api", endpoint = "comparisons/get")]
pub async fn get_comparison(id: i64) -> Result<ComparisonDetail, ApiError> {
    let ctx = super::guard(GetComparison::PATH).await?;
    let _actor = ctx.actor()?;
    let c = imp::open(&ctx, id, GetComparison::PATH).await?;
    let store = &ctx.state.store;
    let version = store.seal_version(c.seal_version_id).await.map_err(super::internal)?.ok_or(ApiError::Internal)?;
    let reg = store.image(&version.image_sha256).await.map_err(super::internal)?.ok_or(ApiError::Internal)?;
    let q = store.image(&c.questioned_sha256).await.map_err(super::internal)?.ok_or(ApiError::Internal)?;
    let server: serde_json::Value = serde_json::from_str(&c.server_json).unwrap_or_default();
    let alignment: Option<Alignment> = serde_json::from_value(server["alignment"].clone()).ok();
    // a manual alignment is a similarity: the fitted map only for an automatic one
    let transform: Option<matcher::GlobalTransform> =
        serde_json::from_value(server["transform"].clone()).ok().filter(|_| c.manual_alignment.is_none());
    let overlay = match alignment {
        Some(al) => crate::server::comparisons::overlay_png(reg.data.clone(), q.data.clone(), al, transform, 480).await,
        None => None,
    };
    let notes = store.comparison_notes(c.id).await.map_err(super::internal)?;
    let mut note_views = Vec::new();
    for n in notes {
        let author = match store.account(n.author_id).await.ok().flatten() {
            Some(a) => format!("{} ({})", a.name, a.employee_no),
            None => n.author_id.to_string(),
        };
        note_views.push(NoteView { kind: n.kind, author, created_at: n.created_at, text: n.text });
    }
    let draft = ctx
        .trail(TrailAction::ComparisonView)
        .object("comparison", c.id)
        .case(c.case_number.clone())
        .subject(c.national_id.clone());
    store.append_trail(draft).await.map_err(super::internal)?;
    Ok(ComparisonDetail {
        summary: imp::summary(&c),
        unit_name: imp::unit_name(&ctx, c.unit_id).await,
        queried_at: c.queried_at,
        after_hours: c.after_hours,
        seal_version: version.version,
        registered_on: version.registered_on.and_then(|d| RocDate::from_gregorian(d).ok()),
        office_name: imp::unit_name(&ctx, version.office_unit_id).await,
        registered_b64: imp::b64(&reg.data),
        registered_media_type: reg.media_type,
        questioned_b64: imp::b64(&q.data),
        questioned_media_type: q.media_type,
        overlay_png_b64: overlay.map(|p| imp::b64(&p)),
        browser_score: c.browser_score,
        browser_band: imp::band(&c.browser_band),
        auto_score: c.auto_score,
        auto_band: imp::band(&c.auto_band),
        rotation_deg: server["rotation_deg"].as_f64().unwrap_or(0.0),
        scale: server["scale"].as_f64().unwrap_or(1.0),
        manual_alignment: c.manual_alignment.as_deref().and_then(|s| serde_json::from_str(s).ok()),
        questioned_unclear: serde_json::from_value(server["questioned_quality"]["reasons"].clone()).unwrap_or_default(),
        // records made before these were kept have none (an absent key), never a wrong one
        review_reasons: serde_json::from_value(server["review_reasons"].clone()).unwrap_or_default(),
        capture: serde_json::from_value(server["capture"].clone()).unwrap_or_default(),
        questioned_original: server["original"]["media_type"].as_str().map(str::to_string),
        registered_unclear: version.unclear,
        comment: c.comment,
        notes: note_views,
    })
}

/// Look a record up by the code printed on it.
#[server(prefix = "/api", endpoint = "comparisons/verify")]
pub async fn verify_code(code: String) -> Result<Verified, ApiError> {
    let ctx = super::guard(VerifyCode::PATH).await?;
    let actor = ctx.actor()?;
    // throttled per account: codes are not to be guessed
    // per account and minute, counted in the database: shared by every instance
    let minute = Utc::now().timestamp().div_euclid(60) * 60;
    let hits = ctx
        .state
        .store
        .hit_rate(&format!("verify:{}", actor.account_id), minute, minute - 120)
        .await
        .map_err(super::internal)?;
    if hits > crate::server::state::VERIFY_PER_MINUTE {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, VerifyCode::PATH, "rate_limited").await;
        return Err(ApiError::RateLimited);
    }
    let code = crate::server::comparisons::normalise_code(&code);
    // only the record's readers learn anything of it; to others a code is unknown
    let found = ctx.state.store.comparison_by_code(&code).await.map_err(super::internal)?;
    if found.as_ref().is_some_and(|c| !imp::may_open(actor, c)) {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, VerifyCode::PATH, "not_record_reader").await;
        return Err(ApiError::NotFound);
    }
    let mut draft = ctx
        .trail(TrailAction::ComparisonVerifyCode)
        .details(serde_json::json!({ "code": code, "found": found.is_some() }));
    if let Some(c) = &found {
        draft = draft.object("comparison", c.id).case(c.case_number.clone()).subject(c.national_id.clone());
    }
    ctx.state.store.append_trail(draft).await.map_err(super::internal)?;
    let c = found.ok_or(ApiError::NotFound)?;
    Ok(Verified {
        id: c.id,
        created_at: c.created_at,
        unit_name: imp::unit_name(&ctx, c.unit_id).await,
        case_number: c.case_number.clone(),
        national_id_masked: crate::domain::NationalId::mask_stored(&c.national_id),
        server_band: imp::band(&c.server_band),
        decision: c.decision,
        can_open: true,
    })
}

/// Record that the record was printed (the audit asks whether printouts were filed).
#[server(prefix = "/api", endpoint = "comparisons/printed")]
pub async fn record_printed(id: i64) -> Result<(), ApiError> {
    let ctx = super::guard(RecordPrinted::PATH).await?;
    let actor = ctx.actor()?;
    let c = imp::open(&ctx, id, RecordPrinted::PATH).await?;
    let draft = ctx
        .trail(TrailAction::ComparisonPrint)
        .object("comparison", c.id)
        .case(c.case_number.clone())
        .subject(c.national_id.clone());
    ctx.state
        .store
        .add_comparison_note(c.id, "printed", actor.account_id, "", Utc::now(), draft)
        .await
        .map_err(super::internal)?;
    Ok(())
}

/// Annotate a record (records are never edited).
#[server(prefix = "/api", endpoint = "comparisons/annotate")]
pub async fn annotate(id: i64, text: String) -> Result<(), ApiError> {
    let ctx = super::guard(Annotate::PATH).await?;
    let actor = ctx.actor()?;
    let text = text.trim().to_string();
    if text.is_empty() || text.chars().count() > 1000 {
        return Err(ApiError::Invalid("請輸入加註內容（最多 1000 字）".into()));
    }
    let c = imp::open(&ctx, id, Annotate::PATH).await?;
    let draft = ctx
        .trail(TrailAction::ComparisonAnnotate)
        .object("comparison", c.id)
        .case(c.case_number.clone())
        .subject(c.national_id.clone());
    ctx.state
        .store
        .add_comparison_note(c.id, "note", actor.account_id, &text, Utc::now(), draft)
        .await
        .map_err(super::internal)?;
    Ok(())
}
