//! The account manager's hand-over (六(二)): the list handed over, and its acknowledgment by
//! the incoming manager (who must then change the password).

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// Hand-over lists the caller is party to (outgoing, incoming, or manager of the unit; all for
/// administrators), with what the create form needs. Reading them is audited.
#[server(name = GetHandovers, prefix = "/api", endpoint = "accounts/handover/list")]
pub async fn handover_overview() -> Result<HandoverOverview, ApiError> {
    let ctx = crate::api::guard(GetHandovers::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let is_admin = actor.has(Role::Admin);
    let managed = crate::server::reviews::managed_units(store, actor, now).await.map_err(crate::api::internal)?;
    let all = store.list_handovers(None, None).await.map_err(crate::api::internal)?;
    let mut handovers = Vec::new();
    for h in all.iter().filter(|h| {
        is_admin
            || h.outgoing_id == actor.account_id
            || h.incoming_id == actor.account_id
            || managed.iter().any(|m| m.unit_id == h.unit_id)
    }) {
        handovers.push(super::imp::handover_view(&ctx, actor, h).await?);
    }
    let own_unit = if actor.has(Role::AccountManager) {
        store.unit(actor.unit_id).await.map_err(crate::api::internal)?.map(|u| (u.name_zh, u.name_en))
    } else {
        None
    };
    let candidates = if own_unit.is_some() {
        store
            .list_accounts()
            .await
            .map_err(crate::api::internal)?
            .into_iter()
            .filter(|a| a.unit_id == actor.unit_id && !a.disabled && a.id != actor.account_id)
            .map(|a| HandoverCandidate { employee_no: a.employee_no, name: a.name })
            .collect()
    } else {
        Vec::new()
    };
    if !handovers.is_empty() || !candidates.is_empty() {
        let draft = ctx
            .trail(TrailAction::HandoverList)
            .details(serde_json::json!({ "handovers": handovers.len(), "candidates": candidates.len() }));
        store.append_trail(draft).await.map_err(crate::api::internal)?;
    }
    Ok(HandoverOverview {
        handovers,
        own_unit,
        candidates,
        is_admin,
        password_change_pending: store
            .pending_handover_password(actor.account_id)
            .await
            .map_err(crate::api::internal)?
            .is_some(),
    })
}

/// The outgoing account manager (or an administrator, naming the outgoing manager) makes the
/// hand-over list for the incoming account of the same unit. An open list of the unit is
/// superseded by it. Returns the list's id.
#[server(prefix = "/api", endpoint = "accounts/handover/create", input = Json)]
pub async fn create_handover(input: HandoverInput) -> Result<i64, ApiError> {
    use crate::server::{
        reviews::Quarter,
        store::{NewHandover, RequestFilter},
    };
    let ctx = crate::api::guard(CreateHandover::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let unit = match input.unit_code.trim() {
        "" => store.unit(actor.unit_id).await.map_err(crate::api::internal)?,
        code => store.unit_by_code(code).await.map_err(crate::api::internal)?,
    }
    .ok_or_else(|| ApiError::Invalid(format!("沒有這個單位：{}", input.unit_code.trim()).into()))?;
    let find = |emp: String| async move {
        store.account_by_employee_no(emp.trim().to_ascii_uppercase().as_str()).await.map_err(crate::api::internal)
    };
    let outgoing = if actor.has(Role::Admin) && !input.outgoing_employee_no.trim().is_empty() {
        let a = find(input.outgoing_employee_no.clone())
            .await?
            .filter(|a| a.unit_id == unit.id)
            .ok_or_else(|| ApiError::Invalid("移交人須為該單位的帳號".into()))?;
        a.id
    } else {
        // the unit's account manager by role (a deputy does not hand the office over)
        let manager = actor.has(Role::AccountManager) && actor.unit_id == unit.id;
        if !manager && actor.has(Role::Admin) {
            return Err(ApiError::Invalid("請填寫移交人（原通行碼管理者）的員工編號".into()));
        }
        if !manager {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, CreateHandover::PATH, "not_unit_manager").await;
            return Err(ApiError::Forbidden);
        }
        super::imp::require_manager(&ctx, actor, unit.id, CreateHandover::PATH).await?;
        actor.account_id
    };
    let incoming = find(input.incoming_employee_no.clone())
        .await?
        .filter(|a| a.unit_id == unit.id && !a.disabled)
        .ok_or_else(|| ApiError::Invalid("接辦人須為同一單位的有效帳號".into()))?;
    if incoming.id == outgoing {
        return Err(ApiError::Invalid("接辦人不可與移交人相同".into()));
    }
    let mut pending = Vec::new();
    let quarter = Quarter::of_instant(now);
    let reviews = store.list_reviews(Some(unit.id)).await.map_err(crate::api::internal)?;
    match reviews.iter().find(|r| r.quarter == quarter.code()) {
        Some(r) if r.signed_at.is_none() => {
            let open = store
                .review_items(r.id)
                .await
                .map_err(crate::api::internal)?
                .iter()
                .filter(|i| i.decision.is_none())
                .count();
            pending.push(format!("{}帳號權限審查尚未簽核（未標記 {open} 筆）", quarter.zh()));
        }
        None => pending.push(format!("{}帳號權限審查尚未辦理", quarter.zh())),
        Some(_) => {}
    }
    let open_requests: Vec<HandoverRequestLine> = store
        .list_requests(&RequestFilter { unit_id: Some(unit.id), ..Default::default() })
        .await
        .map_err(crate::api::internal)?
        .into_iter()
        .filter(|r| r.state.is_open())
        .map(|r| {
            let user_name = serde_json::from_str::<crate::domain::forms::account_request::AccountRequestForm>(&r.form)
                .map(|f| f.user_name)
                .unwrap_or_default();
            HandoverRequestLine {
                id: r.id,
                kind: r.kind,
                employee_no: r.employee_no.clone(),
                user_name,
                state: r.state,
            }
        })
        .collect();
    pending.extend(super::imp::lines(&input.pending, "待辦事項")?);
    let note = input.note.trim().to_string();
    if note.chars().count() > 500 {
        return Err(ApiError::Invalid("備註最多 500 字".into()));
    }
    let list = HandoverList {
        open_requests,
        last_review: reviews.iter().filter(|r| r.signed_at.is_some()).max_by_key(|r| r.signed_at).map(|r| {
            HandoverReviewLine {
                quarter: r.quarter.clone(),
                quarter_zh: super::imp::quarter_labels(&r.quarter).0,
                signed_at: r.signed_at.unwrap_or_default(),
            }
        }),
        pending,
        documents: super::imp::lines(&input.documents, "保管文件")?,
        note,
    };
    let new = NewHandover {
        unit_id: unit.id,
        outgoing_id: outgoing,
        incoming_id: incoming.id,
        created_by: actor.account_id,
        list_json: serde_json::to_string(&list).map_err(crate::api::internal)?,
        now,
    };
    let draft = ctx.trail(TrailAction::HandoverCreated).details(serde_json::json!({
        "unit_id": unit.id, "outgoing_id": outgoing, "incoming_employee_no": incoming.employee_no,
        "open_requests": list.open_requests.len(), "documents": list.documents.len(),
    }));
    store.create_handover(&new, draft).await.map_err(crate::api::internal)
}

/// The incoming account acknowledges the list (點收). From now on it acts as a manager only
/// after changing its password.
#[server(prefix = "/api", endpoint = "accounts/handover/acknowledge")]
pub async fn acknowledge_handover(id: i64, note: String) -> Result<(), ApiError> {
    use crate::server::store::StoreError;
    let ctx = crate::api::guard(AcknowledgeHandover::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let h = store.handover(id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
    if h.incoming_id != actor.account_id {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, AcknowledgeHandover::PATH, "not_incoming").await;
        return Err(ApiError::Forbidden);
    }
    let note = note.trim().to_string();
    if note.chars().count() > 500 {
        return Err(ApiError::Invalid("備註最多 500 字".into()));
    }
    let draft = ctx
        .trail(TrailAction::HandoverAcknowledged)
        .details(serde_json::json!({ "unit_id": h.unit_id, "outgoing_id": h.outgoing_id }));
    store.acknowledge_handover(id, actor.account_id, &note, Utc::now(), draft).await.map_err(|e| match e {
        StoreError::Stale(_) => ApiError::Invalid("此移交清冊已確認，或已由較新的清冊取代".into()),
        e => crate::api::internal(e),
    })
}
