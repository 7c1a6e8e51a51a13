//! The audits list (with the external schedule), opening an audit with its drawn sample, and
//! the record as the form shows it.

#[cfg(feature = "ssr")]
use chrono::Utc;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

/// The audits the caller may see, with what they may open and (external team) the schedule.
#[server(prefix = "/api", endpoint = "audits/list")]
pub async fn audits_page() -> Result<AuditsOverview, ApiError> {
    use crate::domain::audit::Period;
    use crate::domain::{Role, UnitKind};
    use crate::server::store::AuditFilter;
    let ctx = crate::api::guard(AuditsPage::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let bureau = crate::server::authz::bureau_wide(actor);
    let filter = AuditFilter { kind: None, unit_id: if bureau { None } else { Some(actor.unit_id) } };
    let mut audits = Vec::new();
    let mut to_sign = Vec::new();
    for a in store.list_audits(&filter).await.map_err(crate::api::internal)? {
        if !super::imp::can_read(&ctx, actor, &a).await? {
            continue;
        }
        let summary = super::imp::summary(&ctx, &a).await?;
        if a.submitted_at.is_some() && a.completed_at.is_none() {
            let signed = store.audit_signoffs(a.id).await.map_err(crate::api::internal)?;
            let kind = a.kind;
            for slot in kind.slots() {
                if !signed.iter().any(|s| s.slot == *slot)
                    && *slot != Slot::Vendor
                    && super::imp::may_sign(&ctx, actor, &a, *slot).await?
                {
                    to_sign.push(summary.clone());
                    break;
                }
            }
        }
        audits.push(summary);
    }
    let accounts = store.list_accounts().await.map_err(crate::api::internal)?;
    let units = store.list_units().await.map_err(crate::api::internal)?;
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
    let schedule = if can_external || actor.has(Role::Admin) { super::imp::schedule(&ctx).await? } else { Vec::new() };
    let own_unit = super::imp::unit_name(&ctx, Some(actor.unit_id)).await;
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
    use crate::server::audits::{open, Opening};
    use crate::server::reviews::taipei_date;
    let ctx = crate::api::guard(CreateAudit::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let kind = AuditKind::parse(kind.trim()).ok_or_else(|| ApiError::Invalid("請選擇稽核類別".into()))?;
    let period = Period::parse(&period).map_err(crate::error::invalid)?;
    if !period.kind_fits(kind) {
        return Err(ApiError::Invalid(
            match kind {
                AuditKind::Internal => "內部稽核以月為期",
                AuditKind::Office => "所隊外部稽核以季為期",
                AuditKind::Vendor => "委外廠商稽核以半年為期",
            }
            .into(),
        ));
    }
    if period.start() > now {
        return Err(ApiError::Invalid("不能稽核尚未開始的期間".into()));
    }
    let allowed = match kind {
        AuditKind::Internal => actor.has(Role::InternalAuditor),
        AuditKind::Office | AuditKind::Vendor => actor.has(Role::ExternalAuditor),
    };
    if !allowed {
        return Err(super::imp::refuse(&ctx, actor, CreateAudit::PATH).await);
    }
    let (unit_id, vendor, audited_id) = match kind {
        AuditKind::Internal | AuditKind::Office => {
            let unit_id = if kind == AuditKind::Internal { actor.unit_id } else { unit };
            let u = store.unit(unit_id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
            if kind == AuditKind::Office && !matches!(u.kind, UnitKind::LandOffice | UnitKind::Agency) {
                return Err(ApiError::Invalid("外部稽核對象須為地政事務所或土地開發總隊".into()));
            }
            let person = store.account(audited).await.map_err(crate::api::internal)?;
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
        now,
    };
    open(store, &ctx.state.trail_key, opening, ctx.trail(TrailAction::AuditOpen)).await.map_err(|e| match e {
        crate::server::store::StoreError::Duplicate("audit") => ApiError::Invalid(
            "此期間已有同一受稽核對象的稽核；如需撤銷，請在該稽核申請撤銷並說明理由，經主管核准".into(),
        ),
        e => super::imp::store_err(e),
    })
}

/// The audit as the form shows it (sampled look-ups with the national ID masked).
#[server(prefix = "/api", endpoint = "audits/get")]
pub async fn get_audit(id: i64) -> Result<AuditView, ApiError> {
    use crate::domain::audit::Period;
    let ctx = crate::api::guard(GetAudit::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let a = super::imp::load(&ctx, id).await?;
    if !super::imp::can_read(&ctx, actor, &a).await? {
        return Err(super::imp::refuse(&ctx, actor, GetAudit::PATH).await);
    }
    let kind = a.kind;
    let period = Period::parse(&a.period).map_err(crate::api::internal)?;
    let samples = store.audit_samples(id).await.map_err(crate::api::internal)?;
    let mut sample_users = Vec::new();
    let mut sample_lookups = Vec::new();
    if let Some(unit) = a.unit_id {
        for (_, ref_id) in samples.iter().filter(|(p, _)| *p == Part::Users) {
            if let Some(acc) = store.account(*ref_id).await.map_err(crate::api::internal)? {
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
            let printed =
                store.printed_lookups(unit, period.start(), period.end()).await.map_err(crate::api::internal)?;
            for l in store.query_lines(unit, period.start(), period.end()).await.map_err(crate::api::internal)? {
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
    let answers = super::imp::answers(&ctx, id).await?;
    let signoffs = store.audit_signoffs(id).await.map_err(crate::api::internal)?;
    let mut slots = Vec::new();
    for slot in kind.slots() {
        let s = signoffs.iter().find(|s| s.slot == *slot);
        let expected = match slot {
            Slot::Auditor => super::imp::name_of(&ctx, Some(a.auditor_id)).await,
            Slot::Audited => super::imp::name_of(&ctx, a.audited_id).await,
            _ => String::new(),
        };
        slots.push(SlotView {
            slot: *slot,
            expected,
            signed_by: s.map(|s| s.name.clone()),
            signed_at: s.map(|s| s.signed_at),
            signature: s.and_then(|s| s.signature.clone()),
            can_sign: s.is_none() && super::imp::may_sign(&ctx, actor, &a, *slot).await?,
        });
    }
    let mut followups = Vec::new();
    for f in store.list_followups(None, Some(id)).await.map_err(crate::api::internal)? {
        followups.push(super::imp::followup_view(&ctx, actor, &f, false).await?);
    }
    let previous = match a.previous_id {
        Some(p) => store.audit(p).await.map_err(crate::api::internal)?.map(|p| PreviousAudit {
            id: p.id,
            period_label: super::imp::period_label(&p.period),
            result: p.result,
            recommendations: p.recommendations,
        }),
        None => None,
    };
    // anyone can draw the same sample again from the log with the recorded seed
    let sample_verified = match a.unit_id {
        Some(unit) => {
            let d = crate::server::audits::redraw(
                store,
                unit,
                period,
                a.auditor_id,
                a.seed as u64,
                a.cutoff(),
                a.sample_method,
            )
            .await
            .map_err(crate::api::internal)?;
            let mut mine: Vec<(Part, i64)> = d.accounts.iter().map(|i| (Part::Users, *i)).collect();
            mine.extend(d.queries.iter().map(|i| (Part::Queries, *i)));
            let mut stored = samples.clone();
            stored.sort();
            mine.sort();
            stored == mine
        }
        None => true,
    };
    let missing = super::imp::missing(kind, &samples, &answers, &a);
    let draft = ctx.trail(TrailAction::AuditView).object("audit", id).details(serde_json::json!({
        "sampled_lookups": sample_lookups.iter().map(|l| l.id).collect::<Vec<_>>(),
    }));
    store.append_trail(draft).await.map_err(crate::api::internal)?;
    let is_auditor = a.auditor_id == actor.account_id;
    Ok(AuditView {
        id,
        kind,
        period: a.period.clone(),
        period_label: period.roc(),
        target: super::imp::target(&ctx, &a).await,
        auditing_unit: super::imp::unit_name(&ctx, Some(a.auditing_unit_id)).await,
        auditor: super::imp::name_of(&ctx, Some(a.auditor_id)).await,
        audited: super::imp::name_of(&ctx, a.audited_id).await,
        audited_on: super::imp::roc(a.audited_on),
        seed: (a.seed as u64).to_string(),
        lookups: a.lookups,
        users: a.users,
        account_changes: a.account_changes,
        last_review: a.last_review_at.map(|t| super::imp::roc(crate::server::reviews::taipei_date(t))),
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
        can_withdraw: is_auditor
            && a.submitted_at.is_none()
            && a.withdrawn_at.is_none()
            && a.withdraw_requested_at.is_none(),
        withdrawn: a.withdrawn_at.map(|t| (super::imp::roc_time(t), a.withdrawn_reason.clone().unwrap_or_default())),
        withdrawn_approved_by: match a.withdrawn_approved_by {
            Some(by) => super::imp::name_of(&ctx, Some(by)).await,
            None => String::new(),
        },
        withdraw_pending: a
            .withdraw_requested_at
            .filter(|_| a.withdrawn_at.is_none())
            .map(|t| (super::imp::roc_time(t), a.withdraw_request_reason.clone().unwrap_or_default())),
        can_decide_withdrawal: a.withdraw_requested_at.is_some()
            && a.withdrawn_at.is_none()
            && crate::server::audits::may_approve_withdrawal(store, actor, &a, Utc::now())
                .await
                .map_err(crate::api::internal)?,
        is_auditor,
        submitted: a.submitted_at.is_some(),
        completed: a.completed_at.is_some(),
        sample_verified,
        missing,
    })
}
