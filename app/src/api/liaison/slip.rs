//! One slip as either side reads it (the office's first read marks it received), and the
//! office's reply, with a rebuilt impression becoming the person's new registered version.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// One slip. The office's first look marks it received. The read is recorded (full ID).
#[server(prefix = "/api", endpoint = "liaison/get")]
pub async fn get_slip(id: i64) -> Result<SlipDetail, ApiError> {
    use crate::server::store::{SealReason, SlipState, SlipStep};
    let ctx = crate::api::guard(GetSlip::PATH).await?;
    let actor = ctx.actor()?;
    let sides = [super::imp::Side::SenderClerk, super::imp::Side::Chief, super::imp::Side::Office];
    let (mut slip, side) = super::imp::load(&ctx, actor, id, &sides, GetSlip::PATH).await?;
    let store = &ctx.state.store;
    if side == super::imp::Side::Office && slip.state == SlipState::Sent {
        match super::imp::step(&ctx, actor, &slip, SlipStep::Receive, "").await {
            Ok(()) | Err(ApiError::Invalid(_)) => {}
            Err(e) => return Err(e),
        }
        slip = store.slip(id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
    }
    let draft = ctx
        .trail(TrailAction::LiaisonView)
        .object("liaison_slip", id)
        .subject(slip.national_id.clone())
        .case(slip.case_number.clone());
    store.append_trail(draft).await.map_err(crate::api::internal)?;
    let units = store.list_units().await.map_err(crate::api::internal)?;
    let row = super::imp::row(&slip, &units)?;
    let form = super::imp::form(&slip)?;
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
    let mut reply: Option<LiaisonReplyForm> = match &slip.reply {
        Some(r) => Some(serde_json::from_str(r).map_err(crate::api::internal)?),
        None => None,
    };
    let mut form = form;
    // The sending side sees registry data on a slip only when the slip refers to its writer's
    // logged query of the same person (`server::liaison::registry_visible`).
    let registry_visible = side == super::imp::Side::Office
        || crate::server::liaison::registry_visible(store, &slip).await.map_err(crate::api::internal)?;
    if !registry_visible {
        if let crate::domain::forms::liaison_slip::Subject::DateMismatch { seal, .. } = &mut form.subject {
            *seal = None;
        }
        if let Some(r) = &mut reply {
            r.corrected_date = None;
        }
    }
    // The registered impression and its registry data are seal data: the office that made the
    // version sees them on its reply; the sending unit sees them only through a query of its own
    // (以新版印模重新比對), which is logged and reaches the monthly report and the audit sample.
    let new_version = match slip.new_seal_version_id.filter(|_| registry_visible) {
        Some(v) => {
            use base64::Engine;
            let v = store.seal_version(v).await.map_err(crate::api::internal)?.ok_or(ApiError::Internal)?;
            let (image_b64, media_type, registered_on) = if side == super::imp::Side::Office {
                let img =
                    store.image(&v.image_sha256).await.map_err(crate::api::internal)?.ok_or(ApiError::Internal)?;
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
    for e in store.slip_events(id).await.map_err(crate::api::internal)? {
        let actor_name = match e.actor_id {
            Some(a) => {
                if let std::collections::hash_map::Entry::Vacant(v) = names.entry(a) {
                    let n = store.account(a).await.map_err(crate::api::internal)?.map(|x| x.name).unwrap_or_default();
                    v.insert(n);
                }
                names[&a].clone()
            }
            None => String::new(),
        };
        timeline.push(SlipEventView { at: e.at, action: e.action, actor: actor_name, note: e.note });
    }
    let state = slip.state;
    let clerk = side == super::imp::Side::SenderClerk;
    Ok(SlipDetail {
        form,
        office,
        sender_is_land_office: sender.kind == crate::domain::UnitKind::LandOffice,
        sender_fax_unit: sender.fax.clone(),
        reply,
        new_version,
        timeline,
        as_office: side == super::imp::Side::Office,
        can_edit: clerk && state == SlipState::Draft,
        can_send: clerk && state == SlipState::Draft,
        can_approve: side == super::imp::Side::Chief
            && state == SlipState::AwaitingApproval
            && slip.created_by != actor.account_id,
        can_cancel: clerk && matches!(state, SlipState::Draft | SlipState::AwaitingApproval | SlipState::Sent),
        can_reply: side == super::imp::Side::Office && state.awaits_reply(),
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
    let ctx = crate::api::guard(ReplySlip::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = super::imp::load(&ctx, actor, id, &[super::imp::Side::Office], ReplySlip::PATH).await?;
    let input = LiaisonReplyInput { has_image: !image_b64.trim().is_empty(), ..input };
    let reply = input.parse().map_err(crate::api::invalid_fields)?;
    if !slip.state.awaits_reply() {
        return Err(ApiError::Invalid("此聯繫單已回復或已撤銷".into()));
    }
    let new_version = super::imp::new_version(&ctx, actor, &slip, &reply, &image_b64).await?;
    let draft = ctx.trail(TrailAction::LiaisonReplied).details(serde_json::json!({
        "outcome": match reply.outcome { crate::domain::forms::liaison_slip::ReplyOutcome::Rebuilt => "rebuilt", _ => "other" },
        "new_version": new_version.is_some(),
    })).subject(slip.national_id.clone()).case(slip.case_number.clone());
    let version_draft = ctx
        .trail(TrailAction::SealVersionAdd)
        .details(serde_json::json!({
            "reason": new_version.as_ref().map(|v| v.reason.code()),
            "sha256": new_version.as_ref().map(|v| v.image.sha256.clone()),
            "unclear": new_version.as_ref().map(|v| v.unclear),
            "liaison_slip": id,
        }))
        .subject(slip.national_id.clone());
    let r = SlipReply { reply_json: serde_json::to_string(&reply).map_err(crate::api::internal)?, new_version };
    ctx.state
        .store
        .reply_slip(id, &r, actor.account_id, chrono::Utc::now(), draft, version_draft)
        .await
        .map_err(super::imp::store_err)?;
    Ok(())
}
