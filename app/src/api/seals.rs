//! The registered-seal registry's API for household registration offices: see a person's
//! versions and upload a new or rebuilt impression (印模重建) — for their own district only.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::RocDate;
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealVersionView {
    pub id: i64,
    pub version: i64,
    pub image_b64: String,
    pub media_type: String,
    pub registered_on: Option<RocDate>,
    pub office_name: String,
    /// `import`, `new`, `rebuild` or `date_correction`.
    pub reason: String,
    pub reason_zh: String,
    pub unclear: bool,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonSeals {
    pub national_id_masked: String,
    pub name: String,
    /// Oldest first; the last is current.
    pub versions: Vec<SealVersionView>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealUpload {
    pub national_id: String,
    pub person_name: String,
    pub image_b64: String,
    /// ROC date as typed (e.g. `115/11/26`); may be blank.
    pub registered_on: String,
    /// `new` or `rebuild`.
    pub reason: String,
    pub note: String,
}

#[cfg(feature = "ssr")]
mod imp {
    use super::*;
    use crate::domain::UnitKind;
    use crate::server::{
        auth::Actor,
        store::{SealReason, SealVersionRecord},
    };

    /// The caller's unit must be a household registration office, and — when the person has a
    /// registered seal — the office that registered it.
    pub async fn own_district(
        ctx: &crate::api::Ctx,
        actor: &Actor,
        versions: &[SealVersionRecord],
        path: &str,
    ) -> Result<(), ApiError> {
        let unit = ctx.state.store.unit(actor.unit_id).await.map_err(crate::api::internal)?;
        let is_office = unit.as_ref().is_some_and(|u| u.kind == UnitKind::HouseholdOffice);
        let other = versions.last().is_some_and(|v| v.office_unit_id != actor.unit_id);
        if !is_office || other {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "other_district").await;
            return Err(ApiError::Forbidden);
        }
        Ok(())
    }

    pub async fn view(ctx: &crate::api::Ctx, v: SealVersionRecord) -> Result<SealVersionView, ApiError> {
        use base64::Engine;
        let img =
            ctx.state.store.image(&v.image_sha256).await.map_err(crate::api::internal)?.ok_or(ApiError::Internal)?;
        let office = ctx.state.store.unit(v.office_unit_id).await.ok().flatten().map(|u| u.name_zh).unwrap_or_default();
        Ok(SealVersionView {
            id: v.id,
            version: v.version,
            image_b64: base64::engine::general_purpose::STANDARD.encode(&img.data),
            media_type: img.media_type,
            registered_on: v.registered_on.and_then(|d| RocDate::from_gregorian(d).ok()),
            office_name: office,
            reason_zh: SealReason::parse(&v.reason).map(|r| r.zh()).unwrap_or("").to_string(),
            reason: v.reason,
            unclear: v.unclear,
            note: v.note,
            created_at: v.created_at,
        })
    }
}

/// A person's registered impressions, every version (household office of the person's district).
#[server(prefix = "/api", endpoint = "seals/versions")]
pub async fn seal_versions(national_id: String) -> Result<PersonSeals, ApiError> {
    let ctx = super::guard(SealVersions::PATH).await?;
    let actor = ctx.actor()?;
    let id = crate::domain::NationalId::parse(&national_id).map_err(crate::error::invalid)?;
    let versions = ctx.state.store.seal_versions(id.as_str()).await.map_err(super::internal)?;
    imp::own_district(&ctx, actor, &versions, SealVersions::PATH).await?;
    let person = ctx.state.store.person(id.as_str()).await.map_err(super::internal)?;
    let draft = ctx
        .trail(TrailAction::SealVersionsView)
        .subject(id.as_str())
        .details(serde_json::json!({ "versions": versions.len() }));
    ctx.state.store.append_trail(draft).await.map_err(super::internal)?;
    let mut out = Vec::new();
    for v in versions {
        out.push(imp::view(&ctx, v).await?);
    }
    Ok(PersonSeals { national_id_masked: id.masked(), name: person.map(|p| p.name).unwrap_or_default(), versions: out })
}

/// Upload a new or rebuilt impression: a new version; nothing is overwritten.
#[server(prefix = "/api", endpoint = "seals/upload", input = Json)]
pub async fn upload_seal(upload: SealUpload) -> Result<SealVersionView, ApiError> {
    use crate::server::{
        comparisons::assess,
        store::{NewSealVersion, SealReason},
        uploads,
    };
    let ctx = super::guard(UploadSeal::PATH).await?;
    let actor = ctx.actor()?;
    let u = upload;
    let id = crate::domain::NationalId::parse(&u.national_id).map_err(crate::error::invalid)?;
    let reason = match u.reason.as_str() {
        "new" => SealReason::New,
        "rebuild" => SealReason::Rebuild,
        _ => return Err(ApiError::Invalid("請選擇上傳原因（新登記或印模重建）".into())),
    };
    let registered_on = match u.registered_on.trim() {
        "" => None,
        s => Some(RocDate::parse(s).map_err(crate::error::invalid)?.gregorian()),
    };
    let name = u.person_name.trim().to_string();
    if name.chars().count() > 40 || name.chars().any(char::is_control) {
        return Err(ApiError::Invalid("姓名最多 40 字".into()));
    }
    let note = u.note.trim().to_string();
    if note.chars().count() > 500 {
        return Err(ApiError::Invalid("備註最多 500 字".into()));
    }
    let versions = ctx.state.store.seal_versions(id.as_str()).await.map_err(super::internal)?;
    imp::own_district(&ctx, actor, &versions, UploadSeal::PATH).await?;
    if reason == SealReason::Rebuild && versions.is_empty() {
        return Err(ApiError::Invalid("此人尚無登記印鑑，無法辦理印模重建；請選擇「新登記」".into()));
    }
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(u.image_b64.trim())
        .map_err(|_| ApiError::Invalid("影像資料格式錯誤，請重新選擇檔案".into()))?;
    let image = match uploads::accept_judged(&ctx.state.scanner, ctx.state.uploads, bytes).await {
        Ok(j) => j.image,
        Err(e) => {
            let d = ctx
                .trail(TrailAction::SealUploadRejected)
                .subject(id.as_str())
                .details(serde_json::json!({ "reason": e.code() }))
                .failed();
            ctx.state.store.append_trail(d).await.map_err(super::internal)?;
            return Err(crate::error::invalid(e));
        }
    };
    let quality = assess(image.data.clone()).await;
    let Some(quality) = quality else {
        return Err(ApiError::Invalid("影像中找不到紅色印模，請確認掃描檔".into()));
    };
    let new = NewSealVersion {
        national_id: id.as_str().to_string(),
        person_name: (!name.is_empty()).then_some(name),
        image,
        registered_on,
        office_unit_id: actor.unit_id,
        reason,
        unclear: quality == matcher::Quality::Unclear,
        note,
        created_by: Some(actor.account_id),
        now: Utc::now(),
    };
    let draft = ctx.trail(TrailAction::SealVersionAdd).subject(id.as_str()).details(serde_json::json!({
        "reason": reason.code(),
        "sha256": new.image.sha256,
        "unclear": new.unclear,
    }));
    let rec = ctx.state.store.add_seal_version(&new, draft).await.map_err(super::internal)?;
    imp::view(&ctx, rec).await
}
