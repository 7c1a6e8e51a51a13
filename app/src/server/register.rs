//! 使用者帳號清冊 (附件四, 八(三)): per unit and bureau-wide — agency, user name, employee
//! number, roles, effective date, cancellation date, status, last sign-in; exported as CSV
//! (UTF-8 with a BOM, so Excel opens it) and XLSX. Who may: administrators and external auditors
//! bureau-wide; a unit's account manager (or deputy), supervisor and internal auditor for their
//! unit. Every read and export is written to the trail; a refusal too.

use chrono::{DateTime, Utc};

use super::caller::{Caller, Failure};
use super::state::AppState;
use super::trail::TrailAction;
use crate::domain::register::{
    ExportFile, ExportFormat, Register, RegisterError, RegisterRow, StatusFilter, HEADERS, STATUS_ACTIVE,
    STATUS_CANCELLED, TITLE,
};
use crate::domain::{roc_datetime, taipei_offset, RocDate, Role};

type Outcome<T> = Result<T, Failure<RegisterError>>;

/// Bureau-wide (`None`) or the caller's unit; a caller with neither is refused (and recorded).
async fn scope(state: &AppState, caller: &Caller, endpoint: &str) -> Outcome<Option<i64>> {
    let actor = &caller.actor;
    if actor.has(Role::Admin) || actor.has(Role::ExternalAuditor) {
        return Ok(None);
    }
    let manager = super::authz::acts_as_manager(&state.store, actor, actor.unit_id, Utc::now()).await?;
    if manager || actor.has(Role::Supervisor) || actor.has(Role::InternalAuditor) {
        return Ok(Some(actor.unit_id));
    }
    Err(caller.deny(state, endpoint, "register_scope").await)
}

async fn rows(state: &AppState, unit: Option<i64>, status: StatusFilter) -> Outcome<Vec<RegisterRow>> {
    let units = state.store.list_units().await?;
    let name = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name_zh.clone())
            .ok_or_else(|| Failure::internal(format!("account's unit {id} not found")))
    };
    let accounts = state.store.list_accounts().await?;
    // each account's last acknowledgement of the notice (五(二)1、九)
    let acknowledged: std::collections::HashMap<i64, DateTime<Utc>> =
        state.store.last_acknowledgements().await?.into_iter().map(|a| (a.account_id, a.acknowledged_at)).collect();
    accounts
        .into_iter()
        .filter(|a| unit.is_none_or(|u| a.unit_id == u))
        .filter(|a| match status {
            StatusFilter::Active => !a.disabled,
            StatusFilter::Cancelled => a.disabled,
            StatusFilter::All => true,
        })
        .map(|a| {
            Ok(RegisterRow {
                unit_id: a.unit_id,
                agency: name(a.unit_id)?,
                name: a.name,
                employee_no: a.employee_no,
                roles: a.roles,
                effective: a.created_at,
                cancelled: if a.disabled { a.disabled_at } else { None },
                active: !a.disabled,
                last_login: a.last_login_at,
                acknowledged: acknowledged.get(&a.id).copied(),
            })
        })
        .collect()
}

fn day(t: DateTime<Utc>) -> String {
    RocDate::from_gregorian(t.with_timezone(&taipei_offset()).date_naive()).map(|d| d.short()).unwrap_or_default()
}

fn cells(r: &RegisterRow) -> [String; 8] {
    [
        r.agency.clone(),
        r.name.clone(),
        r.employee_no.clone(),
        r.roles.iter().map(|x| x.zh()).collect::<Vec<_>>().join("、"),
        day(r.effective),
        r.cancelled.map(day).unwrap_or_default(),
        if r.active { STATUS_ACTIVE.into() } else { STATUS_CANCELLED.into() },
        r.last_login.map(roc_datetime).unwrap_or_default(),
    ]
}

/// CSV, UTF-8 with a byte-order mark so that Excel reads the Chinese correctly.
fn csv(rows: &[RegisterRow]) -> Result<Vec<u8>, String> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(HEADERS).map_err(|e| e.to_string())?;
        for r in rows {
            w.write_record(super::export::row(cells(r))).map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn xlsx(rows: &[RegisterRow]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(TITLE).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(|e| e.to_string())?;
    }
    for (i, r) in rows.iter().enumerate() {
        for (c, v) in cells(r).iter().enumerate() {
            sheet.write_string(i as u32 + 1, c as u16, super::export::cell(v)).map_err(|e| e.to_string())?;
        }
    }
    sheet.autofit();
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// The register; `unit` (`None` = all) only for bureau-wide readers.
pub async fn view(
    state: &AppState,
    caller: &Caller,
    unit: Option<i64>,
    status: StatusFilter,
    endpoint: &str,
) -> Outcome<Register> {
    let scope = scope(state, caller, endpoint).await?;
    let unit = scope.or(unit);
    let rows = rows(state, unit, status).await?;
    let draft = caller
        .trail(TrailAction::AccountRegisterView)
        .details(serde_json::json!({ "unit_id": unit, "status": status.code(), "count": rows.len() }));
    state.store.append_trail(draft).await?;
    let units = state.store.list_units().await?;
    let reviews = state.store.last_review_dates().await?;
    let mut listed: Vec<i64> = rows.iter().map(|r| r.unit_id).collect();
    listed.sort();
    listed.dedup();
    let last_reviews = listed
        .iter()
        .map(|id| {
            let name =
                units.iter().find(|u| u.id == *id).map(|u| u.name_zh.clone()).ok_or_else(|| {
                    super::store::StoreError::Corrupt(format!("account register: unit {id} not found"))
                })?;
            let date = reviews
                .iter()
                .find(|(u, _)| u == id)
                .and_then(|(_, d)| *d)
                .and_then(|d| RocDate::from_gregorian(d.with_timezone(&taipei_offset()).date_naive()).ok());
            Ok((name, date))
        })
        .collect::<Result<_, super::store::StoreError>>()?;
    Ok(Register {
        rows,
        bureau_wide: scope.is_none(),
        units: units.into_iter().map(|u| (u.id, u.name_zh)).collect(),
        last_reviews,
    })
}

/// The register as a file.
pub async fn export(
    state: &AppState,
    caller: &Caller,
    unit: Option<i64>,
    status: StatusFilter,
    format: ExportFormat,
    endpoint: &str,
) -> Outcome<ExportFile> {
    use base64::Engine;
    let scope = scope(state, caller, endpoint).await?;
    let unit = scope.or(unit);
    let rows = rows(state, unit, status).await?;
    let (bytes, media_type) = match format {
        ExportFormat::Csv => (csv(&rows).map_err(Failure::internal)?, "text/csv; charset=utf-8"),
        ExportFormat::Xlsx => (
            xlsx(&rows).map_err(Failure::internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    };
    let draft = caller
        .trail(TrailAction::AccountRegisterExport)
        .details(serde_json::json!({ "unit_id": unit, "format": format.ext(), "count": rows.len() }));
    state.store.append_trail(draft).await?;
    let stamp = Utc::now().with_timezone(&taipei_offset()).format("%Y%m%d");
    Ok(ExportFile {
        filename: format!("{TITLE}-{stamp}.{}", format.ext()),
        media_type: media_type.into(),
        b64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}
