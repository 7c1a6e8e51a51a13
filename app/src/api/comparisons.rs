//! The comparison workspace's API (五(二)2): the lawful query first, then the registered
//! impression; the submission re-verified on the server; records read, annotated, printed.
//! Each function is guard → parse → one call into `server::comparisons` → the failure mapped.

use leptos::prelude::*;
use leptos::server_fn::codec::{Json, MultipartData, MultipartFormData};
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::ApiError;
pub use crate::domain::comparison_view::{
    ComparisonDetail, ComparisonSummary, NoteView, RegisteredSeal, Started, Submission, Submitted, Verified,
    QUESTIONED_PART, SUBMISSION_PART,
};
use crate::domain::ComparisonQuery;

/// File the query (recorded before anything is shown), then get the registered impression's
/// particulars; the image itself is read from `seal.image_url` (`GET
/// /api/comparisons/{query}/registered.png`, served by the router: `server::comparisons::
/// registered_image`). The query arrives parsed: the page sends the [`ComparisonQuery`] it
/// checked, and each field (national ID, case number, business type, name) is checked again as
/// it is read, so that only a valid query reaches the use case.
#[server(prefix = "/api", endpoint = "comparisons/start", input = Json)]
pub async fn start_comparison(query: ComparisonQuery) -> Result<Started, ApiError> {
    let ctx = super::guard(StartComparison::PATH).await?;
    Ok(crate::server::comparisons::start(&ctx.state, &ctx.caller()?, query).await?)
}

/// Upload the questioned image with the browser's result and the decision, as
/// `multipart/form-data`: the [`Submission`] as JSON in the `submission` part, the image's bytes
/// in the `questioned` part. The server scans and checks the upload, decodes it once, re-runs
/// the matcher and stores the record.
#[server(prefix = "/api", endpoint = "comparisons/submit", input = MultipartFormData)]
pub async fn submit_comparison(data: MultipartData) -> Result<Submitted, ApiError> {
    use crate::server::comparisons::{read_submission, submit};
    let ctx = super::guard(SubmitComparison::PATH).await?;
    let form = data.into_inner().ok_or(ApiError::Internal)?;
    let (submission, image) = read_submission(form).await.map_err(crate::error::invalid)?;
    Ok(submit(&ctx.state, &ctx.caller()?, submission, image, SubmitComparison::PATH).await?)
}

/// History: `mine` (a clerk's own) or `unit` (a supervisor's whole unit).
#[server(prefix = "/api", endpoint = "comparisons/list")]
pub async fn list_comparisons(scope: String) -> Result<Vec<ComparisonSummary>, ApiError> {
    use crate::server::comparisons::{list, ListScope};
    let ctx = super::guard(ListComparisons::PATH).await?;
    let scope = if scope == "unit" { ListScope::Unit } else { ListScope::Mine };
    Ok(list(&ctx.state, &ctx.caller()?, scope, ListComparisons::PATH).await?)
}

/// One record in full (images, overlay, scores, notes). The read is recorded.
#[server(prefix = "/api", endpoint = "comparisons/get")]
pub async fn get_comparison(id: i64) -> Result<ComparisonDetail, ApiError> {
    let ctx = super::guard(GetComparison::PATH).await?;
    Ok(crate::server::comparisons::open(&ctx.state, &ctx.caller()?, id, GetComparison::PATH).await?)
}

/// Look a record up by the code printed on it.
#[server(prefix = "/api", endpoint = "comparisons/verify")]
pub async fn verify_code(code: String) -> Result<Verified, ApiError> {
    let ctx = super::guard(VerifyCode::PATH).await?;
    Ok(crate::server::comparisons::verify(&ctx.state, &ctx.caller()?, &code, VerifyCode::PATH).await?)
}

/// Record that the record was printed (the audit asks whether printouts were filed).
#[server(prefix = "/api", endpoint = "comparisons/printed")]
pub async fn record_printed(id: i64) -> Result<(), ApiError> {
    let ctx = super::guard(RecordPrinted::PATH).await?;
    Ok(crate::server::comparisons::mark_printed(&ctx.state, &ctx.caller()?, id, RecordPrinted::PATH).await?)
}

/// Annotate a record (records are never edited).
#[server(prefix = "/api", endpoint = "comparisons/annotate")]
pub async fn annotate(id: i64, text: String) -> Result<(), ApiError> {
    let ctx = super::guard(Annotate::PATH).await?;
    Ok(crate::server::comparisons::annotate(&ctx.state, &ctx.caller()?, id, &text, Annotate::PATH).await?)
}
