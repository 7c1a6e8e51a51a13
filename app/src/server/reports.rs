//! The monthly query report's service: build a unit's report for a month from the query log,
//! save it (while unsigned), and generate last month's reports once a month has ended (the
//! scheduler calls [`generate_due`] with its clock).

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::store::{DynStore, Seen, StoreError, StoreResult};
use super::trail::{Outcome, TrailAction, TrailDraft};
use crate::domain::report::{build, Month, MonthlyReport, Thresholds};

/// Build the unit's report for the month (six months of history for the operators' baselines).
pub async fn compute(
    store: &DynStore,
    unit_id: i64,
    month: Month,
    thresholds: Thresholds,
    now: DateTime<Utc>,
) -> StoreResult<MonthlyReport> {
    let unit = store.unit(unit_id).await?.ok_or(StoreError::NotFound("unit"))?;
    let lines = store.query_lines(unit_id, month.start(), month.end()).await?;
    let mut first = month;
    for _ in 0..6 {
        first = first.prev();
    }
    let history = store.query_times(unit_id, first.start(), month.start()).await?;
    Ok(build(&unit.code, &unit.name_zh, month, &lines, &history, thresholds, now))
}

/// The snapshot as stored and its SHA-256 (hex).
pub fn snapshot(report: &MonthlyReport) -> Result<(String, String), serde_json::Error> {
    let json = serde_json::to_string(report)?;
    let sha = hex::encode(Sha256::digest(json.as_bytes()));
    Ok((json, sha))
}

/// Compute and save (replacing an unsigned one); returns the report's id.
pub async fn generate(
    store: &DynStore,
    unit_id: i64,
    month: Month,
    thresholds: Thresholds,
    by: Option<i64>,
    trail: TrailDraft,
    now: DateTime<Utc>,
) -> StoreResult<(i64, MonthlyReport)> {
    generate_if(store, unit_id, month, thresholds, by, trail, now, Seen::Anything).await
}

/// [`generate`], saved only if the unit's month is still as `seen` (else `Stale`).
#[allow(clippy::too_many_arguments)]
pub async fn generate_if(
    store: &DynStore,
    unit_id: i64,
    month: Month,
    thresholds: Thresholds,
    by: Option<i64>,
    trail: TrailDraft,
    now: DateTime<Utc>,
    seen: Seen,
) -> StoreResult<(i64, MonthlyReport)> {
    let report = compute(store, unit_id, month, thresholds, now).await?;
    let (json, sha) = snapshot(&report).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let trail = trail.details(serde_json::json!({
        "unit_id": unit_id, "month": month.to_string(), "count": report.rows.len(), "sha256": sha,
    }));
    let id = store.save_report(unit_id, &month.to_string(), &json, &sha, by, now, trail, seen).await?;
    Ok((id, report))
}

/// Whether a saved report may be signed at `now`: its month is over and its snapshot was taken
/// after that (a preview made during the month leaves out the rest of the month). The store
/// checks again, in the signing transaction, that no look-up of the month is missing.
pub fn signable(r: &super::store::ReportRecord, now: DateTime<Utc>) -> Result<(), &'static str> {
    let month = Month::parse(&r.month).map_err(|_| "報表月份不正確")?;
    if !month.is_over(now) {
        return Err("本月尚未結束，報表僅供預覽；月份結束後由系統重新產製全月報表，再行核閱");
    }
    if r.generated_at < month.end() {
        return Err("此報表是月中產製的預覽，未含全月查詢紀錄；請重新產製後再核閱");
    }
    Ok(())
}

/// After a month has ended: last month's report for every unit that looked anything up, made
/// (or remade) over the whole month unless a signed or whole-month one exists. A preview made
/// during the month is replaced, so no look-up after it escapes review. Returns the ids made.
pub async fn generate_due(store: &DynStore, thresholds: Thresholds, now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
    let month = Month::of(now).prev();
    let mut made = Vec::new();
    for unit in store.units_with_queries(month.start(), month.end()).await? {
        let seen = match store.report_for(unit, &month.to_string()).await? {
            Some(r) if r.signed_at.is_some() || r.generated_at >= month.end() => continue,
            Some(r) => Seen::GeneratedAt(r.generated_at),
            None => Seen::Nothing,
        };
        let trail = TrailDraft::new(TrailAction::ReportGenerate, Outcome::Success).at(now);
        // another instance's scheduler may be at the same unit: only one of us saves
        match generate_if(store, unit, month, thresholds, None, trail, now, seen).await {
            Ok((id, _)) => made.push(id),
            // made by someone else meanwhile
            Err(StoreError::Stale(_)) | Err(StoreError::Duplicate(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(made)
}
