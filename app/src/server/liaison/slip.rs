//! One slip as either side reads it (the office's first read marks it received), and the
//! office's reply, with a rebuilt impression — or a corrected date — becoming the person's new
//! registered version in the same transaction.

use std::collections::HashMap;

use chrono::Utc;

use super::{fields, form, load, registered_on, registry_visible, row, step, step_failure, Outcome, Side};
use crate::domain::forms::liaison_slip::{LiaisonReplyForm, LiaisonReplyInput, ReplyOutcome, Subject};
use crate::domain::liaison::{reply_version_note, LiaisonError, NewVersionView, OfficeRef, SlipDetail, SlipEventView};
use crate::domain::{NationalId, UnitKind};
use crate::server::caller::{problem, Caller, Failure};
use crate::server::state::AppState;
use crate::server::store::{NewSealVersion, SealReason, SlipRecord, SlipReply, SlipState, SlipStep};
use crate::server::trail::TrailAction;

/// One slip, for its sending unit's clerks and chief and (once sent) the addressed office, with
/// what the caller may do with it. The office's first look marks it received. The read is
/// written to the trail (it shows the full ID). The sending side sees registry data only when
/// the slip refers to its writer's logged query of the person ([`super::registry_visible`]).
pub async fn open(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<SlipDetail> {
    let actor = &caller.actor;
    let sides = [Side::SenderClerk, Side::Chief, Side::Office];
    let (mut slip, side) = load(state, caller, id, &sides, endpoint).await?;
    let store = &state.store;
    if side == Side::Office && slip.state == SlipState::Sent {
        // opened from two windows at once: the other one marked it received
        match step(state, caller, &slip, SlipStep::Receive, "").await {
            Ok(()) | Err(Failure::Problem(_)) => {}
            Err(e) => return Err(e),
        }
        slip = store.slip(id).await?.ok_or(Failure::NotFound)?;
    }
    let draft = caller
        .trail(TrailAction::LiaisonView)
        .object("liaison_slip", id)
        .subject(slip.national_id.clone())
        .case(slip.case_number.clone());
    store.append_trail(draft).await?;
    let units = store.list_units().await?;
    let row = row(&slip, &units)?;
    let mut form = form(&slip)?;
    let missing = |what: &str, unit: i64| Failure::internal(format!("liaison_slip {id}: {what} unit {unit} not found"));
    let office = units
        .iter()
        .find(|u| u.id == slip.office_unit_id)
        .map(|u| OfficeRef {
            code: u.code.clone(),
            name: u.name_zh.clone(),
            phone: u.phone.clone(),
            fax: u.fax.clone(),
        })
        .ok_or_else(|| missing("office", slip.office_unit_id))?;
    let sender =
        units.iter().find(|u| u.id == slip.sender_unit_id).ok_or_else(|| missing("sender", slip.sender_unit_id))?;
    let mut reply: Option<LiaisonReplyForm> = match &slip.reply {
        Some(r) => {
            Some(serde_json::from_str(r).map_err(|e| Failure::internal(format!("liaison_slip {id}: reply: {e}")))?)
        }
        None => None,
    };
    let registry_visible = side == Side::Office || registry_visible(store, &slip).await?;
    if !registry_visible {
        if let Subject::DateMismatch { seal, .. } = &mut form.subject {
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
            let v = store
                .seal_version(v)
                .await?
                .ok_or_else(|| Failure::internal(format!("liaison_slip {id}: seal_version {v} not found")))?;
            let (image_b64, media_type, registered_on) = if side == Side::Office {
                let img = store.image(&v.image_sha256).await?.ok_or_else(|| {
                    Failure::internal(format!("seal_version {}: image {} not found", v.id, v.image_sha256))
                })?;
                (base64::engine::general_purpose::STANDARD.encode(&img.data), img.media_type, registered_on(&v)?)
            } else {
                (String::new(), String::new(), None)
            };
            Some(NewVersionView {
                version: v.version,
                reason: v.reason,
                registered_on,
                image_b64,
                media_type,
                unclear: v.unclear,
            })
        }
        None => None,
    };
    let mut names = HashMap::new();
    let mut timeline = Vec::new();
    for e in store.slip_events(id).await? {
        let actor_name = match e.actor_id {
            Some(a) => {
                if let std::collections::hash_map::Entry::Vacant(v) = names.entry(a) {
                    let account = store
                        .account(a)
                        .await?
                        .ok_or_else(|| Failure::internal(format!("liaison_slip {id}: event account {a} not found")))?;
                    v.insert(account.name);
                }
                names[&a].clone()
            }
            None => String::new(),
        };
        timeline.push(SlipEventView { at: e.at, action: e.action, actor: actor_name, note: e.note });
    }
    let state = slip.state;
    let clerk = side == Side::SenderClerk;
    Ok(SlipDetail {
        form,
        office,
        sender_is_land_office: sender.kind == UnitKind::LandOffice,
        sender_fax_unit: sender.fax.clone(),
        reply,
        new_version,
        timeline,
        as_office: side == Side::Office,
        can_edit: clerk && state == SlipState::Draft,
        can_send: clerk && state == SlipState::Draft,
        can_approve: side == Side::Chief && state == SlipState::AwaitingApproval && slip.created_by != actor.account_id,
        can_cancel: clerk && matches!(state, SlipState::Draft | SlipState::AwaitingApproval | SlipState::Sent),
        can_reply: side == Side::Office && state.awaits_reply(),
        can_close: clerk && state == SlipState::Replied,
        can_compare: clerk
            && matches!(state, SlipState::Replied | SlipState::Closed)
            && slip.new_seal_version_id.is_some(),
        row,
    })
}

/// The addressed office's reply; a rebuilt impression (`image_b64`, base64 of the file) comes
/// with it and becomes the person's new registered version in the same transaction (scanned and
/// checked like every upload; a refused one is written to the trail).
pub async fn reply(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: LiaisonReplyInput,
    image_b64: &str,
    endpoint: &str,
) -> Outcome<()> {
    let (slip, _) = load(state, caller, id, &[Side::Office], endpoint).await?;
    let input = LiaisonReplyInput { has_image: !image_b64.trim().is_empty(), ..input };
    let reply = input.parse().map_err(fields)?;
    if !slip.state.awaits_reply() {
        return problem(LiaisonError::NotAwaitingReply);
    }
    let new_version = new_version(state, caller, &slip, &reply, image_b64).await?;
    let outcome = match reply.outcome {
        ReplyOutcome::Rebuilt => "rebuilt",
        ReplyOutcome::Other { .. } => "other",
    };
    let draft = caller
        .trail(TrailAction::LiaisonReplied)
        .details(serde_json::json!({ "outcome": outcome, "new_version": new_version.is_some() }))
        .subject(slip.national_id.clone())
        .case(slip.case_number.clone());
    let version_draft = caller
        .trail(TrailAction::SealVersionAdd)
        .details(serde_json::json!({
            "reason": new_version.as_ref().map(|v| v.reason.code()),
            "sha256": new_version.as_ref().map(|v| v.image.sha256.clone()),
            "unclear": new_version.as_ref().map(|v| v.unclear),
            "liaison_slip": id,
        }))
        .subject(slip.national_id.clone());
    let r = SlipReply { reply_json: serde_json::to_string(&reply).map_err(Failure::internal)?, new_version };
    state
        .store
        .reply_slip(id, &r, caller.actor.account_id, Utc::now(), draft, version_draft)
        .await
        .map_err(step_failure)?;
    Ok(())
}

/// The reply's new registered version: the rebuilt impression (checked like every upload),
/// or — for a corrected date alone — the current image with the corrected date. Only the office
/// where the person's seal is registered may make one.
async fn new_version(
    state: &AppState,
    caller: &Caller,
    slip: &SlipRecord,
    reply: &LiaisonReplyForm,
    image_b64: &str,
) -> Outcome<Option<NewSealVersion>> {
    let actor = &caller.actor;
    let id = NationalId::parse(&slip.national_id)
        .map_err(|e| Failure::internal(format!("liaison_slip {}: national_id: {e:?}", slip.id)))?;
    let versions = state.store.seal_versions(id.as_str()).await?;
    let current = versions.last();
    if current.is_some_and(|v| v.office_unit_id != actor.unit_id) {
        return problem(LiaisonError::OtherOffice);
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
        note: reply_version_note(slip.id),
        created_by: Some(actor.account_id),
        now: Utc::now(),
    };
    match reply.outcome {
        ReplyOutcome::Rebuilt => {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(image_b64.trim())
                .map_err(|_| Failure::Problem(LiaisonError::ImageEncoding))?;
            if bytes.is_empty() {
                return problem(LiaisonError::RebuiltNeedsImage);
            }
            let image = match crate::server::uploads::accept_judged(&state.scanner, state.uploads, bytes).await {
                Ok(j) => j.image,
                Err(e) => {
                    let d = caller
                        .trail(TrailAction::LiaisonReplyRejected)
                        .object("liaison_slip", slip.id)
                        .details(serde_json::json!({ "reason": e.code() }))
                        .failed()
                        .subject(slip.national_id.clone());
                    state.store.append_trail(d).await?;
                    return problem(e.into());
                }
            };
            let quality = crate::server::comparisons::assess(image.data.clone())
                .await
                .ok_or(Failure::Problem(LiaisonError::NoRedInk))?;
            let reason = if current.is_some() { SealReason::Rebuild } else { SealReason::New };
            Ok(Some(base(image, reason, quality == matcher::Quality::Unclear)))
        }
        ReplyOutcome::Other { .. } => {
            let Some(corrected) = reply.corrected_date else { return Ok(None) };
            let Some(cur) = current else {
                return problem(LiaisonError::NothingToCorrect);
            };
            if cur.registered_on == Some(corrected.gregorian()) {
                return Ok(None);
            }
            let image = state.store.image(&cur.image_sha256).await?.ok_or_else(|| {
                Failure::internal(format!("seal_version {}: image {} not found", cur.id, cur.image_sha256))
            })?;
            Ok(Some(base(image, SealReason::DateCorrection, cur.unclear)))
        }
    }
}
