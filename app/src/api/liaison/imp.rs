//! What the liaison endpoints share on the server: which side of a slip the caller is on,
//! loading a slip for that side, one workflow step with its trail, and the views.

use super::*;
use crate::api::Ctx;
use crate::domain::forms::liaison_slip::{ReplyOutcome, Subject};
use crate::domain::{NationalId, UnitKind, UnitView};
use crate::server::{
    auth::Actor,
    authz::acts_as_supervisor,
    store::{SlipFilter, SlipRecord, SlipState, SlipStep, StoreError},
};

pub use crate::server::liaison::Side;

pub fn store_err(e: StoreError) -> ApiError {
    match e {
        StoreError::Stale(_) => ApiError::Invalid("聯繫單狀態已變更，請重新整理後再試".into()),
        StoreError::NotFound(_) => ApiError::NotFound,
        e => crate::api::internal(e),
    }
}

pub async fn unit(ctx: &Ctx, id: i64) -> Result<UnitView, ApiError> {
    ctx.state.store.unit(id).await.map_err(crate::api::internal)?.ok_or(ApiError::Internal)
}

/// Land offices, bureau sections and the agency send slips; household offices do not.
pub async fn sending_unit(ctx: &Ctx, actor: &Actor, path: &str) -> Result<UnitView, ApiError> {
    let u = unit(ctx, actor.unit_id).await?;
    if u.kind == UnitKind::HouseholdOffice {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "office_cannot_send").await;
        return Err(ApiError::Forbidden);
    }
    Ok(u)
}

pub async fn offices(ctx: &Ctx) -> Result<Vec<OfficeRef>, ApiError> {
    let units = ctx.state.store.list_units().await.map_err(crate::api::internal)?;
    Ok(units
        .into_iter()
        .filter(|u| u.kind == UnitKind::HouseholdOffice && u.active)
        .map(|u| OfficeRef { code: u.code, name: u.name_zh, phone: u.phone, fax: u.fax })
        .collect())
}

/// The caller's side for this slip, or `None` (see [`crate::server::liaison::side`]).
pub async fn side(ctx: &Ctx, actor: &Actor, slip: &SlipRecord) -> Result<Option<Side>, ApiError> {
    crate::server::liaison::side(&ctx.state.store, actor, slip, Utc::now()).await.map_err(crate::api::internal)
}

/// The slip, if the caller is on one of the allowed sides (else an audited refusal).
pub async fn load(
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    allowed: &[Side],
    path: &str,
) -> Result<(SlipRecord, Side), ApiError> {
    let slip = ctx.state.store.slip(id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
    match side(ctx, actor, &slip).await? {
        Some(s) if allowed.contains(&s) => Ok((slip, s)),
        _ => {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "not_party_to_slip").await;
            Err(ApiError::Forbidden)
        }
    }
}

pub fn form(slip: &SlipRecord) -> Result<LiaisonSlipForm, ApiError> {
    serde_json::from_str(&slip.form).map_err(crate::api::internal)
}

pub fn row(slip: &SlipRecord, units: &[UnitView]) -> Result<SlipRow, ApiError> {
    let f = form(slip)?;
    let name = |id: i64| units.iter().find(|u| u.id == id).map(|u| u.name_zh.clone()).unwrap_or_default();
    Ok(SlipRow {
        id: slip.id,
        state: slip.state,
        subject: f.subject.kind(),
        case_number: slip.case_number.clone(),
        person_name: f.person_name.clone(),
        national_id_masked: f.national_id.masked(),
        office_name: name(slip.office_unit_id),
        sender_name: name(slip.sender_unit_id),
        created_at: slip.created_at,
        sent_at: slip.sent_at,
        due_at: slip.due_at,
        replied_at: slip.replied_at,
        overdue: slip.overdue(Utc::now()),
    })
}

/// Check the form against the reference data: the office exists; the seal system's date
/// is taken from the registry (the clerk cannot type another) — but only when `registry` (the
/// slip refers to its writer's own logged query of the same national ID, see
/// `server::liaison::registry_query`); otherwise the slip carries only what the clerk typed,
/// and no answer tells anything of the registry.
pub async fn settle(
    ctx: &Ctx,
    input: &LiaisonSlipInput,
    query: Option<i64>,
    writer: i64,
) -> Result<(LiaisonSlipForm, UnitView), ApiError> {
    let mut form = input.parse().map_err(crate::api::invalid_fields)?;
    let office = ctx
        .state
        .store
        .unit_by_code(&form.office)
        .await
        .map_err(crate::api::internal)?
        .filter(|u| u.kind == UnitKind::HouseholdOffice && u.active)
        .ok_or_else(|| ApiError::Invalid("收件單位須為臺北市各區戶政事務所".into()))?;
    let registry = crate::server::liaison::registry_query(&ctx.state.store, writer, query, form.national_id.as_str())
        .await
        .map_err(crate::api::internal)?;
    if let Subject::DateMismatch { household, seal } = &mut form.subject {
        *seal = None;
        if let Some(q) = &registry {
            // the date of the version that query showed
            let v = match q.seal_version_id {
                Some(v) => ctx.state.store.seal_version(v).await.map_err(crate::api::internal)?,
                None => None,
            };
            *seal = v.and_then(|v| v.registered_on).and_then(|d| RocDate::from_gregorian(d).ok());
        }
        if registry.is_some() && *seal == Some(*household) {
            return Err(ApiError::Invalid(
                ("兩系統的登記日期相同（印鑑比對系統：".to_string() + &household.long() + "），無須聯繫").into(),
            ));
        }
    }
    Ok((form, office))
}

pub async fn due(ctx: &Ctx, now: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    let cal = crate::server::comparisons::calendar(&ctx.state.store).await.map_err(crate::api::internal)?;
    Ok(cal.working_deadline(now, ctx.state.liaison.reply_days))
}

/// Run one step with its trail event (which names the person).
pub async fn step(ctx: &Ctx, actor: &Actor, slip: &SlipRecord, step: SlipStep, note: &str) -> Result<(), ApiError> {
    let draft = ctx
        .trail(step.trail_action())
        .details(serde_json::json!({
            "from": slip.state,
            "to": step.to_state(),
        }))
        .subject(slip.national_id.clone())
        .case(slip.case_number.clone());
    ctx.state.store.slip_step(slip.id, &step, actor.account_id, note, Utc::now(), draft).await.map_err(store_err)
}

pub fn note(text: &str) -> Result<String, ApiError> {
    let t = text.trim();
    if t.chars().count() > 500 || t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::Invalid("說明最多 500 字".into()));
    }
    Ok(t.to_string())
}

/// The rows the caller may list (an audited refusal for anyone on neither side).
pub async fn rows_for(ctx: &Ctx, actor: &Actor, f: ListFilter, path: &str) -> Result<Vec<SlipRow>, ApiError> {
    let unit = unit(ctx, actor.unit_id).await?;
    let state = match f.state.trim() {
        "" => None,
        s => Some(SlipState::parse(s).ok_or_else(|| ApiError::Invalid("沒有這個狀態".into()))?),
    };
    let mut filter = SlipFilter {
        state,
        case_number: (!f.case_number.trim().is_empty()).then(|| f.case_number.trim().to_string()),
        from: roc_day(&f.from)?,
        to: roc_day(&f.to)?.map(|d| d + chrono::Duration::days(1)),
        ..Default::default()
    };
    if unit.kind == UnitKind::HouseholdOffice {
        if !actor.has(crate::domain::Role::HouseholdOffice) {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "not_party_to_slips").await;
            return Err(ApiError::Forbidden);
        }
        filter.office_unit_id = Some(actor.unit_id);
        filter.sent_only = true;
    } else {
        let chief = acts_as_supervisor(&ctx.state.store, actor, actor.unit_id, Utc::now())
            .await
            .map_err(crate::api::internal)?;
        if !(actor.has(crate::domain::Role::Clerk) || chief) {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "not_party_to_slips").await;
            return Err(ApiError::Forbidden);
        }
        filter.sender_unit_id = Some(actor.unit_id);
        if !f.office.is_empty() {
            let o = ctx.state.store.unit_by_code(&f.office).await.map_err(crate::api::internal)?;
            filter.office_unit_id = Some(o.map(|u| u.id).unwrap_or(-1));
        }
    }
    let slips = ctx.state.store.list_slips(&filter).await.map_err(crate::api::internal)?;
    let units = ctx.state.store.list_units().await.map_err(crate::api::internal)?;
    slips.iter().map(|s| row(s, &units)).collect()
}

fn roc_day(s: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let d = RocDate::parse(s).map_err(crate::error::invalid)?.gregorian();
    let local = d.and_hms_opt(0, 0, 0).ok_or(ApiError::Internal)?;
    use chrono::TimeZone;
    Ok(crate::domain::taipei_offset().from_local_datetime(&local).single().map(|t| t.with_timezone(&Utc)))
}

pub fn csv(rows: &[SlipRow]) -> Result<Vec<u8>, ApiError> {
    use crate::domain::roc_datetime;
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record([
            "編號",
            "狀態",
            "查詢事項",
            "案號",
            "當事人",
            "身分證統一編號",
            "收件單位",
            "發件單位",
            "建立時間",
            "發送時間",
            "回復期限",
            "回復時間",
            "逾期",
        ])
        .map_err(crate::api::internal)?;
        let t = |d: Option<DateTime<Utc>>| d.map(roc_datetime).unwrap_or_default();
        for r in rows {
            w.write_record(crate::server::export::row([
                r.id.to_string(),
                r.state.zh().to_string(),
                r.subject.zh().to_string(),
                r.case_number.clone(),
                r.person_name.clone(),
                r.national_id_masked.clone(),
                r.office_name.clone(),
                r.sender_name.clone(),
                roc_datetime(r.created_at),
                t(r.sent_at),
                t(r.due_at),
                t(r.replied_at),
                if r.overdue { "是".into() } else { String::new() },
            ]))
            .map_err(crate::api::internal)?;
        }
        w.flush().map_err(crate::api::internal)?;
    }
    Ok(out)
}

/// The reply's new registered version: the rebuilt impression (checked like every upload),
/// or — for a corrected date alone — the current image with the corrected date.
pub async fn new_version(
    ctx: &Ctx,
    actor: &Actor,
    slip: &SlipRecord,
    reply: &LiaisonReplyForm,
    image_b64: &str,
) -> Result<Option<crate::server::store::NewSealVersion>, ApiError> {
    use crate::server::store::{NewSealVersion, SealReason};
    let id = NationalId::parse(&slip.national_id).map_err(crate::api::internal)?;
    let versions = ctx.state.store.seal_versions(id.as_str()).await.map_err(crate::api::internal)?;
    let current = versions.last();
    if current.is_some_and(|v| v.office_unit_id != actor.unit_id) {
        return Err(ApiError::Invalid(
            "此人的印鑑登記於其他戶政事務所，本所無法重建或更正；請回復「其他」並說明".into(),
        ));
    }
    let registered_on = reply.corrected_date.map(|d| d.gregorian()).or_else(|| current.and_then(|v| v.registered_on));
    let base = |image, reason, unclear| NewSealVersion {
        national_id: id.as_str().to_string(),
        person_name: None,
        image,
        registered_on,
        office_unit_id: actor.unit_id,
        reason,
        unclear,
        note: format!("聯繫單 #{} 回復", slip.id),
        created_by: Some(actor.account_id),
        now: Utc::now(),
    };
    match reply.outcome {
        ReplyOutcome::Rebuilt => {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(image_b64.trim())
                .map_err(|_| ApiError::Invalid("影像資料格式錯誤，請重新選擇檔案".into()))?;
            if bytes.is_empty() {
                return Err(ApiError::Invalid("印模已完成重建：請同時上傳重建後的印模影像".into()));
            }
            let image = match crate::server::uploads::accept_judged(&ctx.state.scanner, ctx.state.uploads, bytes).await
            {
                Ok(j) => j.image,
                Err(e) => {
                    let d = ctx
                        .trail(TrailAction::LiaisonReplyRejected)
                        .object("liaison_slip", slip.id)
                        .details(serde_json::json!({ "reason": e.code() }))
                        .failed()
                        .subject(slip.national_id.clone());
                    ctx.state.store.append_trail(d).await.map_err(crate::api::internal)?;
                    return Err(crate::error::invalid(e));
                }
            };
            let quality = crate::server::comparisons::assess(image.data.clone())
                .await
                .ok_or_else(|| ApiError::Invalid("影像中找不到紅色印模，請確認掃描檔".into()))?;
            let reason = if current.is_some() { SealReason::Rebuild } else { SealReason::New };
            Ok(Some(base(image, reason, quality == matcher::Quality::Unclear)))
        }
        ReplyOutcome::Other { .. } => {
            let Some(corrected) = reply.corrected_date else { return Ok(None) };
            let Some(cur) = current else {
                return Err(ApiError::Invalid("此人尚無登記印鑑，無法更正登記日期".into()));
            };
            if cur.registered_on == Some(corrected.gregorian()) {
                return Ok(None);
            }
            let image = ctx
                .state
                .store
                .image(&cur.image_sha256)
                .await
                .map_err(crate::api::internal)?
                .ok_or(ApiError::Internal)?;
            Ok(Some(base(image, SealReason::DateCorrection, cur.unclear)))
        }
    }
}
