//! 使用者帳號清冊 (附件四, 八(三)): per unit and bureau-wide — agency, user name, employee
//! number, roles, effective date, cancellation date, status, last sign-in; exported as CSV
//! (UTF-8 with a BOM, so Excel opens it) and XLSX.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::Role;
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRow {
    pub unit_id: i64,
    pub agency: String,
    pub name: String,
    pub employee_no: String,
    pub roles: Vec<Role>,
    /// 生效日期
    pub effective: DateTime<Utc>,
    /// 註銷日期
    pub cancelled: Option<DateTime<Utc>>,
    pub active: bool,
    pub last_login: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    pub rows: Vec<RegisterRow>,
    /// Whether the caller sees every unit (and may filter by unit).
    pub bureau_wide: bool,
    pub units: Vec<(i64, String)>,
    /// 前次盤點日期: each listed unit's last signed quarterly review.
    pub last_reviews: Vec<(String, Option<crate::domain::RocDate>)>,
}

/// A file for the browser to save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFile {
    pub filename: String,
    pub media_type: String,
    pub b64: String,
}

pub const HEADERS: [&str; 8] =
    ["機關名稱", "使用者姓名", "員工編號", "權限", "生效日期", "註銷日期", "狀態", "最後登入"];

#[cfg(feature = "ssr")]
mod imp {
    use super::*;
    use crate::domain::{roc_datetime, RocDate};
    use crate::server::auth::Actor;

    /// Bureau-wide for administrators and external auditors; otherwise the caller's unit, for
    /// its account manager (or deputy), supervisor and internal auditor.
    pub async fn scope(ctx: &crate::api::Ctx, actor: &Actor, path: &str) -> Result<Option<i64>, ApiError> {
        if actor.has(Role::Admin) || actor.has(Role::ExternalAuditor) {
            return Ok(None);
        }
        let now = Utc::now();
        let manager = crate::server::authz::acts_as_manager(&ctx.state.store, actor, actor.unit_id, now)
            .await
            .map_err(crate::api::internal)?;
        if manager || actor.has(Role::Supervisor) || actor.has(Role::InternalAuditor) {
            return Ok(Some(actor.unit_id));
        }
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "register_scope").await;
        Err(ApiError::Forbidden)
    }

    pub async fn rows(ctx: &crate::api::Ctx, unit: Option<i64>, status: &str) -> Result<Vec<RegisterRow>, ApiError> {
        let units = ctx.state.store.list_units().await.map_err(crate::api::internal)?;
        let name = |id: i64| units.iter().find(|u| u.id == id).map(|u| u.name_zh.clone()).unwrap_or_default();
        let accounts = ctx.state.store.list_accounts().await.map_err(crate::api::internal)?;
        Ok(accounts
            .into_iter()
            .filter(|a| unit.is_none_or(|u| a.unit_id == u))
            .filter(|a| match status {
                "active" => !a.disabled,
                "cancelled" => a.disabled,
                _ => true,
            })
            .map(|a| RegisterRow {
                unit_id: a.unit_id,
                agency: name(a.unit_id),
                name: a.name,
                employee_no: a.employee_no,
                roles: a.roles,
                effective: a.created_at,
                cancelled: if a.disabled { a.disabled_at } else { None },
                active: !a.disabled,
                last_login: a.last_login_at,
            })
            .collect())
    }

    fn day(t: DateTime<Utc>) -> String {
        RocDate::from_gregorian(t.with_timezone(&crate::domain::taipei_offset()).date_naive())
            .map(|d| d.short())
            .unwrap_or_default()
    }

    pub fn cells(r: &RegisterRow) -> [String; 8] {
        [
            r.agency.clone(),
            r.name.clone(),
            r.employee_no.clone(),
            r.roles.iter().map(|x| x.zh()).collect::<Vec<_>>().join("、"),
            day(r.effective),
            r.cancelled.map(day).unwrap_or_default(),
            if r.active { "啟用".into() } else { "註銷".into() },
            r.last_login.map(roc_datetime).unwrap_or_default(),
        ]
    }

    /// CSV, UTF-8 with a byte-order mark so that Excel reads the Chinese correctly.
    pub fn csv(rows: &[RegisterRow]) -> Result<Vec<u8>, ApiError> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(HEADERS).map_err(crate::api::internal)?;
            for r in rows {
                w.write_record(crate::server::export::row(cells(r))).map_err(crate::api::internal)?;
            }
            w.flush().map_err(crate::api::internal)?;
        }
        Ok(out)
    }

    pub fn xlsx(rows: &[RegisterRow]) -> Result<Vec<u8>, ApiError> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("使用者帳號清冊").map_err(crate::api::internal)?;
        let bold = Format::new().set_bold();
        for (c, h) in HEADERS.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(crate::api::internal)?;
        }
        for (i, r) in rows.iter().enumerate() {
            for (c, v) in cells(r).iter().enumerate() {
                sheet
                    .write_string(i as u32 + 1, c as u16, crate::server::export::cell(v))
                    .map_err(crate::api::internal)?;
            }
        }
        sheet.autofit();
        book.save_to_buffer().map_err(crate::api::internal)
    }
}

/// The register; `unit` (0 = all) only for bureau-wide readers; `status` = all | active | cancelled.
#[server(prefix = "/api", endpoint = "accounts/register")]
pub async fn account_register(unit: i64, status: String) -> Result<Register, ApiError> {
    let ctx = super::guard(AccountRegister::PATH).await?;
    let actor = ctx.actor()?;
    let scope = imp::scope(&ctx, actor, AccountRegister::PATH).await?;
    let unit = scope.or((unit > 0).then_some(unit));
    let rows = imp::rows(&ctx, unit, &status).await?;
    let draft = ctx
        .trail(TrailAction::AccountRegisterView)
        .details(serde_json::json!({ "unit_id": unit, "status": status, "count": rows.len() }));
    ctx.state.store.append_trail(draft).await.map_err(super::internal)?;
    let units = ctx.state.store.list_units().await.map_err(super::internal)?;
    let reviews = ctx.state.store.last_review_dates().await.map_err(super::internal)?;
    let mut listed: Vec<i64> = rows.iter().map(|r| r.unit_id).collect();
    listed.sort();
    listed.dedup();
    let last_reviews = listed
        .iter()
        .map(|id| {
            let name = units.iter().find(|u| u.id == *id).map(|u| u.name_zh.clone()).unwrap_or_default();
            let date = reviews.iter().find(|(u, _)| u == id).and_then(|(_, d)| *d).and_then(|d| {
                crate::domain::RocDate::from_gregorian(d.with_timezone(&crate::domain::taipei_offset()).date_naive())
                    .ok()
            });
            (name, date)
        })
        .collect();
    Ok(Register {
        rows,
        bureau_wide: scope.is_none(),
        units: units.into_iter().map(|u| (u.id, u.name_zh)).collect(),
        last_reviews,
    })
}

/// The register as a file: `format` = csv | xlsx.
#[server(prefix = "/api", endpoint = "accounts/register/export")]
pub async fn export_register(unit: i64, status: String, format: String) -> Result<ExportFile, ApiError> {
    use base64::Engine;
    let ctx = super::guard(ExportRegister::PATH).await?;
    let actor = ctx.actor()?;
    let scope = imp::scope(&ctx, actor, ExportRegister::PATH).await?;
    let unit = scope.or((unit > 0).then_some(unit));
    let rows = imp::rows(&ctx, unit, &status).await?;
    let (bytes, media_type, ext) = match format.as_str() {
        "csv" => (imp::csv(&rows)?, "text/csv; charset=utf-8", "csv"),
        "xlsx" => (imp::xlsx(&rows)?, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        _ => return Err(ApiError::Invalid("匯出格式須為 CSV 或 XLSX".into())),
    };
    let draft = ctx
        .trail(TrailAction::AccountRegisterExport)
        .details(serde_json::json!({ "unit_id": unit, "format": ext, "count": rows.len() }));
    ctx.state.store.append_trail(draft).await.map_err(super::internal)?;
    let stamp = chrono::Utc::now().with_timezone(&crate::domain::taipei_offset()).format("%Y%m%d");
    Ok(ExportFile {
        filename: format!("使用者帳號清冊-{stamp}.{ext}"),
        media_type: media_type.into(),
        b64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}
