//! Audits (七(二)): the monthly internal audit by the unit's own auditor and the external team's
//! quarterly office audit, both on 附件二 with a drawn sample; the half-yearly vendor audit on
//! 附件三; the external schedule; referrals of a 不符 to the Ethics Office (七(三)) and vendors'
//! follow-ups. Answers are saved one by one as they are given, until the auditor signs.
//!
//! Who may do what (checked here; the policy only lets the roles in): the auditor edits and
//! signs their box; the audited person, their unit's supervisor (or delegate) and the auditing
//! unit's supervisor sign theirs once the auditor has; the audited unit's supervisors and
//! internal auditors read; administrators, external auditors and the Ethics Office read all.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::register::ExportFile;
use super::ApiError;
use crate::domain::audit::{AnswerResult, AuditKind, DueState, FollowupKind, FollowupStatus, Part, Slot};
use crate::domain::forms::internal_audit::AnswerInput;
use crate::domain::forms::vendor_audit::VendorAnswerInput;
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditSummary {
    pub id: i64,
    pub kind: AuditKind,
    pub period: String,
    pub period_label: String,
    /// The audited unit, or the vendor.
    pub target: String,
    pub auditor: String,
    pub audited_on: String,
    /// open | submitted | completed | withdrawn
    pub state: String,
}

/// One external audit the schedule expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRow {
    pub kind: AuditKind,
    /// A land office's or 土地開發總隊's unit id; 0 for the vendor.
    pub unit_id: i64,
    pub target: String,
    pub period: String,
    pub period_label: String,
    /// The period's last day (ROC).
    pub due_on: String,
    pub state: DueState,
    pub audit_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditsOverview {
    pub audits: Vec<AuditSummary>,
    /// The caller may open an internal audit of their own unit (with these people to audit).
    pub can_internal: bool,
    pub own_unit: String,
    pub people: Vec<(i64, String)>,
    /// The caller may open external audits (of these units).
    pub can_external: bool,
    pub offices: Vec<(i64, String)>,
    /// Accounts of every office, for the external auditor's choice of the audited person.
    pub office_people: Vec<(i64, i64, String)>,
    pub schedule: Vec<ScheduleRow>,
    /// Audits waiting for the caller's signature.
    pub to_sign: Vec<AuditSummary>,
    /// Suggested periods: last month, this quarter, this half-year.
    pub default_month: String,
    pub default_quarter: String,
    pub default_half: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleUser {
    pub id: i64,
    pub name: String,
    pub employee_no: String,
    pub roles: String,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleLookup {
    pub id: i64,
    pub queried_at: DateTime<Utc>,
    pub operator: String,
    pub business_type: String,
    pub case_number: String,
    pub national_id_masked: String,
    pub after_hours: bool,
    pub decision: Option<crate::domain::Decision>,
    pub printed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerView {
    pub part: Part,
    pub item: String,
    pub sample: i64,
    pub result: AnswerResult,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotView {
    pub slot: Slot,
    /// Who is to sign (blank: the unit's supervisor or delegate).
    pub expected: String,
    pub signed_by: Option<String>,
    pub signed_at: Option<DateTime<Utc>>,
    pub signature: Option<String>,
    pub can_sign: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowupView {
    pub id: i64,
    pub audit_id: i64,
    pub kind: FollowupKind,
    pub part: Part,
    pub item: String,
    pub sample: i64,
    pub description: String,
    pub due_on: Option<String>,
    pub overdue: bool,
    pub status: FollowupStatus,
    pub created_at: DateTime<Utc>,
    /// (time, who, status, note)
    pub history: Vec<(DateTime<Utc>, String, String, String)>,
    pub can_update: bool,
    /// Where it came from: `period_label target`.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousAudit {
    pub id: i64,
    pub period_label: String,
    pub result: String,
    pub recommendations: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub id: i64,
    pub kind: AuditKind,
    pub period: String,
    pub period_label: String,
    pub target: String,
    pub auditing_unit: String,
    pub auditor: String,
    pub audited: String,
    pub audited_on: String,
    pub seed: String,
    pub lookups: i64,
    pub users: i64,
    pub account_changes: i64,
    pub last_review: Option<String>,
    pub previous: Option<PreviousAudit>,
    pub previous_followup: String,
    pub result: String,
    pub recommendations: String,
    pub sample_users: Vec<SampleUser>,
    pub sample_lookups: Vec<SampleLookup>,
    pub answers: Vec<AnswerView>,
    pub slots: Vec<SlotView>,
    pub followups: Vec<FollowupView>,
    /// The caller is the auditor and has not signed: answers may be given.
    pub editable: bool,
    pub is_auditor: bool,
    pub submitted: bool,
    pub completed: bool,
    /// Drawing again with the recorded seed gives the same sample.
    pub sample_verified: bool,
    /// What is still unanswered before the auditor can sign.
    pub missing: usize,
    /// Withdrawn to draw the sample again: when (ROC) and why. Nothing more is given on it.
    pub withdrawn: Option<(String, String)>,
    /// The caller is the auditor, has not signed and it is not withdrawn.
    pub can_withdraw: bool,
}

#[cfg(feature = "ssr")]
pub(crate) mod imp {
    use super::*;
    use crate::api::Ctx;
    use crate::domain::audit::{due_state, periods_since, Period};
    use crate::domain::{roc_datetime, RocDate, Role, UnitKind};
    use crate::server::{
        auth::Actor,
        authz::acts_as_supervisor,
        reviews::taipei_date,
        store::{AuditFilter, AuditFormRecord, FollowupRecord, StoreError},
    };

    pub const BUREAU: [Role; 3] = [Role::Admin, Role::ExternalAuditor, Role::Ethics];

    pub fn bureau_wide(actor: &Actor) -> bool {
        BUREAU.iter().any(|r| actor.has(*r))
    }

    /// May the caller read this audit?
    pub async fn can_read(ctx: &Ctx, actor: &Actor, a: &AuditFormRecord) -> Result<bool, ApiError> {
        if bureau_wide(actor) || a.auditor_id == actor.account_id || a.audited_id == Some(actor.account_id) {
            return Ok(true);
        }
        let now = Utc::now();
        let store = &ctx.state.store;
        if let Some(unit) = a.unit_id {
            if actor.has(Role::InternalAuditor) && actor.unit_id == unit {
                return Ok(true);
            }
            if acts_as_supervisor(store, actor, unit, now).await.map_err(crate::api::internal)? {
                return Ok(true);
            }
        }
        acts_as_supervisor(store, actor, a.auditing_unit_id, now).await.map_err(crate::api::internal)
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
            return Err(ApiError::Invalid("此稽核已撤回重新抽樣，紀錄不能再修改".into()));
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

    pub fn state_of(a: &AuditFormRecord) -> &'static str {
        if a.withdrawn_at.is_some() {
            "withdrawn"
        } else if a.completed_at.is_some() {
            "completed"
        } else if a.submitted_at.is_some() {
            "submitted"
        } else {
            "open"
        }
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
            state: state_of(a).into(),
        })
    }

    /// Which boxes the caller may sign now.
    pub async fn may_sign(ctx: &Ctx, actor: &Actor, a: &AuditFormRecord, slot: Slot) -> Result<bool, ApiError> {
        let now = Utc::now();
        let store = &ctx.state.store;
        let me = actor.account_id;
        let submitted = a.submitted_at.is_some();
        Ok(match slot {
            Slot::Auditor => me == a.auditor_id && !submitted,
            Slot::Vendor => me == a.auditor_id && a.kind == AuditKind::Vendor,
            Slot::Audited => submitted && a.audited_id == Some(me),
            Slot::AuditedSupervisor => {
                submitted
                    && me != a.auditor_id
                    && a.audited_id != Some(me)
                    && match a.unit_id {
                        Some(u) => acts_as_supervisor(store, actor, u, now).await.map_err(crate::api::internal)?,
                        None => false,
                    }
            }
            Slot::AuditorSupervisor => {
                submitted
                    && me != a.auditor_id
                    && acts_as_supervisor(store, actor, a.auditing_unit_id, now).await.map_err(crate::api::internal)?
            }
        })
    }

    /// How many answers the form still needs before the auditor signs (and the result text).
    pub fn missing(kind: AuditKind, samples: &[(Part, i64)], answers: &[AnswerView], a: &AuditFormRecord) -> usize {
        let ids = |part: Part| samples.iter().filter(|(p, _)| *p == part).map(|(_, id)| *id).collect::<Vec<_>>();
        let unanswered = crate::domain::audit::required_answers(kind, &ids(Part::Users), &ids(Part::Queries))
            .into_iter()
            .filter(|(p, i, s)| !answers.iter().any(|x| x.part == *p && x.item == *i && x.sample == *s))
            .count();
        unanswered + usize::from(a.result.trim().is_empty())
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
}

/// The audits the caller may see, with what they may open and (external team) the schedule.
#[server(prefix = "/api", endpoint = "audits/list")]
pub async fn audits_page() -> Result<AuditsOverview, ApiError> {
    use crate::domain::audit::Period;
    use crate::domain::{Role, UnitKind};
    use crate::server::store::AuditFilter;
    let ctx = super::guard(AuditsPage::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let bureau = imp::bureau_wide(actor);
    let filter = AuditFilter { kind: None, unit_id: if bureau { None } else { Some(actor.unit_id) } };
    let mut audits = Vec::new();
    let mut to_sign = Vec::new();
    for a in store.list_audits(&filter).await.map_err(super::internal)? {
        if !imp::can_read(&ctx, actor, &a).await? {
            continue;
        }
        let summary = imp::summary(&ctx, &a).await?;
        if a.submitted_at.is_some() && a.completed_at.is_none() {
            let signed = store.audit_signoffs(a.id).await.map_err(super::internal)?;
            let kind = a.kind;
            for slot in kind.slots() {
                if !signed.iter().any(|s| s.slot == *slot)
                    && *slot != Slot::Vendor
                    && imp::may_sign(&ctx, actor, &a, *slot).await?
                {
                    to_sign.push(summary.clone());
                    break;
                }
            }
        }
        audits.push(summary);
    }
    let accounts = store.list_accounts().await.map_err(super::internal)?;
    let units = store.list_units().await.map_err(super::internal)?;
    let can_internal = actor.has(Role::InternalAuditor);
    let people = accounts
        .iter()
        .filter(|a| can_internal && a.unit_id == actor.unit_id && a.id != actor.account_id && !a.disabled)
        .map(|a| (a.id, format!("{} {}", a.name, a.employee_no)))
        .collect();
    let can_external = actor.has(Role::ExternalAuditor);
    let offices: Vec<(i64, String)> = units
        .iter()
        .filter(|u| can_external && u.active && matches!(u.kind, UnitKind::LandOffice | UnitKind::Agency))
        .map(|u| (u.id, u.name_zh.clone()))
        .collect();
    let office_people = accounts
        .iter()
        .filter(|a| !a.disabled && offices.iter().any(|(id, _)| *id == a.unit_id))
        .map(|a| (a.unit_id, a.id, format!("{} {}", a.name, a.employee_no)))
        .collect();
    let schedule = if can_external || actor.has(Role::Admin) { imp::schedule(&ctx).await? } else { Vec::new() };
    let own_unit = imp::unit_name(&ctx, Some(actor.unit_id)).await;
    Ok(AuditsOverview {
        audits,
        can_internal,
        own_unit,
        people,
        can_external,
        offices,
        office_people,
        schedule,
        to_sign,
        default_month: Period::of(AuditKind::Internal, now).prev().to_string(),
        default_quarter: Period::of(AuditKind::Office, now).to_string(),
        default_half: Period::of(AuditKind::Vendor, now).to_string(),
    })
}

/// Open an audit: `kind` internal (own unit, `period` a month) | office (`unit`, a quarter) |
/// vendor (`vendor`, a half-year). The sample is drawn now with a fresh, recorded seed.
#[server(prefix = "/api", endpoint = "audits/create")]
pub async fn create_audit(
    kind: String,
    period: String,
    unit: i64,
    audited: i64,
    vendor: String,
) -> Result<i64, ApiError> {
    use crate::domain::audit::Period;
    use crate::domain::{Role, UnitKind};
    use crate::server::audits::{fresh_seed, open, Opening};
    use crate::server::reviews::taipei_date;
    let ctx = super::guard(CreateAudit::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let kind = AuditKind::parse(kind.trim()).ok_or_else(|| ApiError::Invalid("請選擇稽核類別".into()))?;
    let period = Period::parse(&period).map_err(ApiError::Invalid)?;
    if !period.kind_fits(kind) {
        return Err(ApiError::Invalid(match kind {
            AuditKind::Internal => "內部稽核以月為期".into(),
            AuditKind::Office => "所隊外部稽核以季為期".into(),
            AuditKind::Vendor => "委外廠商稽核以半年為期".into(),
        }));
    }
    if period.start() > now {
        return Err(ApiError::Invalid("不能稽核尚未開始的期間".into()));
    }
    let allowed = match kind {
        AuditKind::Internal => actor.has(Role::InternalAuditor),
        AuditKind::Office | AuditKind::Vendor => actor.has(Role::ExternalAuditor),
    };
    if !allowed {
        return Err(imp::refuse(&ctx, actor, CreateAudit::PATH).await);
    }
    let (unit_id, vendor, audited_id) = match kind {
        AuditKind::Internal | AuditKind::Office => {
            let unit_id = if kind == AuditKind::Internal { actor.unit_id } else { unit };
            let u = store.unit(unit_id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
            if kind == AuditKind::Office && !matches!(u.kind, UnitKind::LandOffice | UnitKind::Agency) {
                return Err(ApiError::Invalid("外部稽核對象須為地政事務所或土地開發總隊".into()));
            }
            let person = store.account(audited).await.map_err(super::internal)?;
            match person {
                Some(p) if p.unit_id == unit_id && p.id != actor.account_id && !p.disabled => {}
                _ => return Err(ApiError::Invalid("請選擇受稽核單位的受稽核人（不得為稽核人本人）".into())),
            }
            (Some(unit_id), None, Some(audited))
        }
        AuditKind::Vendor => {
            let v = vendor.trim().to_string();
            if v.is_empty() || v.chars().count() > 100 || v.chars().any(char::is_control) {
                return Err(ApiError::Invalid("請填寫受稽核廠商名稱（100 字以內）".into()));
            }
            (None, Some(v), None)
        }
    };
    let opening = Opening {
        kind,
        period,
        unit_id,
        vendor,
        auditing_unit_id: actor.unit_id,
        auditor_id: actor.account_id,
        audited_id,
        audited_on: taipei_date(now),
        seed: fresh_seed(),
        now,
    };
    open(store, opening, ctx.trail(TrailAction::AuditOpen)).await.map_err(|e| match e {
        crate::server::store::StoreError::Duplicate("audit") => {
            ApiError::Invalid("此期間已有同一受稽核對象的稽核；如需重新抽樣，請先在該稽核撤銷並說明理由".into())
        }
        e => imp::store_err(e),
    })
}

/// The audit as the form shows it (sampled look-ups with the national ID masked).
#[server(prefix = "/api", endpoint = "audits/get")]
pub async fn get_audit(id: i64) -> Result<AuditView, ApiError> {
    use crate::domain::audit::Period;
    let ctx = super::guard(GetAudit::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let a = imp::load(&ctx, id).await?;
    if !imp::can_read(&ctx, actor, &a).await? {
        return Err(imp::refuse(&ctx, actor, GetAudit::PATH).await);
    }
    let kind = a.kind;
    let period = Period::parse(&a.period).map_err(super::internal)?;
    let samples = store.audit_samples(id).await.map_err(super::internal)?;
    let mut sample_users = Vec::new();
    let mut sample_lookups = Vec::new();
    if let Some(unit) = a.unit_id {
        for (_, ref_id) in samples.iter().filter(|(p, _)| *p == Part::Users) {
            if let Some(acc) = store.account(*ref_id).await.map_err(super::internal)? {
                sample_users.push(SampleUser {
                    id: acc.id,
                    name: acc.name.clone(),
                    employee_no: acc.employee_no.clone(),
                    roles: acc.roles.iter().map(|r| r.zh()).collect::<Vec<_>>().join("、"),
                    disabled: acc.disabled,
                });
            }
        }
        let wanted: Vec<i64> = samples.iter().filter(|(p, _)| *p == Part::Queries).map(|(_, id)| *id).collect();
        if !wanted.is_empty() {
            let printed = store.printed_lookups(unit, period.start(), period.end()).await.map_err(super::internal)?;
            for l in store.query_lines(unit, period.start(), period.end()).await.map_err(super::internal)? {
                if wanted.contains(&l.query_id) {
                    sample_lookups.push(SampleLookup {
                        id: l.query_id,
                        queried_at: l.queried_at,
                        operator: format!("{} {}", l.operator_name, l.operator_no),
                        business_type: l.business_type.clone(),
                        case_number: l.case_number.clone(),
                        national_id_masked: crate::domain::NationalId::mask_stored(&l.national_id),
                        after_hours: l.after_hours,
                        decision: l.decision,
                        printed: printed.contains(&l.query_id),
                    });
                }
            }
        }
    }
    let answers = imp::answers(&ctx, id).await?;
    let signoffs = store.audit_signoffs(id).await.map_err(super::internal)?;
    let mut slots = Vec::new();
    for slot in kind.slots() {
        let s = signoffs.iter().find(|s| s.slot == *slot);
        let expected = match slot {
            Slot::Auditor => imp::name_of(&ctx, Some(a.auditor_id)).await,
            Slot::Audited => imp::name_of(&ctx, a.audited_id).await,
            _ => String::new(),
        };
        slots.push(SlotView {
            slot: *slot,
            expected,
            signed_by: s.map(|s| s.name.clone()),
            signed_at: s.map(|s| s.signed_at),
            signature: s.and_then(|s| s.signature.clone()),
            can_sign: s.is_none() && imp::may_sign(&ctx, actor, &a, *slot).await?,
        });
    }
    let mut followups = Vec::new();
    for f in store.list_followups(None, Some(id)).await.map_err(super::internal)? {
        followups.push(imp::followup_view(&ctx, actor, &f, false).await?);
    }
    let previous = match a.previous_id {
        Some(p) => store.audit(p).await.map_err(super::internal)?.map(|p| PreviousAudit {
            id: p.id,
            period_label: imp::period_label(&p.period),
            result: p.result,
            recommendations: p.recommendations,
        }),
        None => None,
    };
    // anyone can draw the same sample again from the log with the recorded seed
    let sample_verified = match a.unit_id {
        Some(unit) => {
            let d = crate::server::audits::redraw(store, unit, period, a.auditor_id, a.seed as u64, a.created_at)
                .await
                .map_err(super::internal)?;
            let mut mine: Vec<(Part, i64)> = d.accounts.iter().map(|i| (Part::Users, *i)).collect();
            mine.extend(d.queries.iter().map(|i| (Part::Queries, *i)));
            let mut stored = samples.clone();
            stored.sort();
            mine.sort();
            stored == mine
        }
        None => true,
    };
    let missing = imp::missing(kind, &samples, &answers, &a);
    let draft = ctx.trail(TrailAction::AuditView).object("audit", id).details(serde_json::json!({
        "sampled_lookups": sample_lookups.iter().map(|l| l.id).collect::<Vec<_>>(),
    }));
    store.append_trail(draft).await.map_err(super::internal)?;
    let is_auditor = a.auditor_id == actor.account_id;
    Ok(AuditView {
        id,
        kind,
        period: a.period.clone(),
        period_label: period.roc(),
        target: imp::target(&ctx, &a).await,
        auditing_unit: imp::unit_name(&ctx, Some(a.auditing_unit_id)).await,
        auditor: imp::name_of(&ctx, Some(a.auditor_id)).await,
        audited: imp::name_of(&ctx, a.audited_id).await,
        audited_on: imp::roc(a.audited_on),
        seed: (a.seed as u64).to_string(),
        lookups: a.lookups,
        users: a.users,
        account_changes: a.account_changes,
        last_review: a.last_review_at.map(|t| imp::roc(crate::server::reviews::taipei_date(t))),
        previous,
        previous_followup: a.previous_followup.clone(),
        result: a.result.clone(),
        recommendations: a.recommendations.clone(),
        sample_users,
        sample_lookups,
        answers,
        slots,
        followups,
        editable: is_auditor && a.submitted_at.is_none() && a.withdrawn_at.is_none(),
        can_withdraw: is_auditor && a.submitted_at.is_none() && a.withdrawn_at.is_none(),
        withdrawn: a.withdrawn_at.map(|t| (imp::roc_time(t), a.withdrawn_reason.clone().unwrap_or_default())),
        is_auditor,
        submitted: a.submitted_at.is_some(),
        completed: a.completed_at.is_some(),
        sample_verified,
        missing,
    })
}

/// Save one 附件二 answer as given (the auditor, until they sign). Only sampled items.
#[server(prefix = "/api", endpoint = "audits/answer", input = Json)]
pub async fn save_answer(id: i64, input: AnswerInput) -> Result<(), ApiError> {
    use crate::server::store::AnswerRecord;
    let ctx = super::guard(SaveAnswer::PATH).await?;
    let actor = ctx.actor()?;
    let a = imp::load_for_auditor(&ctx, actor, id, SaveAnswer::PATH).await?;
    if a.kind == AuditKind::Vendor {
        return Err(ApiError::Invalid("委外廠商稽核請依附件三填寫".into()));
    }
    let ans = input.parse().map_err(crate::api::invalid_fields)?;
    if ans.part != Part::Retention {
        let samples = ctx.state.store.audit_samples(id).await.map_err(super::internal)?;
        if !samples.iter().any(|(p, s)| *p == ans.part && *s == ans.sample) {
            return Err(ApiError::Invalid("此項目不在抽查樣本內".into()));
        }
    }
    let rec = AnswerRecord {
        part: ans.part,
        item: ans.item.to_string(),
        sample: ans.sample,
        result: if ans.conforms { AnswerResult::Conforms } else { AnswerResult::DoesNotConform },
        note: ans.note,
        answered_by: actor.account_id,
        answered_at: Utc::now(),
    };
    let draft = ctx.trail(TrailAction::AuditAnswer).details(serde_json::json!({
        "part": rec.part, "item": rec.item, "sample": rec.sample, "result": rec.result,
    }));
    ctx.state.store.save_answer(id, &rec, draft).await.map_err(imp::store_err)
}

/// Save one 附件三 answer as given (the auditor, until they sign).
#[server(prefix = "/api", endpoint = "audits/vendor-answer", input = Json)]
pub async fn save_vendor_answer(id: i64, input: VendorAnswerInput) -> Result<(), ApiError> {
    use crate::server::store::AnswerRecord;
    let ctx = super::guard(SaveVendorAnswer::PATH).await?;
    let actor = ctx.actor()?;
    let a = imp::load_for_auditor(&ctx, actor, id, SaveVendorAnswer::PATH).await?;
    if a.kind != AuditKind::Vendor {
        return Err(ApiError::Invalid("此稽核依附件二填寫".into()));
    }
    let ans = input.parse().map_err(crate::api::invalid_fields)?;
    let rec = AnswerRecord {
        part: Part::Vendor,
        item: ans.item.clone(),
        sample: 0,
        result: ans.result,
        note: ans.finding,
        answered_by: actor.account_id,
        answered_at: Utc::now(),
    };
    let draft =
        ctx.trail(TrailAction::AuditAnswer).details(serde_json::json!({ "item": rec.item, "result": rec.result }));
    ctx.state.store.save_answer(id, &rec, draft).await.map_err(imp::store_err)
}

/// Save a free-text field: `previous_followup` (上次稽核之改善或建議辦理情形), `result`
/// (稽核結果), `recommendations` (建議事項).
#[server(prefix = "/api", endpoint = "audits/text", input = Json)]
pub async fn save_audit_text(id: i64, field: String, text: String) -> Result<(), ApiError> {
    use crate::server::store::AuditText;
    let ctx = super::guard(SaveAuditText::PATH).await?;
    let actor = ctx.actor()?;
    imp::load_for_auditor(&ctx, actor, id, SaveAuditText::PATH).await?;
    let field = match field.as_str() {
        "previous_followup" => AuditText::PreviousFollowup,
        "result" => AuditText::Result,
        "recommendations" => AuditText::Recommendations,
        _ => return Err(ApiError::Invalid("沒有這個欄位".into())),
    };
    let text = text.trim();
    if text.chars().count() > 2000 || text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err(ApiError::Invalid("內容最多 2000 字".into()));
    }
    let draft = ctx.trail(TrailAction::AuditText).details(serde_json::json!({ "field": format!("{field:?}") }));
    ctx.state.store.save_audit_text(id, field, text, draft).await.map_err(imp::store_err)
}

/// Sign one box. The auditor signs first, once every item is answered (the answers freeze);
/// then the audited person and the two supervisors. A vendor's representative signs on the
/// auditor's tablet: `name` and the drawn `signature` (PNG data URL).
#[server(prefix = "/api", endpoint = "audits/sign", input = Json)]
pub async fn sign_audit(id: i64, slot: String, name: String, signature: String) -> Result<(), ApiError> {
    use crate::domain::audit::VENDOR_FOLLOWUP_DAYS;
    use crate::server::store::{NewFollowup, NewSignoff};
    let ctx = super::guard(SignAudit::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let a = imp::load(&ctx, id).await?;
    let kind = a.kind;
    let slot = Slot::parse(&slot)
        .filter(|s| kind.slots().contains(s))
        .ok_or_else(|| ApiError::Invalid("沒有這個簽章欄".into()))?;
    // a party to the record is told why a box is not theirs yet; anyone else is refused
    let party = imp::can_read(&ctx, actor, &a).await?;
    let signed = store.audit_signoffs(id).await.map_err(super::internal)?;
    if party && signed.iter().any(|s| s.slot == slot) {
        return Err(ApiError::Invalid("此欄已簽章".into()));
    }
    if !party || !imp::may_sign(&ctx, actor, &a, slot).await? {
        if party && a.submitted_at.is_none() && slot != Slot::Auditor {
            return Err(ApiError::Invalid("請待稽核人簽章後再簽".into()));
        }
        return Err(imp::refuse(&ctx, actor, SignAudit::PATH).await);
    }
    let samples = store.audit_samples(id).await.map_err(super::internal)?;
    let answers = imp::answers(&ctx, id).await?;
    let missing = imp::missing(kind, &samples, &answers, &a);
    if matches!(slot, Slot::Auditor | Slot::Vendor) && missing > 0 {
        return Err(ApiError::Invalid(format!("尚有 {missing} 個項目未填寫（含稽核結果），請完成後再簽章")));
    }
    let (signer, signature) = match slot {
        Slot::Vendor => {
            let n = name.trim().to_string();
            if n.is_empty() || n.chars().count() > 50 || n.chars().any(char::is_control) {
                return Err(ApiError::Invalid("請填寫廠商代表姓名".into()));
            }
            let sig = signature.trim();
            let png = sig.strip_prefix("data:image/png;base64,").unwrap_or("");
            use base64::Engine;
            let ok = !png.is_empty()
                && png.len() < 400_000
                && base64::engine::general_purpose::STANDARD
                    .decode(png)
                    .is_ok_and(|b| b.starts_with(b"\x89PNG\r\n\x1a\n"));
            if !ok {
                return Err(ApiError::Invalid("請廠商代表於簽名區簽名".into()));
            }
            (n, Some(sig.to_string()))
        }
        _ => (format!("{} {}", actor.name, actor.employee_no), None),
    };
    // the auditor's signature turns each 不符合 of a vendor audit into a follow-up
    let followups = if slot == Slot::Auditor && kind == AuditKind::Vendor {
        answers
            .iter()
            .filter(|x| x.result == AnswerResult::DoesNotConform)
            .map(|x| NewFollowup {
                audit_id: id,
                kind: FollowupKind::Vendor,
                part: x.part,
                item: x.item.clone(),
                sample: 0,
                description: x.note.clone(),
                due_on: Some(a.audited_on + chrono::Duration::days(VENDOR_FOLLOWUP_DAYS)),
                created_by: actor.account_id,
                now,
            })
            .collect()
    } else {
        Vec::new()
    };
    let sign = NewSignoff {
        slot,
        account_id: (slot != Slot::Vendor).then_some(actor.account_id),
        name: signer,
        signature,
        now,
        submits: slot == Slot::Auditor,
        followups,
        boxes: kind.slots().len(),
    };
    let draft = ctx.trail(TrailAction::AuditSign).details(serde_json::json!({ "slot": slot.code() }));
    store.sign_audit(id, &sign, draft).await.map_err(imp::store_err)
}

/// Refer a 不符 to the Ethics Office (七(三)): the auditor, on an answer that does not conform.
#[server(prefix = "/api", endpoint = "audits/refer", input = Json)]
pub async fn refer_to_ethics(
    id: i64,
    part: String,
    item: String,
    sample: i64,
    description: String,
) -> Result<i64, ApiError> {
    use crate::server::store::NewFollowup;
    let ctx = super::guard(ReferToEthics::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let a = imp::load(&ctx, id).await?;
    if a.auditor_id != actor.account_id {
        return Err(imp::refuse(&ctx, actor, ReferToEthics::PATH).await);
    }
    let answers = store.audit_answers(id).await.map_err(super::internal)?;
    let part = Part::parse(&part);
    let Some(ans) = answers.iter().find(|x| Some(x.part) == part && x.item == item && x.sample == sample) else {
        return Err(ApiError::Invalid("只有勾選「不符」的項目可以移送政風室".into()));
    };
    if ans.result != AnswerResult::DoesNotConform {
        return Err(ApiError::Invalid("只有勾選「不符」的項目可以移送政風室".into()));
    }
    let d = description.trim();
    let description = if d.is_empty() { ans.note.clone().unwrap_or_default() } else { d.to_string() };
    if description.is_empty() || description.chars().count() > 1000 {
        return Err(ApiError::Invalid("請說明移送事由（1000 字以內）".into()));
    }
    let new = NewFollowup {
        audit_id: id,
        kind: FollowupKind::Ethics,
        part: ans.part,
        item,
        sample,
        description,
        due_on: None,
        created_by: actor.account_id,
        now: Utc::now(),
    };
    store.add_followup(&new, ctx.trail(TrailAction::AuditRefer)).await.map_err(imp::store_err)
}

/// Follow-ups: the Ethics Office's referrals, the vendors' findings (`kind` ethics | vendor | all).
#[server(prefix = "/api", endpoint = "audits/followups")]
pub async fn list_followups(kind: String) -> Result<Vec<FollowupView>, ApiError> {
    use crate::domain::Role;
    let ctx = super::guard(ListFollowups::PATH).await?;
    let actor = ctx.actor()?;
    let kind = FollowupKind::parse(&kind);
    // the Ethics Office sees its referrals; the external team and administrators see all
    let kind =
        if actor.has(Role::ExternalAuditor) || actor.has(Role::Admin) { kind } else { Some(FollowupKind::Ethics) };
    let mut out = Vec::new();
    for f in ctx.state.store.list_followups(kind, None).await.map_err(super::internal)? {
        out.push(imp::followup_view(&ctx, actor, &f, true).await?);
    }
    ctx.state.store.append_trail(ctx.trail(TrailAction::AuditFollowups)).await.map_err(super::internal)?;
    Ok(out)
}

/// Move a follow-up on (in progress, closed) with a note: the Ethics Office for referrals, the
/// external team for vendors' findings.
#[server(prefix = "/api", endpoint = "audits/followup-update", input = Json)]
pub async fn update_followup(id: i64, status: String, note: String) -> Result<(), ApiError> {
    let ctx = super::guard(UpdateFollowup::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let f = store.followup(id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
    if !crate::server::audits::may_move_followup(actor, f.kind) {
        return Err(imp::refuse(&ctx, actor, UpdateFollowup::PATH).await);
    }
    let status = FollowupStatus::parse(&status)
        .filter(|s| *s != FollowupStatus::Open)
        .ok_or_else(|| ApiError::Invalid("請選擇處理狀態".into()))?;
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 1000 {
        return Err(ApiError::Invalid("請填寫處理情形（1000 字以內）".into()));
    }
    let draft = ctx.trail(TrailAction::AuditFollowup).details(serde_json::json!({ "status": status.code() }));
    store.update_followup(id, status, note, actor.account_id, Utc::now(), draft).await.map_err(imp::store_err)
}

/// The record as an XLSX workbook for inspection by 民政局: the form and the sampled items.
#[server(prefix = "/api", endpoint = "audits/export")]
pub async fn export_audit(id: i64) -> Result<ExportFile, ApiError> {
    use base64::Engine;
    let v = get_audit(id).await?;
    let ctx = super::guard(ExportAudit::PATH).await?;
    let bytes = crate::api::audits::xlsx::workbook(&v).map_err(super::internal)?;
    let draft = ctx.trail(TrailAction::AuditExport).object("audit", id);
    ctx.state.store.append_trail(draft).await.map_err(super::internal)?;
    Ok(ExportFile {
        filename: format!("稽核紀錄表-{}-{}.xlsx", v.target, v.period),
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
        b64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

#[cfg(feature = "ssr")]
mod xlsx {
    use super::*;
    use crate::domain::forms::internal_audit::{QUERY_ITEMS, RETENTION_ITEM, USER_ITEMS};
    use crate::domain::forms::vendor_audit::{item_code, VENDOR_SECTIONS};
    use rust_xlsxwriter::{Format, Workbook, XlsxError};

    fn result_zh(r: AnswerResult) -> &'static str {
        match r {
            AnswerResult::Conforms => "符合",
            AnswerResult::DoesNotConform => "不符",
            AnswerResult::NotApplicable => "不適用",
        }
    }

    pub fn workbook(v: &AuditView) -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = book.add_worksheet();
        sheet.set_name("稽核紀錄表")?;
        let mut r = 0u32;
        let mut line = |sheet: &mut rust_xlsxwriter::Worksheet, cells: &[String], b: bool| -> Result<(), XlsxError> {
            for (c, v) in cells.iter().enumerate() {
                if b {
                    sheet.write_string_with_format(r, c as u16, v, &bold)?;
                } else {
                    sheet.write_string(r, c as u16, crate::server::export::cell(v))?;
                }
            }
            r += 1;
            Ok(())
        };
        let title = match v.kind {
            AuditKind::Vendor => "軟體委外廠商資訊安全稽核紀錄表",
            _ => "印鑑比對系統稽核紀錄表",
        };
        line(sheet, &[title.into()], true)?;
        line(sheet, &["稽核單位".into(), v.auditing_unit.clone(), "受稽核單位".into(), v.target.clone()], false)?;
        line(sheet, &["稽核期間".into(), v.period_label.clone(), "稽核日期".into(), v.audited_on.clone()], false)?;
        line(sheet, &["抽樣種子".into(), v.seed.clone(), "查詢總數".into(), v.lookups.to_string()], false)?;
        let count = |part: Part, item: usize, res: AnswerResult| {
            v.answers.iter().filter(|a| a.part == part && a.item == item.to_string() && a.result == res).count()
        };
        if v.kind == AuditKind::Vendor {
            line(sheet, &["項目".into(), "稽核項目".into(), "稽核結果".into(), "稽核情形".into()], true)?;
            for (s, (section, items)) in VENDOR_SECTIONS.iter().enumerate() {
                line(sheet, &[format!("{}、{section}", s + 1)], true)?;
                for (i, text) in items.iter().enumerate() {
                    let code = item_code(s, i);
                    let a = v.answers.iter().find(|a| a.part == Part::Vendor && a.item == code);
                    line(
                        sheet,
                        &[
                            code.clone(),
                            text.to_string(),
                            a.map(|a| result_zh(a.result).to_string()).unwrap_or_default(),
                            a.map(|a| a.note.clone()).unwrap_or_default(),
                        ],
                        false,
                    )?;
                }
            }
        } else {
            line(sheet, &["使用者（抽查比率 50%）".into(), "抽查數量".into(), "符合".into(), "不符".into()], true)?;
            for (i, text) in USER_ITEMS.iter().enumerate() {
                let extra = match i {
                    1 => format!("（異動：{} 人）", v.account_changes),
                    2 => format!("（前次盤點日期：{}）", v.last_review.clone().unwrap_or_else(|| "無".into())),
                    _ => String::new(),
                };
                let (y, n) =
                    if i < 2 { (count(Part::Users, i, AnswerResult::Conforms), count(Part::Users, i, AnswerResult::DoesNotConform)) } else { (0, 0) };
                line(
                    sheet,
                    &[format!("{text}{extra}"), v.sample_users.len().to_string(), y.to_string(), n.to_string()],
                    false,
                )?;
            }
            line(
                sheet,
                &["查詢紀錄（抽查比率 每月比對總數之1%）".into(), "抽查數量".into(), "符合".into(), "不符".into()],
                true,
            )?;
            for (i, text) in QUERY_ITEMS.iter().enumerate() {
                line(
                    sheet,
                    &[
                        text.to_string(),
                        v.sample_lookups.len().to_string(),
                        count(Part::Queries, i, AnswerResult::Conforms).to_string(),
                        count(Part::Queries, i, AnswerResult::DoesNotConform).to_string(),
                    ],
                    false,
                )?;
            }
            let kept = v.answers.iter().find(|a| a.part == Part::Retention).map(|a| result_zh(a.result)).unwrap_or("");
            line(sheet, &[RETENTION_ITEM.into(), kept.into()], false)?;
            let prev = v
                .previous
                .as_ref()
                .map(|p| format!("{}：{}", p.period_label, p.result))
                .unwrap_or_else(|| "（無）".into());
            line(sheet, &["上次稽核結果".into(), prev], false)?;
            line(sheet, &["改善或建議辦理情形".into(), v.previous_followup.clone()], false)?;
        }
        line(sheet, &["稽核結果".into(), v.result.clone()], false)?;
        line(sheet, &["建議事項".into(), v.recommendations.clone()], false)?;
        for s in &v.slots {
            line(
                sheet,
                &[
                    s.slot.zh().into(),
                    s.signed_by.clone().unwrap_or_default(),
                    s.signed_at.map(imp::roc_time).unwrap_or_default(),
                ],
                false,
            )?;
        }
        sheet.set_column_width(0, 60)?;
        sheet.set_column_width(1, 24)?;
        if v.kind != AuditKind::Vendor {
            let detail = book.add_worksheet();
            detail.set_name("抽查明細")?;
            let heads = ["類別", "樣本", "說明", "項目", "結果", "說明（不符）"];
            for (c, h) in heads.iter().enumerate() {
                detail.write_string_with_format(0, c as u16, *h, &bold)?;
            }
            for (r, a) in (1u32..).zip(v.answers.iter().filter(|a| a.part != Part::Retention)) {
                let what = if a.part == Part::Users {
                    v.sample_users.iter().find(|u| u.id == a.sample).map(|u| format!("{} {}", u.name, u.employee_no))
                } else {
                    v.sample_lookups.iter().find(|l| l.id == a.sample).map(|l| {
                        format!(
                            "{} {} {} {}",
                            imp::roc_time(l.queried_at),
                            l.operator,
                            l.case_number,
                            l.national_id_masked
                        )
                    })
                };
                let cells = [
                    if a.part == Part::Users { "使用者" } else { "查詢紀錄" }.to_string(),
                    a.sample.to_string(),
                    what.unwrap_or_default(),
                    (a.item.parse::<usize>().unwrap_or(0) + 1).to_string(),
                    result_zh(a.result).to_string(),
                    a.note.clone(),
                ];
                for (c, v) in cells.iter().enumerate() {
                    detail.write_string(r, c as u16, crate::server::export::cell(v))?;
                }
            }
            detail.autofit();
        }
        book.save_to_buffer()
    }
}

/// Withdraw an audit not yet signed by its auditor, to draw its sample again: the auditor only,
/// with a reason (kept on the record and in the trail).
#[server(prefix = "/api", endpoint = "audits/withdraw")]
pub async fn withdraw_audit(id: i64, reason: String) -> Result<(), ApiError> {
    let ctx = super::guard(WithdrawAudit::PATH).await?;
    let actor = ctx.actor()?;
    let a = ctx.state.store.audit(id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
    if a.auditor_id != actor.account_id {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, WithdrawAudit::PATH, "not_auditor").await;
        return Err(ApiError::Forbidden);
    }
    let reason = reason.trim().to_string();
    if reason.chars().count() < 4 || reason.chars().count() > 500 {
        return Err(ApiError::Invalid("請說明重新抽樣的理由（4 至 500 字）".into()));
    }
    let draft = ctx.trail(TrailAction::AuditWithdraw).details(serde_json::json!({ "reason": reason }));
    ctx.state.store.withdraw_audit(id, &reason, Utc::now(), draft).await.map_err(imp::store_err)
}
