//! The sending unit's side: the form (pre-filled from one of the clerk's own look-ups), drafting,
//! sending (after the section chief's approval when required), cancelling before the office opens
//! it, closing after reading the reply.

use chrono::Utc;

use super::{due, load, note, offices, registered_on, sending_unit, settle, step, step_failure, unit, Outcome, Side};
use crate::domain::forms::liaison_slip::{LiaisonSlipInput, SubjectKind};
use crate::domain::liaison::{LiaisonError, SlipFormData};
use crate::domain::{taipei_offset, RocDate, UnitKind};
use crate::server::caller::{problem, Caller, Failure};
use crate::server::state::AppState;
use crate::server::store::{NewSlip, SlipState, SlipStep};
use crate::server::trail::TrailAction;

/// The form's data, pre-filled from one of the caller's own queries when there is one (another
/// clerk's query is refused). The read of the person's full ID is written to the trail.
pub async fn form_data(
    state: &AppState,
    caller: &Caller,
    query_id: Option<i64>,
    endpoint: &str,
) -> Outcome<SlipFormData> {
    let actor = &caller.actor;
    let sender = sending_unit(state, caller, endpoint).await?;
    let store = &state.store;
    let today = Utc::now().with_timezone(&taipei_offset()).date_naive();
    let mut input = LiaisonSlipInput {
        contact_date: RocDate::from_gregorian(today).map(|d| d.short()).unwrap_or_default(),
        sender_phone: sender.phone.clone(),
        sender_fax: sender.fax.clone(),
        handler: actor.name.clone(),
        ..Default::default()
    };
    let offices = offices(state).await?;
    let mut from_query = None;
    if let Some(query_id) = query_id {
        let q = store.query(query_id).await?.ok_or(Failure::NotFound)?;
        if q.operator_id != actor.account_id {
            return Err(caller.deny(state, endpoint, "not_own_query").await);
        }
        let version = match q.seal_version_id {
            Some(v) => store.seal_version(v).await?,
            None => None,
        };
        let person = store.person(q.national_id.as_str()).await?;
        if let Some(v) = &version {
            input.office = unit(state, v.office_unit_id).await?.code;
            input.seal_date = registered_on(v)?.map(|d| d.short()).unwrap_or_default();
            input.subject = if v.unclear {
                SubjectKind::Unclear.code().into()
            } else if v.registered_on.is_none() {
                SubjectKind::DateMismatch.code().into()
            } else {
                String::new()
            };
        }
        input.case_number = q.case_number.clone();
        input.person_name = q.person_name.clone().or(person.map(|p| p.name)).unwrap_or_default();
        input.national_id = q.national_id.as_str().to_string();
        let draft = caller
            .trail(TrailAction::LiaisonPrefill)
            .object("seal_query", q.id)
            .case(q.case_number.clone())
            .subject(q.national_id.clone());
        store.append_trail(draft).await?;
        from_query = Some(q.id);
    }
    Ok(SlipFormData {
        input,
        query_id: from_query,
        offices,
        sender_is_land_office: sender.kind == UnitKind::LandOffice,
        sender_name: sender.name_zh,
        approval_required: state.liaison.approval_required,
    })
}

/// Write a new slip (a draft: nothing leaves the unit yet); its id. A slip made from a look-up
/// must be of the caller's own look-up, for the same person.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: &LiaisonSlipInput,
    query_id: Option<i64>,
    endpoint: &str,
) -> Outcome<i64> {
    let actor = &caller.actor;
    sending_unit(state, caller, endpoint).await?;
    if let Some(q) = query_id {
        let q = state.store.query(q).await?.ok_or(Failure::NotFound)?;
        if q.operator_id != actor.account_id {
            return Err(caller.deny(state, endpoint, "not_own_query").await);
        }
        if input.national_id.trim().to_ascii_uppercase() != q.national_id.as_str() {
            return problem(LiaisonError::IdNotAsQuery);
        }
    }
    let (form, office) = settle(state, input, query_id, actor.account_id).await?;
    let new = NewSlip {
        sender_unit_id: actor.unit_id,
        office_unit_id: office.id,
        created_by: actor.account_id,
        query_id,
        national_id: form.national_id.as_str().to_string(),
        case_number: form.case_number.to_string(),
        subject: form.subject.kind().code().to_string(),
        form_json: serde_json::to_string(&form).map_err(Failure::internal)?,
        now: Utc::now(),
    };
    let draft = caller
        .trail(TrailAction::LiaisonCreated)
        .details(serde_json::json!({ "office": office.code, "subject": new.subject }))
        .subject(new.national_id.clone())
        .case(new.case_number.clone());
    state.store.create_slip(&new, draft).await.map_err(step_failure)
}

/// Change a draft (the sending unit's clerks).
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: &LiaisonSlipInput,
    endpoint: &str,
) -> Outcome<()> {
    let (slip, _) = load(state, caller, id, &[Side::SenderClerk], endpoint).await?;
    // the registry's date only while the slip still names the person its query looked up
    let (form, office) = settle(state, input, slip.query_id, slip.created_by).await?;
    let edit = SlipStep::Edit {
        office_unit_id: office.id,
        national_id: form.national_id.as_str().to_string(),
        case_number: form.case_number.to_string(),
        subject: form.subject.kind().code().to_string(),
        form_json: serde_json::to_string(&form).map_err(Failure::internal)?,
    };
    step(state, caller, &slip, edit, "").await
}

/// Send a draft: straight to the office, or to the section chief first when approval is required.
pub async fn send(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<()> {
    let (slip, _) = load(state, caller, id, &[Side::SenderClerk], endpoint).await?;
    let next = if state.liaison.approval_required {
        SlipStep::Submit
    } else {
        SlipStep::Send { due_at: due(state, Utc::now()).await? }
    };
    step(state, caller, &slip, next, "").await
}

/// The section chief approves (the slip goes out) or returns it to the draft with a reason; never
/// a slip of their own.
pub async fn approve(
    state: &AppState,
    caller: &Caller,
    id: i64,
    approve: bool,
    note_text: &str,
    endpoint: &str,
) -> Outcome<()> {
    let (slip, _) = load(state, caller, id, &[Side::Chief], endpoint).await?;
    if slip.created_by == caller.actor.account_id {
        return problem(LiaisonError::OwnSlip);
    }
    let note = note(note_text)?;
    let next = if approve {
        SlipStep::Approve { due_at: due(state, Utc::now()).await? }
    } else {
        if note.is_empty() {
            return problem(LiaisonError::ReturnNeedsReason);
        }
        SlipStep::Return
    };
    step(state, caller, &slip, next, &note).await
}

/// Cancel a slip the office has not yet opened.
pub async fn cancel(state: &AppState, caller: &Caller, id: i64, note_text: &str, endpoint: &str) -> Outcome<()> {
    let (slip, _) = load(state, caller, id, &[Side::SenderClerk], endpoint).await?;
    let note = note(note_text)?;
    if matches!(slip.state, SlipState::Received | SlipState::Replied) {
        return problem(LiaisonError::AlreadyReceived);
    }
    step(state, caller, &slip, SlipStep::Cancel, &note).await
}

/// Close a replied slip after reading the reply.
pub async fn close(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<()> {
    let (slip, _) = load(state, caller, id, &[Side::SenderClerk], endpoint).await?;
    step(state, caller, &slip, SlipStep::Close, "").await
}
