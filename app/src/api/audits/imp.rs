//! What the audit endpoints share on the server: loading a record for its reader or auditor,
//! the store's errors as the form's messages, and the views built from records.

use super::*;
use crate::api::Ctx;
use crate::domain::audit::{due_state, periods_since, Period};
use crate::domain::{roc_datetime, RocDate, UnitKind};
use crate::server::{
    auth::Actor,
    reviews::taipei_date,
    store::{AuditFilter, AuditFormRecord, FollowupRecord, StoreError},
};

/// May the caller read this audit? (see [`crate::server::audits::may_read`])
pub async fn can_read(ctx: &Ctx, actor: &Actor, a: &AuditFormRecord) -> Result<bool, ApiError> {
    crate::server::audits::may_read(&ctx.state.store, actor, a, Utc::now()).await.map_err(crate::api::internal)
}

pub async fn refuse(ctx: &Ctx, actor: &Actor, path: &str) -> ApiError {
    crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "not_audit_party").await;
    ApiError::Forbidden
}

pub async fn load(ctx: &Ctx, id: i64) -> Result<AuditFormRecord, ApiError> {
    ctx.state.store.audit(id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)
}

/// Load for the auditor's own edits (answers, texts): refused to anyone else.
pub async fn load_for_auditor(ctx: &Ctx, actor: &Actor, id: i64, path: &str) -> Result<AuditFormRecord, ApiError> {
    let a = load(ctx, id).await?;
    if a.auditor_id != actor.account_id {
        return Err(refuse(ctx, actor, path).await);
    }
    if a.submitted_at.is_some() {
        return Err(ApiError::Invalid("稽核人已簽章，紀錄不能再修改".into()));
    }
    if a.withdrawn_at.is_some() {
        return Err(ApiError::Invalid("此稽核已撤銷，紀錄不能再修改".into()));
    }
    Ok(a)
}

pub fn store_err(e: StoreError) -> ApiError {
    match e {
        StoreError::Stale(_) => ApiError::Invalid("紀錄已簽章或已變更，請重新整理後再試".into()),
        StoreError::Duplicate("sign-off") => ApiError::Invalid("此欄已簽章".into()),
        StoreError::Duplicate(_) => ApiError::Invalid("已移送，請勿重複".into()),
        StoreError::NotFound(_) => ApiError::NotFound,
        e => crate::api::internal(e),
    }
}

pub async fn name_of(ctx: &Ctx, id: Option<i64>) -> String {
    ctx.account_label(id).await.unwrap_or_default()
}

pub async fn unit_name(ctx: &Ctx, id: Option<i64>) -> String {
    match id {
        Some(id) => ctx.state.store.unit(id).await.ok().flatten().map(|u| u.name_zh).unwrap_or_default(),
        None => String::new(),
    }
}

pub fn period_label(p: &str) -> String {
    Period::parse(p).map(|p| p.roc()).unwrap_or_else(|_| p.to_string())
}

pub fn roc(d: chrono::NaiveDate) -> String {
    RocDate::from_gregorian(d).map(|r| r.short()).unwrap_or_else(|_| d.to_string())
}

pub async fn target(ctx: &Ctx, a: &AuditFormRecord) -> String {
    match (&a.vendor, a.unit_id) {
        (Some(v), _) => v.clone(),
        (None, u) => unit_name(ctx, u).await,
    }
}

pub async fn summary(ctx: &Ctx, a: &AuditFormRecord) -> Result<AuditSummary, ApiError> {
    Ok(AuditSummary {
        id: a.id,
        kind: a.kind,
        period: a.period.clone(),
        period_label: period_label(&a.period),
        target: target(ctx, a).await,
        auditor: name_of(ctx, Some(a.auditor_id)).await,
        audited_on: roc(a.audited_on),
        state: AuditState::from_marks(a.withdrawn_at.is_some(), a.completed_at.is_some(), a.submitted_at.is_some()),
    })
}

/// May the caller sign this box now? (see [`crate::server::audits::may_sign`])
pub async fn may_sign(ctx: &Ctx, actor: &Actor, a: &AuditFormRecord, slot: Slot) -> Result<bool, ApiError> {
    crate::server::audits::may_sign(&ctx.state.store, actor, a, slot, Utc::now()).await.map_err(crate::api::internal)
}

/// How many answers the form still needs before the auditor signs (see
/// [`crate::server::audits::missing`]).
pub fn missing(kind: AuditKind, samples: &[(Part, i64)], answers: &[AnswerView], a: &AuditFormRecord) -> usize {
    let given: Vec<(Part, &str, i64)> = answers.iter().map(|x| (x.part, x.item.as_str(), x.sample)).collect();
    crate::server::audits::missing(kind, samples, &given, &a.result)
}

/// The answers as given.
pub async fn answers(ctx: &Ctx, id: i64) -> Result<Vec<AnswerView>, ApiError> {
    Ok(ctx
        .state
        .store
        .audit_answers(id)
        .await
        .map_err(crate::api::internal)?
        .into_iter()
        .map(|x| AnswerView {
            part: x.part,
            item: x.item,
            sample: x.sample,
            result: x.result,
            note: x.note.unwrap_or_default(),
        })
        .collect())
}

pub async fn followup_view(
    ctx: &Ctx,
    actor: &Actor,
    f: &FollowupRecord,
    with_source: bool,
) -> Result<FollowupView, ApiError> {
    let store = &ctx.state.store;
    let today = taipei_date(Utc::now());
    let mut history = Vec::new();
    for e in store.followup_events(f.id).await.map_err(crate::api::internal)? {
        history.push((e.at, name_of(ctx, e.actor_id).await, e.action, e.note));
    }
    let can_update = f.closed_at.is_none() && crate::server::audits::may_move_followup(actor, f.kind);
    let source = if with_source {
        match store.audit(f.audit_id).await.map_err(crate::api::internal)? {
            Some(a) => format!("{} {}", period_label(&a.period), target(ctx, &a).await),
            None => String::new(),
        }
    } else {
        String::new()
    };
    Ok(FollowupView {
        id: f.id,
        audit_id: f.audit_id,
        kind: f.kind,
        part: f.part,
        item: f.item.clone(),
        sample: f.sample,
        description: f.description.clone(),
        due_on: f.due_on.map(roc),
        overdue: f.closed_at.is_none() && f.due_on.is_some_and(|d| d < today),
        status: f.status,
        created_at: f.created_at,
        history,
        can_update,
        source,
    })
}

/// The external schedule: every land office and 土地開發總隊 each quarter, the vendor each
/// half-year, from the system's first day; only what is not done, and the current period.
pub async fn schedule(ctx: &Ctx) -> Result<Vec<ScheduleRow>, ApiError> {
    let store = &ctx.state.store;
    let now = Utc::now();
    let today = taipei_date(now);
    // from the system's first day: the trail's first row
    let since =
        store.trail_rows(0, 1).await.map_err(crate::api::internal)?.first().map(|e| e.occurred_at).unwrap_or(now);
    let audits = store.list_audits(&AuditFilter::default()).await.map_err(crate::api::internal)?;
    let mut rows = Vec::new();
    let offices: Vec<_> = store
        .list_units()
        .await
        .map_err(crate::api::internal)?
        .into_iter()
        .filter(|u| u.active && matches!(u.kind, UnitKind::LandOffice | UnitKind::Agency))
        .collect();
    let mut targets: Vec<(AuditKind, i64, String)> =
        offices.into_iter().map(|u| (AuditKind::Office, u.id, u.name_zh)).collect();
    targets.push((AuditKind::Vendor, 0, "軟體委外廠商".into()));
    for (kind, unit_id, name) in targets {
        for p in periods_since(kind, since, now) {
            let of: Vec<&AuditFormRecord> = audits
                .iter()
                .filter(|a| a.kind == kind && a.period == p.to_string())
                .filter(|a| kind == AuditKind::Vendor || a.unit_id == Some(unit_id))
                .filter(|a| a.withdrawn_at.is_none())
                .collect();
            let done = of.iter().any(|a| a.submitted_at.is_some());
            let state = due_state(p, !of.is_empty(), done, today);
            if state == DueState::Done && p != Period::of(kind, now) {
                continue;
            }
            rows.push(ScheduleRow {
                kind,
                unit_id,
                target: name.clone(),
                period: p.to_string(),
                period_label: p.roc(),
                due_on: roc(p.last_day()),
                state,
                audit_id: of.first().map(|a| a.id),
            });
        }
    }
    rows.sort_by_key(|r| match r.state {
        DueState::Overdue => 0,
        DueState::Due => 1,
        DueState::InProgress => 2,
        DueState::Done => 3,
    });
    Ok(rows)
}

pub fn roc_time(t: DateTime<Utc>) -> String {
    roc_datetime(t)
}
