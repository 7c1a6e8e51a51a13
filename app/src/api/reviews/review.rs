//! The quarterly review (八(三)): each unit's status, starting or refreshing this quarter's
//! review, marking accounts kept or changed (a change opens its account request), signing off,
//! and the list of past reviews.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// The review status of every unit the caller manages, whether a hand-over holds the caller
/// back, and hand-over lists waiting for the caller. Empty for everyone else.
#[server(name = ReviewStatusFn, prefix = "/api", endpoint = "accounts/review/status")]
pub async fn review_status() -> Result<ReviewStatus, ApiError> {
    let ctx = crate::api::guard(ReviewStatusFn::PATH).await?;
    Ok(crate::server::reviews::status(&ctx.state, &ctx.caller()?).await?)
}

/// Start the unit's review of the current quarter, or open it: an unsigned review is brought up
/// to date (accounts added since, undecided items refreshed). Returns the review's id.
#[server(prefix = "/api", endpoint = "accounts/review/start")]
pub async fn start_review(unit_id: i64) -> Result<i64, ApiError> {
    let ctx = crate::api::guard(StartReview::PATH).await?;
    Ok(crate::server::reviews::start(&ctx.state, &ctx.caller()?, unit_id, StartReview::PATH).await?)
}

/// A review with its items (a read of the accounts' data: recorded).
#[server(prefix = "/api", endpoint = "accounts/review/get")]
pub async fn get_review(id: i64) -> Result<ReviewView, ApiError> {
    let ctx = crate::api::guard(GetReview::PATH).await?;
    Ok(crate::server::reviews::open(&ctx.state, &ctx.caller()?, id, GetReview::PATH).await?)
}

/// Mark one account: keep, or change — which opens the matching account change request
/// (異動 with the new roles, or 註銷), filed by the caller for the unit, or links an open one.
#[server(prefix = "/api", endpoint = "accounts/review/decide", input = Json)]
pub async fn decide_review(input: DecisionInput) -> Result<DecisionOutcome, ApiError> {
    let ctx = crate::api::guard(DecideReview::PATH).await?;
    Ok(crate::server::reviews::decide(&ctx.state, &ctx.caller()?, &input, DecideReview::PATH).await?)
}

/// Sign the review off (簽核): every account must be marked keep or change.
#[server(prefix = "/api", endpoint = "accounts/review/sign")]
pub async fn sign_review(id: i64, note: String) -> Result<(), ApiError> {
    let ctx = crate::api::guard(SignReview::PATH).await?;
    Ok(crate::server::reviews::sign(&ctx.state, &ctx.caller()?, id, &note, SignReview::PATH).await?)
}

/// The unit's reviews, newest quarter first.
#[server(prefix = "/api", endpoint = "accounts/review/list")]
pub async fn list_reviews(unit_id: i64) -> Result<Vec<ReviewSummary>, ApiError> {
    let ctx = crate::api::guard(ListReviews::PATH).await?;
    Ok(crate::server::reviews::list(&ctx.state, &ctx.caller()?, unit_id, ListReviews::PATH).await?)
}
