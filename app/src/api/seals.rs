//! The registered-seal registry's API for household registration offices: see a person's
//! versions and upload a new or rebuilt impression (印模重建) — for their own district only.
//! Each function is guard → parse → one call into `server::seals` → the failure mapped.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::ApiError;
pub use crate::domain::seal::{PersonSeals, SealUpload, SealVersionView};

/// A person's registered impressions, every version (household office of the person's district).
#[server(prefix = "/api", endpoint = "seals/versions")]
pub async fn seal_versions(national_id: String) -> Result<PersonSeals, ApiError> {
    let ctx = super::guard(SealVersions::PATH).await?;
    let id = crate::domain::NationalId::parse(&national_id).map_err(crate::error::invalid)?;
    Ok(crate::server::seals::versions(&ctx.state, &ctx.caller()?, &id, SealVersions::PATH).await?)
}

/// Upload a new or rebuilt impression: a new version; nothing is overwritten.
#[server(prefix = "/api", endpoint = "seals/upload", input = Json)]
pub async fn upload_seal(upload: SealUpload) -> Result<SealVersionView, ApiError> {
    let ctx = super::guard(UploadSeal::PATH).await?;
    let parsed = upload.parse().map_err(crate::error::invalid)?;
    Ok(crate::server::seals::upload(&ctx.state, &ctx.caller()?, parsed, UploadSeal::PATH).await?)
}
