//! 與戶政機關聯繫單 (附件一) online: a land office or bureau section writes the slip (from a
//! comparison or from scratch), sends it (after the section chief's approval when that is
//! required), the addressed household registration office opens and answers it — a rebuilt
//! impression uploaded in the same step becomes the person's new registered version — and the
//! sender closes it after reading. Every function checks which side the caller is on.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::register::ExportFile;
use super::ApiError;
use crate::domain::forms::liaison_slip::{
    LiaisonReplyForm, LiaisonReplyInput, LiaisonSlipForm, LiaisonSlipInput, SubjectKind,
};
use crate::domain::{QueryInput, RocDate};
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

/// A household registration office as the form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeRef {
    pub code: String,
    pub name: String,
    pub phone: String,
    pub fax: String,
}

/// What the slip form needs: the input (pre-filled from a query when there is one), the
/// offices, and the sending unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipFormData {
    pub input: LiaisonSlipInput,
    pub query_id: Option<i64>,
    pub offices: Vec<OfficeRef>,
    pub sender_name: String,
    pub sender_is_land_office: bool,
    pub approval_required: bool,
}

/// One slip in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipRow {
    pub id: i64,
    pub state: String,
    pub state_zh: String,
    pub state_en: String,
    pub subject: SubjectKind,
    pub case_number: String,
    pub person_name: String,
    pub national_id_masked: String,
    pub office_name: String,
    pub sender_name: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub replied_at: Option<DateTime<Utc>>,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipEventView {
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor: String,
    pub note: String,
}

/// The new registered version a reply created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVersionView {
    pub version: i64,
    pub reason_zh: String,
    pub registered_on: Option<RocDate>,
    pub image_b64: String,
    pub media_type: String,
    pub unclear: bool,
}

/// One slip with everything its page shows, and what the caller may do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipDetail {
    pub row: SlipRow,
    pub form: LiaisonSlipForm,
    pub office: OfficeRef,
    pub sender_is_land_office: bool,
    pub sender_fax_unit: String,
    pub reply: Option<LiaisonReplyForm>,
    pub new_version: Option<NewVersionView>,
    pub timeline: Vec<SlipEventView>,
    /// The caller is on the office's side.
    pub as_office: bool,
    pub can_edit: bool,
    pub can_send: bool,
    pub can_approve: bool,
    pub can_cancel: bool,
    pub can_reply: bool,
    pub can_close: bool,
    pub can_compare: bool,
}

/// Counts for the dashboard badge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipCounts {
    /// Sender side: replies waiting to be read.
    pub replies_waiting: usize,
    /// Office side: slips waiting for a reply.
    pub inbox_open: usize,
    /// Office side: of those, past their deadline.
    pub inbox_overdue: usize,
    /// Chief: slips waiting for approval.
    pub awaiting_approval: usize,
}

#[cfg(feature = "ssr")]
mod imp {
    use super::*;
    use crate::api::Ctx;
    use crate::domain::forms::liaison_slip::{ReplyOutcome, Subject};
    use crate::domain::{NationalId, UnitKind, UnitView};
    use crate::server::{
        auth::Actor,
        authz::acts_as_supervisor,
        store::{SlipFilter, SlipRecord, SlipState, SlipStep, StoreError},
    };

    /// How the caller stands to a slip.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Side {
        /// A clerk of the sending unit.
        SenderClerk,
        /// The sending unit's chief (supervisor or delegate), who is not one of its clerks.
        Chief,
        /// The addressed office.
        Office,
    }

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

    /// The caller's side for this slip, or `None`. An office sees a slip only once it was sent.
    pub async fn side(ctx: &Ctx, actor: &Actor, slip: &SlipRecord) -> Result<Option<Side>, ApiError> {
        if actor.unit_id == slip.sender_unit_id && actor.has(crate::domain::Role::Clerk) {
            return Ok(Some(Side::SenderClerk));
        }
        if acts_as_supervisor(&ctx.state.store, actor, slip.sender_unit_id, Utc::now())
            .await
            .map_err(crate::api::internal)?
        {
            return Ok(Some(Side::Chief));
        }
        let sent = slip.sent_at.is_some();
        if actor.unit_id == slip.office_unit_id
            && actor.has(crate::domain::Role::HouseholdOffice)
            && slip.state.visible_to_office(sent)
        {
            return Ok(Some(Side::Office));
        }
        Ok(None)
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
        let state = slip.state;
        Ok(SlipRow {
            id: slip.id,
            state: state.code().into(),
            state_zh: state.zh().into(),
            state_en: state.en().into(),
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
    /// is taken from the registry (the clerk cannot type another).
    pub async fn settle(ctx: &Ctx, input: &LiaisonSlipInput) -> Result<(LiaisonSlipForm, UnitView), ApiError> {
        let mut form = input.parse().map_err(crate::api::invalid_fields)?;
        let office = ctx
            .state
            .store
            .unit_by_code(&form.office)
            .await
            .map_err(crate::api::internal)?
            .filter(|u| u.kind == UnitKind::HouseholdOffice && u.active)
            .ok_or_else(|| ApiError::Invalid("收件單位須為臺北市各區戶政事務所".into()))?;
        if let Subject::DateMismatch { household, seal } = &mut form.subject {
            let versions =
                ctx.state.store.seal_versions(form.national_id.as_str()).await.map_err(crate::api::internal)?;
            *seal = versions.last().and_then(|v| v.registered_on).and_then(|d| RocDate::from_gregorian(d).ok());
            if *seal == Some(*household) {
                return Err(ApiError::Invalid(
                    "兩系統的登記日期相同（印鑑比對系統：".to_string() + &household.long() + "），無須聯繫",
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
        let mut draft = ctx.trail(step.trail_action()).details(serde_json::json!({
            "from": slip.state,
            "to": step.to_state(),
        }));
        draft.subject_national_id = Some(slip.national_id.clone());
        draft.case_number = Some(slip.case_number.clone());
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
        let mut filter = SlipFilter {
            state: (!f.state.is_empty()).then(|| f.state.clone()),
            case_number: (!f.case_number.trim().is_empty()).then(|| f.case_number.trim().to_string()),
            from: roc_day(&f.from)?,
            to: roc_day(&f.to)?.map(|d| d + chrono::Duration::days(1)),
            ..Default::default()
        };
        if filter.state.as_deref().is_some_and(|s| SlipState::parse(s).is_none()) {
            return Err(ApiError::Invalid("沒有這個狀態".into()));
        }
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
        let d = RocDate::parse(s).map_err(|e| ApiError::Invalid(e.to_string()))?.gregorian();
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
                    r.state_zh.clone(),
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
        let registered_on =
            reply.corrected_date.map(|d| d.gregorian()).or_else(|| current.and_then(|v| v.registered_on));
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
                let image =
                    match crate::server::uploads::accept_image(&ctx.state.scanner, ctx.state.uploads, bytes).await {
                        Ok(img) => img,
                        Err(e) => {
                            let mut d = ctx
                                .trail(TrailAction::LiaisonReplyRejected)
                                .object("liaison_slip", slip.id)
                                .details(serde_json::json!({ "reason": e.code() }));
                            d.outcome = crate::server::trail::Outcome::Failure;
                            d.subject_national_id = Some(slip.national_id.clone());
                            ctx.state.store.append_trail(d).await.map_err(crate::api::internal)?;
                            return Err(ApiError::Invalid(e.to_string()));
                        }
                    };
                let quality = crate::server::comparisons::assess(image.data.clone())
                    .await
                    .ok_or_else(|| ApiError::Invalid("影像中找不到紅色印模，請確認掃描檔".into()))?;
                let reason = if current.is_some() { SealReason::Rebuild } else { SealReason::New };
                Ok(Some(base(image, reason, quality == crate::matcher::Quality::Unclear)))
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
}

/// What a list asks for (all blank: everything the caller may see).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListFilter {
    pub state: String,
    /// The addressed office's unit code (sender side).
    pub office: String,
    /// Created from / to (ROC dates).
    pub from: String,
    pub to: String,
    /// Part of the case number.
    pub case_number: String,
}

/// The form's data, pre-filled from one of the caller's own queries when `query_id` > 0. The
/// read of the person's full ID is recorded.
#[server(prefix = "/api", endpoint = "liaison/form-data")]
pub async fn liaison_form_data(query_id: i64) -> Result<SlipFormData, ApiError> {
    use crate::domain::UnitKind;
    let ctx = super::guard(LiaisonFormData::PATH).await?;
    let actor = ctx.actor()?;
    let sender = imp::sending_unit(&ctx, actor, LiaisonFormData::PATH).await?;
    let store = &ctx.state.store;
    let today = chrono::Utc::now().with_timezone(&crate::domain::taipei_offset()).date_naive();
    let mut input = LiaisonSlipInput {
        contact_date: RocDate::from_gregorian(today).map(|d| d.short()).unwrap_or_default(),
        sender_phone: sender.phone.clone(),
        sender_fax: sender.fax.clone(),
        handler: actor.name.clone(),
        ..Default::default()
    };
    let offices = imp::offices(&ctx).await?;
    let mut from_query = None;
    if query_id > 0 {
        let q = store.query(query_id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
        if q.operator_id != actor.account_id {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, LiaisonFormData::PATH, "not_own_query").await;
            return Err(ApiError::Forbidden);
        }
        let version = match q.seal_version_id {
            Some(v) => store.seal_version(v).await.map_err(super::internal)?,
            None => None,
        };
        let person = store.person(&q.national_id).await.map_err(super::internal)?;
        if let Some(v) = &version {
            input.office = imp::unit(&ctx, v.office_unit_id).await?.code;
            input.seal_date =
                v.registered_on.and_then(|d| RocDate::from_gregorian(d).ok()).map(|d| d.short()).unwrap_or_default();
            input.subject = if v.unclear {
                "unclear".into()
            } else if v.registered_on.is_none() {
                "date_mismatch".into()
            } else {
                String::new()
            };
        }
        input.case_number = q.case_number.clone();
        input.person_name = q.person_name.clone().or(person.map(|p| p.name)).unwrap_or_default();
        input.national_id = q.national_id.clone();
        let mut draft = ctx.trail(TrailAction::LiaisonPrefill).object("seal_query", q.id);
        draft.case_number = Some(q.case_number.clone());
        draft.subject_national_id = Some(q.national_id.clone());
        store.append_trail(draft).await.map_err(super::internal)?;
        from_query = Some(q.id);
    }
    Ok(SlipFormData {
        input,
        query_id: from_query,
        offices,
        sender_is_land_office: sender.kind == UnitKind::LandOffice,
        sender_name: sender.name_zh,
        approval_required: ctx.state.liaison.approval_required,
    })
}

/// Write a new slip (a draft: nothing leaves the unit yet).
#[server(prefix = "/api", endpoint = "liaison/create", input = Json)]
pub async fn create_slip(input: LiaisonSlipInput, query_id: Option<i64>) -> Result<i64, ApiError> {
    use crate::server::store::NewSlip;
    let ctx = super::guard(CreateSlip::PATH).await?;
    let actor = ctx.actor()?;
    imp::sending_unit(&ctx, actor, CreateSlip::PATH).await?;
    let (form, office) = imp::settle(&ctx, &input).await?;
    if let Some(q) = query_id {
        let q = ctx.state.store.query(q).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
        if q.operator_id != actor.account_id {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, CreateSlip::PATH, "not_own_query").await;
            return Err(ApiError::Forbidden);
        }
    }
    let new = NewSlip {
        sender_unit_id: actor.unit_id,
        office_unit_id: office.id,
        created_by: actor.account_id,
        query_id,
        national_id: form.national_id.as_str().to_string(),
        case_number: form.case_number.to_string(),
        subject: form.subject.kind().code().to_string(),
        form_json: serde_json::to_string(&form).map_err(super::internal)?,
        now: chrono::Utc::now(),
    };
    let mut draft = ctx
        .trail(TrailAction::LiaisonCreated)
        .details(serde_json::json!({ "office": office.code, "subject": new.subject }));
    draft.subject_national_id = Some(new.national_id.clone());
    draft.case_number = Some(new.case_number.clone());
    ctx.state.store.create_slip(&new, draft).await.map_err(imp::store_err)
}

/// Change a draft.
#[server(prefix = "/api", endpoint = "liaison/update", input = Json)]
pub async fn update_slip(id: i64, input: LiaisonSlipInput) -> Result<(), ApiError> {
    use crate::server::store::SlipStep;
    let ctx = super::guard(UpdateSlip::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = imp::load(&ctx, actor, id, &[imp::Side::SenderClerk], UpdateSlip::PATH).await?;
    let (form, office) = imp::settle(&ctx, &input).await?;
    let step = SlipStep::Edit {
        office_unit_id: office.id,
        national_id: form.national_id.as_str().to_string(),
        case_number: form.case_number.to_string(),
        subject: form.subject.kind().code().to_string(),
        form_json: serde_json::to_string(&form).map_err(super::internal)?,
    };
    imp::step(&ctx, actor, &slip, step, "").await
}

/// Send a draft: straight to the office, or to the section chief first when approval is required.
#[server(prefix = "/api", endpoint = "liaison/send")]
pub async fn send_slip(id: i64) -> Result<(), ApiError> {
    use crate::server::store::SlipStep;
    let ctx = super::guard(SendSlip::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = imp::load(&ctx, actor, id, &[imp::Side::SenderClerk], SendSlip::PATH).await?;
    let step = if ctx.state.liaison.approval_required {
        SlipStep::Submit
    } else {
        SlipStep::Send { due_at: imp::due(&ctx, chrono::Utc::now()).await? }
    };
    imp::step(&ctx, actor, &slip, step, "").await
}

/// The section chief approves (the slip goes out) or returns it to the draft with a note.
#[server(prefix = "/api", endpoint = "liaison/approve")]
pub async fn approve_slip(id: i64, approve: bool, note: String) -> Result<(), ApiError> {
    use crate::server::store::SlipStep;
    let ctx = super::guard(ApproveSlip::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = imp::load(&ctx, actor, id, &[imp::Side::Chief], ApproveSlip::PATH).await?;
    if slip.created_by == actor.account_id {
        return Err(ApiError::Invalid("不可核准自己填寫的聯繫單".into()));
    }
    let note = imp::note(&note)?;
    let step = if approve {
        SlipStep::Approve { due_at: imp::due(&ctx, chrono::Utc::now()).await? }
    } else {
        if note.is_empty() {
            return Err(ApiError::Invalid("退回請說明原因".into()));
        }
        SlipStep::Return
    };
    imp::step(&ctx, actor, &slip, step, &note).await
}

/// Cancel a slip the office has not yet opened.
#[server(prefix = "/api", endpoint = "liaison/cancel")]
pub async fn cancel_slip(id: i64, note: String) -> Result<(), ApiError> {
    use crate::server::store::{SlipState, SlipStep};
    let ctx = super::guard(CancelSlip::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = imp::load(&ctx, actor, id, &[imp::Side::SenderClerk], CancelSlip::PATH).await?;
    let note = imp::note(&note)?;
    if matches!(slip.state, SlipState::Received | SlipState::Replied) {
        return Err(ApiError::Invalid("戶政事務所已收件，無法撤銷".into()));
    }
    imp::step(&ctx, actor, &slip, SlipStep::Cancel, &note).await
}

/// Close a replied slip after reading the reply.
#[server(prefix = "/api", endpoint = "liaison/close")]
pub async fn close_slip(id: i64) -> Result<(), ApiError> {
    use crate::server::store::SlipStep;
    let ctx = super::guard(CloseSlip::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = imp::load(&ctx, actor, id, &[imp::Side::SenderClerk], CloseSlip::PATH).await?;
    imp::step(&ctx, actor, &slip, SlipStep::Close, "").await
}

/// One slip. The office's first look marks it received. The read is recorded (full ID).
#[server(prefix = "/api", endpoint = "liaison/get")]
pub async fn get_slip(id: i64) -> Result<SlipDetail, ApiError> {
    use crate::server::store::{SealReason, SlipState, SlipStep};
    let ctx = super::guard(GetSlip::PATH).await?;
    let actor = ctx.actor()?;
    let sides = [imp::Side::SenderClerk, imp::Side::Chief, imp::Side::Office];
    let (mut slip, side) = imp::load(&ctx, actor, id, &sides, GetSlip::PATH).await?;
    let store = &ctx.state.store;
    if side == imp::Side::Office && slip.state == SlipState::Sent {
        match imp::step(&ctx, actor, &slip, SlipStep::Receive, "").await {
            Ok(()) | Err(ApiError::Invalid(_)) => {}
            Err(e) => return Err(e),
        }
        slip = store.slip(id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
    }
    let mut draft = ctx.trail(TrailAction::LiaisonView).object("liaison_slip", id);
    draft.subject_national_id = Some(slip.national_id.clone());
    draft.case_number = Some(slip.case_number.clone());
    store.append_trail(draft).await.map_err(super::internal)?;
    let units = store.list_units().await.map_err(super::internal)?;
    let row = imp::row(&slip, &units)?;
    let form = imp::form(&slip)?;
    let office = units
        .iter()
        .find(|u| u.id == slip.office_unit_id)
        .map(|u| OfficeRef {
            code: u.code.clone(),
            name: u.name_zh.clone(),
            phone: u.phone.clone(),
            fax: u.fax.clone(),
        })
        .ok_or(ApiError::Internal)?;
    let sender = units.iter().find(|u| u.id == slip.sender_unit_id).ok_or(ApiError::Internal)?;
    let reply: Option<LiaisonReplyForm> = match &slip.reply {
        Some(r) => Some(serde_json::from_str(r).map_err(super::internal)?),
        None => None,
    };
    // The registered impression and its registry data are seal data: the office that made the
    // version sees them on its reply; the sending unit sees them only through a query of its own
    // (以新版印模重新比對), which is logged and reaches the monthly report and the audit sample.
    let new_version = match slip.new_seal_version_id {
        Some(v) => {
            use base64::Engine;
            let v = store.seal_version(v).await.map_err(super::internal)?.ok_or(ApiError::Internal)?;
            let (image_b64, media_type, registered_on) = if side == imp::Side::Office {
                let img = store.image(&v.image_sha256).await.map_err(super::internal)?.ok_or(ApiError::Internal)?;
                (
                    base64::engine::general_purpose::STANDARD.encode(&img.data),
                    img.media_type,
                    v.registered_on.and_then(|d| RocDate::from_gregorian(d).ok()),
                )
            } else {
                (String::new(), String::new(), None)
            };
            Some(NewVersionView {
                version: v.version,
                reason_zh: SealReason::parse(&v.reason).map(|r| r.zh()).unwrap_or("").into(),
                registered_on,
                image_b64,
                media_type,
                unclear: v.unclear,
            })
        }
        None => None,
    };
    let mut names = std::collections::HashMap::new();
    let mut timeline = Vec::new();
    for e in store.slip_events(id).await.map_err(super::internal)? {
        let actor_name = match e.actor_id {
            Some(a) => {
                if let std::collections::hash_map::Entry::Vacant(v) = names.entry(a) {
                    let n = store.account(a).await.map_err(super::internal)?.map(|x| x.name).unwrap_or_default();
                    v.insert(n);
                }
                names[&a].clone()
            }
            None => String::new(),
        };
        timeline.push(SlipEventView { at: e.at, action: e.action, actor: actor_name, note: e.note });
    }
    let state = slip.state;
    let clerk = side == imp::Side::SenderClerk;
    Ok(SlipDetail {
        form,
        office,
        sender_is_land_office: sender.kind == crate::domain::UnitKind::LandOffice,
        sender_fax_unit: sender.fax.clone(),
        reply,
        new_version,
        timeline,
        as_office: side == imp::Side::Office,
        can_edit: clerk && state == SlipState::Draft,
        can_send: clerk && state == SlipState::Draft,
        can_approve: side == imp::Side::Chief
            && state == SlipState::AwaitingApproval
            && slip.created_by != actor.account_id,
        can_cancel: clerk && matches!(state, SlipState::Draft | SlipState::AwaitingApproval | SlipState::Sent),
        can_reply: side == imp::Side::Office && state.awaits_reply(),
        can_close: clerk && state == SlipState::Replied,
        can_compare: clerk
            && matches!(state, SlipState::Replied | SlipState::Closed)
            && slip.new_seal_version_id.is_some(),
        row,
    })
}

/// The office's reply; a rebuilt impression comes with it and becomes the person's new
/// registered version in the same transaction (scanned and checked like every upload).
#[server(prefix = "/api", endpoint = "liaison/reply", input = Json)]
pub async fn reply_slip(id: i64, input: LiaisonReplyInput, image_b64: String) -> Result<(), ApiError> {
    use crate::server::store::SlipReply;
    let ctx = super::guard(ReplySlip::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = imp::load(&ctx, actor, id, &[imp::Side::Office], ReplySlip::PATH).await?;
    let input = LiaisonReplyInput { has_image: !image_b64.trim().is_empty(), ..input };
    let reply = input.parse().map_err(crate::api::invalid_fields)?;
    if !slip.state.awaits_reply() {
        return Err(ApiError::Invalid("此聯繫單已回復或已撤銷".into()));
    }
    let new_version = imp::new_version(&ctx, actor, &slip, &reply, &image_b64).await?;
    let mut draft = ctx.trail(TrailAction::LiaisonReplied).details(serde_json::json!({
        "outcome": match reply.outcome { crate::domain::forms::liaison_slip::ReplyOutcome::Rebuilt => "rebuilt", _ => "other" },
        "new_version": new_version.is_some(),
    }));
    draft.subject_national_id = Some(slip.national_id.clone());
    draft.case_number = Some(slip.case_number.clone());
    let mut version_draft = ctx.trail(TrailAction::SealVersionAdd).details(serde_json::json!({
        "reason": new_version.as_ref().map(|v| v.reason.code()),
        "sha256": new_version.as_ref().map(|v| v.image.sha256.clone()),
        "unclear": new_version.as_ref().map(|v| v.unclear),
        "liaison_slip": id,
    }));
    version_draft.subject_national_id = Some(slip.national_id.clone());
    let r = SlipReply { reply_json: serde_json::to_string(&reply).map_err(super::internal)?, new_version };
    ctx.state
        .store
        .reply_slip(id, &r, actor.account_id, chrono::Utc::now(), draft, version_draft)
        .await
        .map_err(imp::store_err)?;
    Ok(())
}

/// The slips the caller may see: the office's inbox, or the sending unit's slips.
#[server(prefix = "/api", endpoint = "liaison/list", input = Json)]
pub async fn list_slips(filter: ListFilter) -> Result<Vec<SlipRow>, ApiError> {
    let ctx = super::guard(ListSlips::PATH).await?;
    let actor = ctx.actor()?;
    let rows = imp::rows_for(&ctx, actor, filter.clone(), ListSlips::PATH).await?;
    let draft =
        ctx.trail(TrailAction::LiaisonList).details(serde_json::json!({ "count": rows.len(), "state": filter.state }));
    ctx.state.store.append_trail(draft).await.map_err(super::internal)?;
    Ok(rows)
}

/// The same list as a CSV file (UTF-8 with BOM; IDs masked).
#[server(prefix = "/api", endpoint = "liaison/export", input = Json)]
pub async fn export_slips(filter: ListFilter) -> Result<ExportFile, ApiError> {
    use base64::Engine;
    let ctx = super::guard(ExportSlips::PATH).await?;
    let actor = ctx.actor()?;
    let rows = imp::rows_for(&ctx, actor, filter, ExportSlips::PATH).await?;
    let bytes = imp::csv(&rows)?;
    let draft =
        ctx.trail(TrailAction::LiaisonExport).details(serde_json::json!({ "count": rows.len(), "format": "csv" }));
    ctx.state.store.append_trail(draft).await.map_err(super::internal)?;
    let stamp = chrono::Utc::now().with_timezone(&crate::domain::taipei_offset()).format("%Y%m%d");
    Ok(ExportFile {
        filename: format!("聯繫單-{stamp}.csv"),
        media_type: "text/csv; charset=utf-8".into(),
        b64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

/// Counts for the badges (no personal data: not recorded).
#[server(prefix = "/api", endpoint = "liaison/waiting")]
pub async fn liaison_counts() -> Result<SlipCounts, ApiError> {
    use crate::domain::{Role, UnitKind};
    use crate::server::store::SlipFilter;
    let ctx = super::guard(LiaisonCounts::PATH).await?;
    let actor = ctx.actor()?;
    let unit = imp::unit(&ctx, actor.unit_id).await?;
    let store = &ctx.state.store;
    let mut c = SlipCounts::default();
    let now = chrono::Utc::now();
    if unit.kind == UnitKind::HouseholdOffice {
        if actor.has(Role::HouseholdOffice) {
            let f = SlipFilter { office_unit_id: Some(actor.unit_id), sent_only: true, ..Default::default() };
            let open: Vec<_> = store
                .list_slips(&f)
                .await
                .map_err(super::internal)?
                .into_iter()
                .filter(|s| s.state.awaits_reply())
                .collect();
            c.inbox_overdue = open.iter().filter(|s| s.overdue(now)).count();
            c.inbox_open = open.len();
        }
        return Ok(c);
    }
    let f = |state: &str| SlipFilter {
        sender_unit_id: Some(actor.unit_id),
        state: Some(state.to_string()),
        ..Default::default()
    };
    if actor.has(Role::Clerk) {
        c.replies_waiting = store.list_slips(&f("replied")).await.map_err(super::internal)?.len();
    }
    if crate::server::authz::acts_as_supervisor(store, actor, actor.unit_id, now).await.map_err(super::internal)? {
        c.awaiting_approval = store
            .list_slips(&f("awaiting_approval"))
            .await
            .map_err(super::internal)?
            .into_iter()
            .filter(|s| s.created_by != actor.account_id)
            .count();
    }
    Ok(c)
}

/// The query form for comparing again against the version a reply created: case, ID and name
/// as on the slip. The clerk then files the query as usual (it is recorded like any other).
#[server(prefix = "/api", endpoint = "liaison/compare-input")]
pub async fn slip_compare_input(id: i64) -> Result<QueryInput, ApiError> {
    let ctx = super::guard(SlipCompareInput::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = imp::load(&ctx, actor, id, &[imp::Side::SenderClerk], SlipCompareInput::PATH).await?;
    let form = imp::form(&slip)?;
    let business_type = match slip.query_id {
        Some(q) => ctx.state.store.query(q).await.map_err(super::internal)?.map(|q| q.business_type),
        None => None,
    };
    let (case_year, case_word, case_number, case_free) = match &form.case_number {
        crate::domain::CaseNumber::Structured { year, word, number } => {
            (year.to_string(), word.clone(), number.clone(), String::new())
        }
        crate::domain::CaseNumber::FreeForm(s) => (String::new(), String::new(), String::new(), s.clone()),
    };
    let mut draft = ctx.trail(TrailAction::LiaisonCompareAgain).object("liaison_slip", id);
    draft.subject_national_id = Some(slip.national_id.clone());
    ctx.state.store.append_trail(draft).await.map_err(super::internal)?;
    Ok(QueryInput {
        business_type: business_type.unwrap_or_else(|| crate::domain::BusinessType::LandRegistration.code().into()),
        case_year,
        case_word,
        case_number,
        case_free,
        national_id: form.national_id.as_str().to_string(),
        person_name: form.person_name,
    })
}
