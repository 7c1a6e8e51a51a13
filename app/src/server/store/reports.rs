//! The monthly query report in the store: the month's look-ups with their decisions, the
//! earlier look-ups for the operators' baselines, and the report rows (saved while unsigned,
//! frozen once signed). Written once for both databases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::report::QueryLine;
use crate::server::trail::TrailDraft;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportRecord {
    pub id: i64,
    pub unit_id: i64,
    pub month: String,
    pub generated_at: DateTime<Utc>,
    pub generated_by: Option<i64>,
    pub snapshot: String,
    pub sha256: String,
    pub signed_by: Option<i64>,
    pub signed_at: Option<DateTime<Utc>>,
    pub comment: String,
    pub head_seq: Option<i64>,
    pub head_hash: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(super) struct LineRow {
    id: i64,
    queried_at: DateTime<Utc>,
    operator_id: i64,
    employee_no: String,
    name: String,
    business_type: crate::domain::BusinessType,
    case_number: String,
    national_id: crate::domain::NationalId,
    after_hours: bool,
    decision: Option<crate::domain::Decision>,
    closed_reason: Option<String>,
}

impl From<LineRow> for QueryLine {
    fn from(r: LineRow) -> Self {
        QueryLine {
            query_id: r.id,
            queried_at: r.queried_at,
            operator_id: r.operator_id,
            operator_no: r.employee_no,
            operator_name: r.name,
            business_type: r.business_type,
            case_number: r.case_number,
            national_id: r.national_id,
            after_hours: r.after_hours,
            decision: r.decision,
            closed_reason: r.closed_reason,
        }
    }
}

#[async_trait]
pub trait ReportStore: Send + Sync {
    /// The unit's look-ups in `[from, to)`, oldest first, with the decision when one was recorded.
    async fn query_lines(&self, unit_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<QueryLine>>;
    /// (operator, time) of the unit's look-ups in `[from, to)`.
    async fn query_times(
        &self,
        unit_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<(i64, DateTime<Utc>)>>;
    /// Units with look-ups in `[from, to)`.
    async fn units_with_queries(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<i64>>;
    /// Save (or, while unsigned, replace) the unit's report of the month; `Stale` once signed.
    #[allow(clippy::too_many_arguments)]
    async fn save_report(
        &self,
        unit_id: i64,
        month: &str,
        snapshot: &str,
        sha256: &str,
        generated_by: Option<i64>,
        now: DateTime<Utc>,
        trail: TrailDraft,
        seen: Seen,
    ) -> StoreResult<i64>;
    async fn report(&self, id: i64) -> StoreResult<Option<ReportRecord>>;
    async fn report_for(&self, unit_id: i64, month: &str) -> StoreResult<Option<ReportRecord>>;
    /// Newest month first.
    async fn list_reports(&self, unit_id: Option<i64>) -> StoreResult<Vec<ReportRecord>>;
    /// Reports not signed yet, of every unit, oldest month first.
    async fn unsigned_reports(&self) -> StoreResult<Vec<ReportRecord>>;
    /// Every trail head a signed report recorded: (report id, head seq, head hash), by seq.
    /// All of them (no page limit): `audit verify` checks each against the chain.
    async fn report_anchors(&self) -> StoreResult<Vec<(i64, i64, String)>>;
    /// Sign off (核閱): the report of `sha256` as reviewed, with the trail head of that moment.
    /// `Stale` when it was signed or regenerated in the meantime.
    async fn sign_report(
        &self,
        id: i64,
        sha256: &str,
        signer: i64,
        comment: &str,
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<()>;
}

/// What the caller saw of the unit's month before generating: the save goes ahead only if
/// that is still so (`Stale` otherwise), so schedulers of several instances generate once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Replace whatever is there and unsigned (a person generating on demand).
    Anything,
    /// No report yet.
    Nothing,
    /// The unsigned report generated at this time.
    GeneratedAt(DateTime<Utc>),
}

pub(super) const REPORT_COLUMNS: &str = "id, unit_id, month, generated_at, generated_by, snapshot, sha256, signed_by, \
     signed_at, comment, head_seq, head_hash";

/// Implements [`ReportStore`] for a store made by `impl_database!`.
macro_rules! impl_reports {
    ($store:ident, $db:ty) => {
        #[async_trait]
        impl ReportStore for $store {
            async fn query_lines(
                &self,
                unit_id: i64,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> StoreResult<Vec<$crate::domain::report::QueryLine>> {
                let rows: Vec<$crate::server::store::reports::LineRow> = sqlx::query_as(
                    "SELECT q.id, q.queried_at, q.operator_id, a.employee_no, a.name, q.business_type, q.case_number, \
                     q.national_id, q.after_hours, c.decision, k.reason AS closed_reason \
                     FROM seal_query q JOIN account a ON a.id = q.operator_id \
                     LEFT JOIN comparison c ON c.query_id = q.id LEFT JOIN query_closing k ON k.query_id = q.id \
                     WHERE q.unit_id = $1 AND q.queried_at >= $2 AND q.queried_at < $3 ORDER BY q.queried_at, q.id",
                )
                .bind(unit_id)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn query_times(
                &self,
                unit_id: i64,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> StoreResult<Vec<(i64, DateTime<Utc>)>> {
                Ok(sqlx::query_as(
                    "SELECT operator_id, queried_at FROM seal_query WHERE unit_id = $1 AND queried_at >= $2 AND queried_at < $3",
                )
                .bind(unit_id)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn units_with_queries(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<i64>> {
                let rows: Vec<(i64,)> = sqlx::query_as(
                    "SELECT DISTINCT unit_id FROM seal_query WHERE queried_at >= $1 AND queried_at < $2 ORDER BY unit_id",
                )
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|(u,)| u).collect())
            }

            async fn save_report(
                &self,
                unit_id: i64,
                month: &str,
                snapshot: &str,
                sha256: &str,
                generated_by: Option<i64>,
                now: DateTime<Utc>,
                trail: TrailDraft,
                seen: Seen,
            ) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let existing: Option<(i64, Option<DateTime<Utc>>, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT id, signed_at, generated_at FROM query_report WHERE unit_id = $1 AND month = $2",
                )
                .bind(unit_id)
                .bind(month)
                .fetch_optional(&mut *tx)
                .await?;
                let still = match (seen, &existing) {
                    (Seen::Anything, _) | (Seen::Nothing, None) => true,
                    (Seen::GeneratedAt(t), Some((_, None, was))) => *was == t,
                    _ => false,
                };
                if !still {
                    return Err(StoreError::Stale("query report"));
                }
                let id = match existing {
                    Some((_, Some(_), _)) => return Err(StoreError::Stale("query report")),
                    Some((id, None, was)) => {
                        // replaced only as it was read: of two generations at once, one is Stale
                        let r = sqlx::query(
                            "UPDATE query_report SET generated_at = $1, generated_by = $2, snapshot = $3, sha256 = $4 \
                             WHERE id = $5 AND signed_at IS NULL AND generated_at = $6",
                        )
                        .bind(now)
                        .bind(generated_by)
                        .bind(snapshot)
                        .bind(sha256)
                        .bind(id)
                        .bind(was)
                        .execute(&mut *tx)
                        .await?;
                        if r.rows_affected() == 0 {
                            return Err(StoreError::Stale("query report"));
                        }
                        id
                    }
                    None => {
                        let (id,): (i64,) = sqlx::query_as(
                            "INSERT INTO query_report (unit_id, month, generated_at, generated_by, snapshot, sha256) \
                             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                        )
                        .bind(unit_id)
                        .bind(month)
                        .bind(now)
                        .bind(generated_by)
                        .bind(snapshot)
                        .bind(sha256)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(|e| map_unique(e, "query report"))?;
                        id
                    }
                };
                Self::trail_in(&mut tx, &self.key, trail.object("query_report", id)).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn report(&self, id: i64) -> StoreResult<Option<ReportRecord>> {
                Ok(sqlx::query_as(&format!("SELECT {REPORT_COLUMNS} FROM query_report WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn report_for(&self, unit_id: i64, month: &str) -> StoreResult<Option<ReportRecord>> {
                Ok(sqlx::query_as(&format!("SELECT {REPORT_COLUMNS} FROM query_report WHERE unit_id = $1 AND month = $2"))
                    .bind(unit_id)
                    .bind(month)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_reports(&self, unit_id: Option<i64>) -> StoreResult<Vec<ReportRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {REPORT_COLUMNS} FROM query_report WHERE ($1 IS NULL OR unit_id = $1) \
                     ORDER BY month DESC, unit_id LIMIT 1000"
                ))
                .bind(unit_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn unsigned_reports(&self) -> StoreResult<Vec<ReportRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {REPORT_COLUMNS} FROM query_report WHERE signed_at IS NULL ORDER BY month, unit_id"
                ))
                .fetch_all(&self.pool)
                .await?)
            }

            async fn report_anchors(&self) -> StoreResult<Vec<(i64, i64, String)>> {
                Ok(sqlx::query_as(
                    "SELECT id, head_seq, head_hash FROM query_report \
                     WHERE signed_at IS NOT NULL AND head_seq > 0 AND head_hash IS NOT NULL ORDER BY head_seq, id",
                )
                .fetch_all(&self.pool)
                .await?)
            }

            async fn sign_report(
                &self,
                id: i64,
                sha256: &str,
                signer: i64,
                comment: &str,
                now: DateTime<Utc>,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                // the chain's head at this moment (the row update also serialises with appends)
                let (seq, hash): (i64, String) =
                    sqlx::query_as("SELECT seq, hash FROM trail_head WHERE id = 1").fetch_one(&mut *tx).await?;
                // only a whole, closed month is signed: the month is over and the snapshot holds
                // every look-up of it (a preview or a snapshot that missed one is stale)
                let found: Option<(i64, String, String)> =
                    sqlx::query_as("SELECT unit_id, month, snapshot FROM query_report WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some((unit_id, month, snapshot)) = found else { return Err(StoreError::NotFound("query report")) };
                let month = $crate::domain::report::Month::parse(&month)
                    .map_err(|_| StoreError::Corrupt(format!("query_report {id}: month {month:?}")))?;
                if !month.is_over(now) {
                    return Err(StoreError::Stale("query report"));
                }
                let rows = serde_json::from_str::<$crate::domain::report::MonthlyReport>(&snapshot)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?
                    .rows
                    .len() as i64;
                let (logged,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM seal_query WHERE unit_id = $1 AND queried_at >= $2 AND queried_at < $3",
                )
                .bind(unit_id)
                .bind(month.start())
                .bind(month.end())
                .fetch_one(&mut *tx)
                .await?;
                if logged != rows {
                    return Err(StoreError::Stale("query report"));
                }
                let r = sqlx::query(
                    "UPDATE query_report SET signed_by = $1, signed_at = $2, comment = $3, head_seq = $4, head_hash = $5 \
                     WHERE id = $6 AND sha256 = $7 AND signed_at IS NULL",
                )
                .bind(signer)
                .bind(now)
                .bind(comment)
                .bind(seq)
                .bind(&hash)
                .bind(id)
                .bind(sha256)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale("query report"));
                }
                Self::trail_in(&mut tx, &self.key, trail.object("query_report", id)).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(super) use impl_reports;
