//! The registered-seal registry's use cases for household registration offices (their own
//! district only): a person's versions, and the upload of a new or rebuilt impression as a new
//! version — nothing is overwritten. Each decides who may, writes its trail rows (denials
//! included) and answers a typed result or a [`Failure`].

use chrono::Utc;

use super::caller::{problem, Caller, Failure};
use super::comparisons::assess;
use super::state::AppState;
use super::store::{NewSealVersion, SealReason, SealVersionRecord};
use super::trail::TrailAction;
use super::uploads;
use crate::domain::seal::{ParsedSealUpload, PersonSeals, SealError, SealVersionView, UploadReason};
use crate::domain::{NationalId, RocDate, UnitKind};

type Outcome<T> = Result<T, Failure<SealError>>;

/// The caller's unit must be a household registration office, and — when the person has a
/// registered seal — the office that registered it (a refusal is written to the trail).
async fn own_district(
    state: &AppState,
    caller: &Caller,
    versions: &[SealVersionRecord],
    endpoint: &str,
) -> Outcome<()> {
    let unit = state.store.unit(caller.actor.unit_id).await?;
    let is_office = unit.as_ref().is_some_and(|u| u.kind == UnitKind::HouseholdOffice);
    let other = versions.last().is_some_and(|v| v.office_unit_id != caller.actor.unit_id);
    if !is_office || other {
        return Err(caller.deny(state, endpoint, "other_district").await);
    }
    Ok(())
}

async fn view(state: &AppState, v: SealVersionRecord) -> Outcome<SealVersionView> {
    use base64::Engine;
    let img = state
        .store
        .image(&v.image_sha256)
        .await?
        .ok_or_else(|| Failure::internal(format!("seal version {}: image {} missing", v.id, v.image_sha256)))?;
    let office = state
        .store
        .unit(v.office_unit_id)
        .await?
        .map(|u| u.name_zh)
        .ok_or_else(|| Failure::internal(format!("seal version {}: unit {} not found", v.id, v.office_unit_id)))?;
    Ok(SealVersionView {
        id: v.id,
        version: v.version,
        image_b64: base64::engine::general_purpose::STANDARD.encode(&img.data),
        media_type: img.media_type,
        registered_on: v.registered_on.and_then(|d| RocDate::from_gregorian(d).ok()),
        office_name: office,
        reason: v.reason,
        unclear: v.unclear,
        note: v.note,
        created_at: v.created_at,
    })
}

/// A person's registered impressions, every version. The read is recorded.
pub async fn versions(state: &AppState, caller: &Caller, id: &NationalId, endpoint: &str) -> Outcome<PersonSeals> {
    let versions = state.store.seal_versions(id.as_str()).await?;
    own_district(state, caller, &versions, endpoint).await?;
    let person = state.store.person(id.as_str()).await?;
    let draft = caller
        .trail(TrailAction::SealVersionsView)
        .subject(id.as_str())
        .details(serde_json::json!({ "versions": versions.len() }));
    state.store.append_trail(draft).await?;
    let mut out = Vec::new();
    for v in versions {
        out.push(view(state, v).await?);
    }
    Ok(PersonSeals { national_id_masked: id.masked(), name: person.map(|p| p.name).unwrap_or_default(), versions: out })
}

/// A new or rebuilt impression: scanned and checked, judged for quality, stored as a new version.
pub async fn upload(
    state: &AppState,
    caller: &Caller,
    u: ParsedSealUpload,
    endpoint: &str,
) -> Outcome<SealVersionView> {
    let id = u.national_id;
    let versions = state.store.seal_versions(id.as_str()).await?;
    own_district(state, caller, &versions, endpoint).await?;
    if u.reason == UploadReason::Rebuild && versions.is_empty() {
        return problem(SealError::NothingToRebuild);
    }
    let image = match uploads::accept_judged(&state.scanner, state.uploads, u.image).await {
        Ok(j) => j.image,
        Err(e) => {
            let d = caller
                .trail(TrailAction::SealUploadRejected)
                .subject(id.as_str())
                .details(serde_json::json!({ "reason": e.code() }))
                .failed();
            state.store.append_trail(d).await?;
            return problem(SealError::Upload { error: e });
        }
    };
    let Some(quality) = assess(image.data.clone()).await else {
        return problem(SealError::NoRedInk);
    };
    let reason = match u.reason {
        UploadReason::New => SealReason::New,
        UploadReason::Rebuild => SealReason::Rebuild,
    };
    let new = NewSealVersion {
        national_id: id.as_str().to_string(),
        person_name: u.person_name,
        image,
        registered_on: u.registered_on,
        office_unit_id: caller.actor.unit_id,
        reason,
        unclear: quality == matcher::Quality::Unclear,
        note: u.note,
        created_by: Some(caller.actor.account_id),
        now: Utc::now(),
    };
    let draft = caller.trail(TrailAction::SealVersionAdd).subject(id.as_str()).details(serde_json::json!({
        "reason": reason.code(),
        "sha256": new.image.sha256,
        "unclear": new.unclear,
    }));
    let rec = state.store.add_seal_version(&new, draft).await?;
    view(state, rec).await
}
