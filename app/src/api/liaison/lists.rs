//! The lists: slips by filter and their export, what waits for the caller, and a replied
//! slip's data for a new comparison.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// The slips the caller may see: the office's inbox, or the sending unit's slips.
#[server(prefix = "/api", endpoint = "liaison/list", input = Json)]
pub async fn list_slips(filter: ListFilter) -> Result<Vec<SlipRow>, ApiError> {
    let ctx = crate::api::guard(ListSlips::PATH).await?;
    let actor = ctx.actor()?;
    let rows = super::imp::rows_for(&ctx, actor, filter.clone(), ListSlips::PATH).await?;
    let draft =
        ctx.trail(TrailAction::LiaisonList).details(serde_json::json!({ "count": rows.len(), "state": filter.state }));
    ctx.state.store.append_trail(draft).await.map_err(crate::api::internal)?;
    Ok(rows)
}

/// The same list as a CSV file (UTF-8 with BOM; IDs masked).
#[server(prefix = "/api", endpoint = "liaison/export", input = Json)]
pub async fn export_slips(filter: ListFilter) -> Result<ExportFile, ApiError> {
    use base64::Engine;
    let ctx = crate::api::guard(ExportSlips::PATH).await?;
    let actor = ctx.actor()?;
    let rows = super::imp::rows_for(&ctx, actor, filter, ExportSlips::PATH).await?;
    let bytes = super::imp::csv(&rows)?;
    let draft =
        ctx.trail(TrailAction::LiaisonExport).details(serde_json::json!({ "count": rows.len(), "format": "csv" }));
    ctx.state.store.append_trail(draft).await.map_err(crate::api::internal)?;
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
    use crate::server::store::{SlipFilter, SlipState};
    let ctx = crate::api::guard(LiaisonCounts::PATH).await?;
    let actor = ctx.actor()?;
    let unit = super::imp::unit(&ctx, actor.unit_id).await?;
    let store = &ctx.state.store;
    let mut c = SlipCounts::default();
    let now = chrono::Utc::now();
    if unit.kind == UnitKind::HouseholdOffice {
        if actor.has(Role::HouseholdOffice) {
            let f = SlipFilter { office_unit_id: Some(actor.unit_id), sent_only: true, ..Default::default() };
            let open: Vec<_> = store
                .list_slips(&f)
                .await
                .map_err(crate::api::internal)?
                .into_iter()
                .filter(|s| s.state.awaits_reply())
                .collect();
            c.inbox_overdue = open.iter().filter(|s| s.overdue(now)).count();
            c.inbox_open = open.len();
        }
        return Ok(c);
    }
    let f =
        |state: SlipState| SlipFilter { sender_unit_id: Some(actor.unit_id), state: Some(state), ..Default::default() };
    if actor.has(Role::Clerk) {
        c.replies_waiting = store.list_slips(&f(SlipState::Replied)).await.map_err(crate::api::internal)?.len();
    }
    if crate::server::authz::acts_as_supervisor(store, actor, actor.unit_id, now).await.map_err(crate::api::internal)? {
        c.awaiting_approval = store
            .list_slips(&f(SlipState::AwaitingApproval))
            .await
            .map_err(crate::api::internal)?
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
    let ctx = crate::api::guard(SlipCompareInput::PATH).await?;
    let actor = ctx.actor()?;
    let (slip, _) = super::imp::load(&ctx, actor, id, &[super::imp::Side::SenderClerk], SlipCompareInput::PATH).await?;
    let form = super::imp::form(&slip)?;
    let business_type = match slip.query_id {
        Some(q) => ctx.state.store.query(q).await.map_err(crate::api::internal)?.map(|q| q.business_type),
        None => None,
    };
    let (case_year, case_word, case_number, case_free) = match &form.case_number {
        crate::domain::CaseNumber::Structured { year, word, number } => {
            (year.to_string(), word.clone(), number.clone(), String::new())
        }
        crate::domain::CaseNumber::FreeForm(s) => (String::new(), String::new(), String::new(), s.clone()),
    };
    let draft =
        ctx.trail(TrailAction::LiaisonCompareAgain).object("liaison_slip", id).subject(slip.national_id.clone());
    ctx.state.store.append_trail(draft).await.map_err(crate::api::internal)?;
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
