//! 與戶政機關聯繫單 (附件一) online, the use cases: a land office or bureau section writes the slip
//! (from a comparison or from scratch) and sends it (after the section chief's approval when that
//! is required; `sending`), the addressed household registration office opens and answers it — a
//! rebuilt impression uploaded in the same step becomes the person's new registered version
//! (`slip`) — and the sender closes it after reading; the lists, their export and the badges'
//! counts (`lists`). Every use case takes the [`Caller`], decides which side of the slip it is
//! on (a refusal is written to the trail), writes its trail rows, and answers a typed result or a
//! [`LiaisonError`] — never a sentence.
//!
//! The rules that need no HTTP and no caller live here too: which side of a slip an account is
//! on, and when a slip may carry anything of the seal registry.

mod lists;
mod sending;
mod slip;

pub use lists::{compare_input, counts, export, list};
pub use sending::{approve, cancel, close, create, form_data, send, update};
pub use slip::{open, reply};

use chrono::{DateTime, Utc};

use super::auth::Actor;
use super::authz::acts_as_supervisor;
use super::caller::{problem, Caller, Failure};
use super::state::AppState;
use super::store::{DynStore, QueryRecord, SealVersionRecord, SlipRecord, SlipStep, StoreError, StoreResult};
use crate::domain::forms::liaison_slip::{LiaisonSlipForm, LiaisonSlipInput, Subject};
use crate::domain::forms::FieldError;
use crate::domain::liaison::{LiaisonError, OfficeRef, SlipRow, NOTE_MAX};
use crate::domain::{RocDate, Role, UnitKind, UnitView};

type Outcome<T> = Result<T, Failure<LiaisonError>>;

/// How an account stands to a slip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A clerk of the sending unit.
    SenderClerk,
    /// The sending unit's chief (supervisor or delegate), who is not one of its clerks.
    Chief,
    /// The addressed office.
    Office,
}

/// The caller's side for this slip, or `None`. An office sees a slip only once it was sent.
pub async fn side(store: &DynStore, actor: &Actor, slip: &SlipRecord, now: DateTime<Utc>) -> StoreResult<Option<Side>> {
    if actor.unit_id == slip.sender_unit_id && actor.has(Role::Clerk) {
        return Ok(Some(Side::SenderClerk));
    }
    if acts_as_supervisor(store, actor, slip.sender_unit_id, now).await? {
        return Ok(Some(Side::Chief));
    }
    let sent = slip.sent_at.is_some();
    if actor.unit_id == slip.office_unit_id && actor.has(Role::HouseholdOffice) && slip.state.visible_to_office(sent) {
        return Ok(Some(Side::Office));
    }
    Ok(None)
}

/// A slip may show the sending side anything of the seal registry (the registered date, a
/// corrected date, a rebuilt version) only when it refers to a logged query of its writer for
/// the same national ID: that look-up is what the query log, the monthly report and the audit
/// sample see. Without one, the slip carries only what the clerk typed. `None`: no such query.
pub async fn registry_query(
    store: &DynStore,
    writer: i64,
    query_id: Option<i64>,
    national_id: &str,
) -> StoreResult<Option<QueryRecord>> {
    let Some(id) = query_id else { return Ok(None) };
    Ok(store.query(id).await?.filter(|q| q.operator_id == writer && q.national_id.as_str() == national_id))
}

/// Whether the slip's sending side may see registry data on it (see [`registry_query`]).
pub async fn registry_visible(store: &DynStore, slip: &SlipRecord) -> StoreResult<bool> {
    Ok(registry_query(store, slip.created_by, slip.query_id, &slip.national_id).await?.is_some())
}

/// A step that found the slip moved on is the caller's to know; one that found no slip, not found.
fn step_failure(e: StoreError) -> Failure<LiaisonError> {
    match e {
        StoreError::Stale(_) => Failure::Problem(LiaisonError::Stale),
        StoreError::NotFound(_) => Failure::NotFound,
        e => e.into(),
    }
}

/// A form's field errors, as the form's parser words them.
fn fields(errors: Vec<FieldError>) -> Failure<LiaisonError> {
    Failure::Problem(LiaisonError::Form { errors })
}

async fn unit(state: &AppState, id: i64) -> Outcome<UnitView> {
    state.store.unit(id).await?.ok_or_else(|| Failure::internal(format!("unit {id}: not found")))
}

/// Land offices, bureau sections and the agency send slips; household offices do not.
async fn sending_unit(state: &AppState, caller: &Caller, endpoint: &str) -> Outcome<UnitView> {
    let u = unit(state, caller.actor.unit_id).await?;
    if u.kind == UnitKind::HouseholdOffice {
        return Err(caller.deny(state, endpoint, "office_cannot_send").await);
    }
    Ok(u)
}

async fn offices(state: &AppState) -> Outcome<Vec<OfficeRef>> {
    let units = state.store.list_units().await?;
    Ok(units
        .into_iter()
        .filter(|u| u.kind == UnitKind::HouseholdOffice && u.active)
        .map(|u| OfficeRef { code: u.code, name: u.name_zh, phone: u.phone, fax: u.fax })
        .collect())
}

/// The slip, if the caller is on one of the allowed sides (else a refusal in the trail).
async fn load(
    state: &AppState,
    caller: &Caller,
    id: i64,
    allowed: &[Side],
    endpoint: &str,
) -> Outcome<(SlipRecord, Side)> {
    let slip = state.store.slip(id).await?.ok_or(Failure::NotFound)?;
    match side(&state.store, &caller.actor, &slip, Utc::now()).await? {
        Some(s) if allowed.contains(&s) => Ok((slip, s)),
        _ => Err(caller.deny(state, endpoint, "not_party_to_slip").await),
    }
}

/// The slip's form as stored (a row that does not decode is an error naming it).
fn form(slip: &SlipRecord) -> Outcome<LiaisonSlipForm> {
    serde_json::from_str(&slip.form).map_err(|e| Failure::internal(format!("liaison_slip {}: form: {e}", slip.id)))
}

fn row(slip: &SlipRecord, units: &[UnitView]) -> Outcome<SlipRow> {
    let f = form(slip)?;
    let name = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name_zh.clone())
            .ok_or_else(|| Failure::internal(format!("liaison_slip {}: unit {id} not found", slip.id)))
    };
    Ok(SlipRow {
        id: slip.id,
        state: slip.state,
        subject: f.subject.kind(),
        case_number: slip.case_number.clone(),
        person_name: f.person_name.clone(),
        national_id_masked: f.national_id.masked(),
        office_name: name(slip.office_unit_id)?,
        sender_name: name(slip.sender_unit_id)?,
        created_at: slip.created_at,
        sent_at: slip.sent_at,
        due_at: slip.due_at,
        replied_at: slip.replied_at,
        overdue: slip.overdue(Utc::now()),
    })
}

/// Check the form against the reference data: the office exists; the seal system's date
/// is taken from the registry (the clerk cannot type another) — but only when the slip refers to
/// its writer's own logged query of the same national ID (see [`registry_query`]); otherwise the
/// slip carries only what the clerk typed, and no answer tells anything of the registry.
async fn settle(
    state: &AppState,
    input: &LiaisonSlipInput,
    query: Option<i64>,
    writer: i64,
) -> Outcome<(LiaisonSlipForm, UnitView)> {
    let mut form = input.parse().map_err(fields)?;
    let office = state
        .store
        .unit_by_code(&form.office)
        .await?
        .filter(|u| u.kind == UnitKind::HouseholdOffice && u.active)
        .ok_or(Failure::Problem(LiaisonError::NotAnOffice))?;
    let registry = registry_query(&state.store, writer, query, form.national_id.as_str()).await?;
    if let Subject::DateMismatch { household, seal } = &mut form.subject {
        *seal = None;
        if let Some(q) = &registry {
            // the date of the version that query showed
            let v = match q.seal_version_id {
                Some(v) => state.store.seal_version(v).await?,
                None => None,
            };
            *seal = match &v {
                Some(v) => registered_on(v)?,
                None => None,
            };
        }
        if registry.is_some() && *seal == Some(*household) {
            return problem(LiaisonError::SameDates { date: *household });
        }
    }
    Ok((form, office))
}

/// A registered version's date as an ROC date (`None`: none recorded); a stored date that is no
/// ROC date is an error naming the row.
fn registered_on(v: &SealVersionRecord) -> Outcome<Option<RocDate>> {
    v.registered_on
        .map(|d| {
            RocDate::from_gregorian(d)
                .map_err(|e| Failure::internal(format!("seal_version {}: registered_on {d}: {e:?}", v.id)))
        })
        .transpose()
}

/// The reply deadline of a slip sent `now`: the configured working days on the calendar.
async fn due(state: &AppState, now: DateTime<Utc>) -> Outcome<DateTime<Utc>> {
    let cal = super::comparisons::calendar(&state.store).await?;
    Ok(cal.working_deadline(now, state.liaison.reply_days))
}

/// Run one step with its trail row (which names the person) and its timeline row.
async fn step(state: &AppState, caller: &Caller, slip: &SlipRecord, step: SlipStep, note: &str) -> Outcome<()> {
    let draft = caller
        .trail(step.trail_action())
        .details(serde_json::json!({
            "from": slip.state,
            "to": step.to_state(),
        }))
        .subject(slip.national_id.clone())
        .case(slip.case_number.clone());
    state.store.slip_step(slip.id, &step, caller.actor.account_id, note, Utc::now(), draft).await.map_err(step_failure)
}

/// A step's note: trimmed, at most [`NOTE_MAX`] characters, no control characters but newlines.
fn note(text: &str) -> Outcome<String> {
    let t = text.trim();
    if t.chars().count() > NOTE_MAX || t.chars().any(|c| c.is_control() && c != '\n') {
        return problem(LiaisonError::NoteTooLong);
    }
    Ok(t.to_string())
}
