//! The lists: slips by filter and their export, what waits for the caller, and a replied slip's
//! data for a new comparison.

use chrono::{DateTime, TimeZone, Utc};

use super::{load, row, unit, Outcome, Side};
use crate::domain::liaison::{
    LiaisonError, ListFilter, SlipCounts, SlipRow, EXPORT_HEADERS, EXPORT_OVERDUE, EXPORT_TITLE,
};
use crate::domain::register::ExportFile;
use crate::domain::{roc_datetime, taipei_offset, BusinessType, CaseNumber, QueryInput, RocDate, Role, UnitKind};
use crate::server::authz::acts_as_supervisor;
use crate::server::caller::{Caller, Failure};
use crate::server::state::AppState;
use crate::server::store::{SlipFilter, SlipState};
use crate::server::trail::TrailAction;

/// The rows the caller may list: the office's inbox (slips sent to it), or the sending unit's
/// slips (its clerks and its chief). Anyone on neither side is refused (and recorded).
async fn rows(state: &AppState, caller: &Caller, f: &ListFilter, endpoint: &str) -> Outcome<Vec<SlipRow>> {
    let actor = &caller.actor;
    let unit = unit(state, actor.unit_id).await?;
    let wanted = match f.state.trim() {
        "" => None,
        s => Some(SlipState::parse(s).ok_or(Failure::Problem(LiaisonError::UnknownState))?),
    };
    let mut filter = SlipFilter {
        state: wanted,
        case_number: (!f.case_number.trim().is_empty()).then(|| f.case_number.trim().to_string()),
        from: day_start(&f.from)?,
        to: day_start(&f.to)?.map(|d| d + chrono::Duration::days(1)),
        ..Default::default()
    };
    if unit.kind == UnitKind::HouseholdOffice {
        if !actor.has(Role::HouseholdOffice) {
            return Err(caller.deny(state, endpoint, "not_party_to_slips").await);
        }
        filter.office_unit_id = Some(actor.unit_id);
        filter.sent_only = true;
    } else {
        let chief = acts_as_supervisor(&state.store, actor, actor.unit_id, Utc::now()).await?;
        if !(actor.has(Role::Clerk) || chief) {
            return Err(caller.deny(state, endpoint, "not_party_to_slips").await);
        }
        filter.sender_unit_id = Some(actor.unit_id);
        if !f.office.is_empty() {
            let o = state.store.unit_by_code(&f.office).await?;
            // an office that does not exist lists nothing
            filter.office_unit_id = Some(o.map_or(-1, |u| u.id));
        }
    }
    let slips = state.store.list_slips(&filter).await?;
    let units = state.store.list_units().await?;
    slips.iter().map(|s| row(s, &units)).collect()
}

/// The start of an ROC day in Taipei (`None` for a blank filter).
fn day_start(s: &str) -> Outcome<Option<DateTime<Utc>>> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let d = RocDate::parse(s).map_err(|error| Failure::Problem(LiaisonError::Date { error }))?.gregorian();
    let local = d.and_hms_opt(0, 0, 0).ok_or_else(|| Failure::internal(format!("no midnight on {d}")))?;
    Ok(taipei_offset().from_local_datetime(&local).single().map(|t| t.with_timezone(&Utc)))
}

/// The slips the caller may see; the read is written to the trail.
pub async fn list(state: &AppState, caller: &Caller, filter: &ListFilter, endpoint: &str) -> Outcome<Vec<SlipRow>> {
    let rows = rows(state, caller, filter, endpoint).await?;
    let draft = caller
        .trail(TrailAction::LiaisonList)
        .details(serde_json::json!({ "count": rows.len(), "state": filter.state }));
    state.store.append_trail(draft).await?;
    Ok(rows)
}

/// The same list as a CSV file (UTF-8 with a BOM; IDs masked); written to the trail.
pub async fn export(state: &AppState, caller: &Caller, filter: &ListFilter, endpoint: &str) -> Outcome<ExportFile> {
    use base64::Engine;
    let rows = rows(state, caller, filter, endpoint).await?;
    let bytes = csv(&rows).map_err(Failure::internal)?;
    let draft =
        caller.trail(TrailAction::LiaisonExport).details(serde_json::json!({ "count": rows.len(), "format": "csv" }));
    state.store.append_trail(draft).await?;
    let stamp = Utc::now().with_timezone(&taipei_offset()).format("%Y%m%d");
    Ok(ExportFile {
        filename: format!("{EXPORT_TITLE}-{stamp}.csv"),
        media_type: "text/csv; charset=utf-8".into(),
        b64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

fn csv(rows: &[SlipRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(EXPORT_HEADERS)?;
        let t = |d: Option<DateTime<Utc>>| d.map(roc_datetime).unwrap_or_default();
        for r in rows {
            w.write_record(crate::server::export::row([
                r.id.to_string(),
                r.state.zh().to_string(),
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
                if r.overdue { EXPORT_OVERDUE.into() } else { String::new() },
            ]))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// Counts for the badges: the office's open and overdue slips, the sending clerks' replies
/// waiting, the chief's slips awaiting approval (not their own). No personal data: not recorded.
pub async fn counts(state: &AppState, caller: &Caller) -> Outcome<SlipCounts> {
    let actor = &caller.actor;
    let unit = unit(state, actor.unit_id).await?;
    let store = &state.store;
    let mut c = SlipCounts::default();
    let now = Utc::now();
    if unit.kind == UnitKind::HouseholdOffice {
        if actor.has(Role::HouseholdOffice) {
            let f = SlipFilter { office_unit_id: Some(actor.unit_id), sent_only: true, ..Default::default() };
            let open: Vec<_> = store.list_slips(&f).await?.into_iter().filter(|s| s.state.awaits_reply()).collect();
            c.inbox_overdue = open.iter().filter(|s| s.overdue(now)).count();
            c.inbox_open = open.len();
        }
        return Ok(c);
    }
    let f =
        |state: SlipState| SlipFilter { sender_unit_id: Some(actor.unit_id), state: Some(state), ..Default::default() };
    if actor.has(Role::Clerk) {
        c.replies_waiting = store.list_slips(&f(SlipState::Replied)).await?.len();
    }
    if acts_as_supervisor(store, actor, actor.unit_id, now).await? {
        c.awaiting_approval = store
            .list_slips(&f(SlipState::AwaitingApproval))
            .await?
            .into_iter()
            .filter(|s| s.created_by != actor.account_id)
            .count();
    }
    Ok(c)
}

/// The query form for comparing again against the version a reply created: case, ID and name
/// as on the slip (the business type of the slip's look-up, else land registration). The clerk
/// then files the query as usual (it is recorded like any other); this read is recorded too.
pub async fn compare_input(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<QueryInput> {
    let (slip, _) = load(state, caller, id, &[Side::SenderClerk], endpoint).await?;
    let form = super::form(&slip)?;
    let business_type = match slip.query_id {
        Some(q) => state.store.query(q).await?.map(|q| q.business_type),
        None => None,
    };
    let (case_year, case_word, case_number, case_free) = match &form.case_number {
        CaseNumber::Structured { year, word, number } => {
            (year.to_string(), word.clone(), number.clone(), String::new())
        }
        CaseNumber::FreeForm(s) => (String::new(), String::new(), String::new(), s.clone()),
    };
    let draft =
        caller.trail(TrailAction::LiaisonCompareAgain).object("liaison_slip", id).subject(slip.national_id.clone());
    state.store.append_trail(draft).await?;
    Ok(QueryInput {
        business_type: business_type.unwrap_or(BusinessType::LandRegistration).code().into(),
        case_year,
        case_word,
        case_number,
        case_free,
        national_id: form.national_id.as_str().to_string(),
        person_name: form.person_name,
    })
}
