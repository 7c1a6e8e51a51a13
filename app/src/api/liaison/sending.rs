//! The sending unit's side: the form (pre-filled from a look-up), drafting, sending (after the
//! section chief's approval when required), cancelling before the office opens it, closing.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// The form's data, pre-filled from one of the caller's own queries when `query_id` > 0. The
/// read of the person's full ID is recorded.
#[server(prefix = "/api", endpoint = "liaison/form-data")]
pub async fn liaison_form_data(query_id: i64) -> Result<SlipFormData, ApiError> {
    use crate::domain::UnitKind;
    let ctx = crate::api::guard(LiaisonFormData::PATH).await?;
    let actor = ctx.actor()?;
    let sender = super::imp::sending_unit(&ctx, actor, LiaisonFormData::PATH).await?;
    let store = &ctx.state.store;
    let today = chrono::Utc::now().with_timezone(&crate::domain::taipei_offset()).date_naive();
    let mut input = LiaisonSlipInput {
        contact_date: RocDate::from_gregorian(today).map(|d| d.short()).unwrap_or_default(),
        sender_phone: sender.phone.clone(),
        sender_fax: sender.fax.clone(),
        handler: actor.name.clone(),
        ..Default::default()
    };
    let offices = super::imp::offices(&ctx).await?;
    let mut from_query = None;
    if query_id > 0 {
        let q = store.query(query_id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
        if q.operator_id != actor.account_id {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, LiaisonFormData::PATH, "not_own_query").await;
            return Err(ApiError::Forbidden);
        }
        let version = match q.seal_version_id {
            Some(v) => store.seal_version(v).await.map_err(crate::api::internal)?,
            None => None,
        };
        let person = store.person(&q.national_id).await.map_err(crate::api::internal)?;
        if let Some(v) = &version {
            input.office = super::imp::unit(&ctx, v.office_unit_id).await?.code;
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
        let draft = ctx
            .trail(TrailAction::LiaisonPrefill)
            .object("seal_query", q.id)
            .case(q.case_number.clone())
            .subject(q.national_id.clone());
        store.append_trail(draft).await.map_err(crate::api::internal)?;
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
    let ctx = crate::api::guard(CreateSlip::PATH).await?;
    let actor = ctx.actor()?;
    super::imp::sending_unit(&ctx, actor, CreateSlip::PATH).await?;
    if let Some(q) = query_id {
        let q = ctx.state.store.query(q).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
        if q.operator_id != actor.account_id {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, CreateSlip::PATH, "not_own_query").await;
            return Err(ApiError::Forbidden);
        }
        if input.national_id.trim().to_ascii_uppercase() != q.national_id {
            return Err(ApiError::Invalid("聯繫單的身分證統一編號須與所依據的查詢相同".into()));
        }
    }
    let (form, office) = super::imp::settle(&ctx, &input, query_id, actor.account_id).await?;
    let new = NewSlip {
        sender_unit_id: actor.unit_id,
        office_unit_id: office.id,
        created_by: actor.account_id,
        query_id,
        national_id: form.national_id.as_str().to_string(),
        case_number: form.case_number.to_string(),
        subject: form.subject.kind().code().to_string(),
        form_json: serde_json::to_string(&form).map_err(crate::api::internal)?,
        now: chrono::Utc::now(),
    };
    let draft = ctx
        .trail(TrailAction::LiaisonCreated)
        .details(serde_json::json!({ "office": office.code, "subject": new.subject }))
        .subject(new.national_id.clone())
        .case(new.case_number.clone());
    ctx.state.store.create_slip(&new, draft).await.map_err(super::imp::store_err)
}

/// Change a draft.
#[server(prefix = "/api", endpoint = "liaison/update", input = Json)]
pub async fn update_slip(id: i64, input: LiaisonSlipInput) -> Result<(), ApiError> {
    use crate::server::store::SlipStep;
    let ctx = crate::api::guard(UpdateSlip::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = super::imp::load(&ctx, actor, id, &[super::imp::Side::SenderClerk], UpdateSlip::PATH).await?;
    // the registry's date only while the slip still names the person its query looked up
    let (form, office) = super::imp::settle(&ctx, &input, slip.query_id, slip.created_by).await?;
    let step = SlipStep::Edit {
        office_unit_id: office.id,
        national_id: form.national_id.as_str().to_string(),
        case_number: form.case_number.to_string(),
        subject: form.subject.kind().code().to_string(),
        form_json: serde_json::to_string(&form).map_err(crate::api::internal)?,
    };
    super::imp::step(&ctx, actor, &slip, step, "").await
}

/// Send a draft: straight to the office, or to the section chief first when approval is required.
#[server(prefix = "/api", endpoint = "liaison/send")]
pub async fn send_slip(id: i64) -> Result<(), ApiError> {
    use crate::server::store::SlipStep;
    let ctx = crate::api::guard(SendSlip::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = super::imp::load(&ctx, actor, id, &[super::imp::Side::SenderClerk], SendSlip::PATH).await?;
    let step = if ctx.state.liaison.approval_required {
        SlipStep::Submit
    } else {
        SlipStep::Send { due_at: super::imp::due(&ctx, chrono::Utc::now()).await? }
    };
    super::imp::step(&ctx, actor, &slip, step, "").await
}

/// The section chief approves (the slip goes out) or returns it to the draft with a note.
#[server(prefix = "/api", endpoint = "liaison/approve")]
pub async fn approve_slip(id: i64, approve: bool, note: String) -> Result<(), ApiError> {
    use crate::server::store::SlipStep;
    let ctx = crate::api::guard(ApproveSlip::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = super::imp::load(&ctx, actor, id, &[super::imp::Side::Chief], ApproveSlip::PATH).await?;
    if slip.created_by == actor.account_id {
        return Err(ApiError::Invalid("不可核准自己填寫的聯繫單".into()));
    }
    let note = super::imp::note(&note)?;
    let step = if approve {
        SlipStep::Approve { due_at: super::imp::due(&ctx, chrono::Utc::now()).await? }
    } else {
        if note.is_empty() {
            return Err(ApiError::Invalid("退回請說明原因".into()));
        }
        SlipStep::Return
    };
    super::imp::step(&ctx, actor, &slip, step, &note).await
}

/// Cancel a slip the office has not yet opened.
#[server(prefix = "/api", endpoint = "liaison/cancel")]
pub async fn cancel_slip(id: i64, note: String) -> Result<(), ApiError> {
    use crate::server::store::{SlipState, SlipStep};
    let ctx = crate::api::guard(CancelSlip::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = super::imp::load(&ctx, actor, id, &[super::imp::Side::SenderClerk], CancelSlip::PATH).await?;
    let note = super::imp::note(&note)?;
    if matches!(slip.state, SlipState::Received | SlipState::Replied) {
        return Err(ApiError::Invalid("戶政事務所已收件，無法撤銷".into()));
    }
    super::imp::step(&ctx, actor, &slip, SlipStep::Cancel, &note).await
}

/// Close a replied slip after reading the reply.
#[server(prefix = "/api", endpoint = "liaison/close")]
pub async fn close_slip(id: i64) -> Result<(), ApiError> {
    use crate::server::store::SlipStep;
    let ctx = crate::api::guard(CloseSlip::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = super::imp::load(&ctx, actor, id, &[super::imp::Side::SenderClerk], CloseSlip::PATH).await?;
    super::imp::step(&ctx, actor, &slip, SlipStep::Close, "").await
}
