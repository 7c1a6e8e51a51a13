//! 與戶政機關聯繫單 (附件一), prepared from a comparison's query: the printable slip, filled in
//! from the case and the person, for the household registration office that registered the
//! seal. (The online exchange of slips builds on this.)

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::RocDate;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipDraft {
    pub query_id: i64,
    pub contact_date: RocDate,
    /// 收件單位: the registering household registration office.
    pub office_name: String,
    /// 發件單位
    pub sender_name: String,
    /// The sender is a land office (otherwise a bureau section or brigade).
    pub sender_is_land_office: bool,
    pub case_number: String,
    pub handler: String,
    pub person_name: String,
    /// In full: the office must find the person.
    pub national_id: String,
    /// ☐ 印模不清無法比對，請進行印鑑章印模重建
    pub unclear: bool,
    /// ☐ 戶役政資訊系統與印鑑比對系統印登記日期不一致 (or the date is blank)
    pub date_doubtful: bool,
    pub registered_on: Option<RocDate>,
}

/// Prepare the slip from one of the caller's own queries. The read of the full ID is audited.
#[server(prefix = "/api", endpoint = "liaison/draft")]
pub async fn liaison_draft(query_id: i64) -> Result<SlipDraft, ApiError> {
    use crate::domain::UnitKind;
    use crate::server::audit::{AuditDraft, Outcome};
    let ctx = super::guard(LiaisonDraft::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let q = store.query(query_id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
    if q.operator_id != actor.account_id {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, LiaisonDraft::PATH, "not_own_query").await;
        return Err(ApiError::Forbidden);
    }
    let version = match q.seal_version_id {
        Some(v) => store.seal_version(v).await.map_err(super::internal)?,
        None => None,
    };
    let Some(version) = version else {
        return Err(ApiError::Invalid("此查詢沒有登記印鑑，無從聯繫戶政事務所".into()));
    };
    let office =
        store.unit(version.office_unit_id).await.map_err(super::internal)?.map(|u| u.name_zh).unwrap_or_default();
    let sender = store.unit(actor.unit_id).await.map_err(super::internal)?;
    let person = store.person(&q.national_id).await.map_err(super::internal)?;
    let today = chrono::Utc::now().with_timezone(&crate::domain::taipei_offset()).date_naive();
    let mut draft = AuditDraft::new("liaison.draft", Outcome::Success)
        .actor(Some(actor.audit_ref()))
        .ip(ctx.ip_string())
        .object("seal_query", q.id);
    draft.case_number = Some(q.case_number.clone());
    draft.subject_national_id = Some(q.national_id.clone());
    store.append_audit(draft).await.map_err(super::internal)?;
    Ok(SlipDraft {
        query_id: q.id,
        contact_date: RocDate::from_gregorian(today).map_err(super::internal)?,
        office_name: office,
        sender_is_land_office: sender.as_ref().is_some_and(|u| u.kind == UnitKind::LandOffice),
        sender_name: sender.map(|u| u.name_zh).unwrap_or_default(),
        case_number: q.case_number,
        handler: actor.name.clone(),
        person_name: q.person_name.or(person.map(|p| p.name)).unwrap_or_default(),
        national_id: q.national_id,
        unclear: version.unclear,
        date_doubtful: version.registered_on.is_none(),
        registered_on: version.registered_on.and_then(|d| RocDate::from_gregorian(d).ok()),
    })
}
