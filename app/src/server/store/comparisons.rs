//! Comparison records (比對紀錄) and their notes. Written once for both databases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::columns::{BandColumn, JsonText, NullableJsonText};
use super::{ImageBlob, StoreResult};
use crate::domain::comparison::{BrowserResult, NoteKind, StoredVerdict};
use crate::server::trail::TrailDraft;
use matcher::{Alignment, Band};

#[async_trait]
pub trait ComparisonStore: Send + Sync {
    /// Store the questioned image (once per content) and the record with its trail event.
    async fn create_comparison(&self, new: &NewComparison, trail: TrailDraft) -> StoreResult<i64>;

    async fn comparison(&self, id: i64) -> StoreResult<Option<ComparisonRecord>>;

    async fn comparison_by_code(&self, code: &str) -> StoreResult<Option<ComparisonRecord>>;

    async fn comparison_for_query(&self, query_id: i64) -> StoreResult<Option<i64>>;

    async fn list_comparisons(&self, filter: ComparisonFilter) -> StoreResult<Vec<ComparisonRecord>>;

    async fn add_comparison_note(
        &self,
        comparison_id: i64,
        kind: NoteKind,
        author_id: i64,
        text: &str,
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<i64>;

    async fn comparison_notes(&self, comparison_id: i64) -> StoreResult<Vec<ComparisonNote>>;
}

#[derive(Debug, Clone)]
pub struct NewComparison {
    pub query_id: i64,
    pub seal_version_id: i64,
    /// The image judged (and shown on the record).
    pub questioned: ImageBlob,
    /// The file as uploaded, when it is not the image judged (a TIFF, a scanned PDF): kept
    /// beside it (its digest is in the record's server result).
    pub questioned_original: Option<ImageBlob>,
    pub operator_id: i64,
    pub unit_id: i64,
    pub created_at: DateTime<Utc>,
    pub browser_score: f64,
    pub browser_band: Band,
    pub browser: BrowserResult,
    pub manual_alignment: Option<Alignment>,
    pub server_score: f64,
    pub server_band: Band,
    pub server: StoredVerdict,
    pub auto_score: f64,
    pub auto_band: Band,
    pub discrepancy: bool,
    pub decision: crate::domain::Decision,
    pub comment: String,
    pub verification_code: String,
}

/// A comparison with its query, as listed and printed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ComparisonRecord {
    pub id: i64,
    pub query_id: i64,
    pub seal_version_id: i64,
    pub questioned_sha256: String,
    pub operator_id: i64,
    pub unit_id: i64,
    pub created_at: DateTime<Utc>,
    pub browser_score: f64,
    #[sqlx(try_from = "BandColumn")]
    pub browser_band: Band,
    #[sqlx(rename = "browser_json", try_from = "JsonText<BrowserResult>")]
    pub browser: BrowserResult,
    #[sqlx(try_from = "NullableJsonText<Alignment>")]
    pub manual_alignment: Option<Alignment>,
    pub server_score: f64,
    #[sqlx(try_from = "BandColumn")]
    pub server_band: Band,
    /// The server's verdict as kept (`server_json`).
    #[sqlx(rename = "server_json", try_from = "JsonText<StoredVerdict>")]
    pub server: StoredVerdict,
    pub auto_score: f64,
    #[sqlx(try_from = "BandColumn")]
    pub auto_band: Band,
    pub discrepancy: bool,
    pub decision: crate::domain::Decision,
    pub comment: String,
    pub verification_code: String,
    // from the query
    pub queried_at: DateTime<Utc>,
    pub business_type: crate::domain::BusinessType,
    pub case_number: String,
    pub national_id: crate::domain::NationalId,
    pub person_name: Option<String>,
    pub after_hours: bool,
    // from the operator's account
    pub operator_employee_no: String,
    pub operator_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ComparisonNote {
    pub id: i64,
    pub comparison_id: i64,
    pub kind: NoteKind,
    pub author_id: i64,
    pub created_at: DateTime<Utc>,
    pub text: String,
}

/// Which comparisons to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct ComparisonFilter {
    pub operator_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub limit: i64,
}

pub(super) const COMPARISON_SELECT: &str = "SELECT c.id, c.query_id, c.seal_version_id, c.questioned_sha256, \
     c.operator_id, c.unit_id, c.created_at, c.browser_score, c.browser_band, c.browser_json, c.manual_alignment, \
     c.server_score, c.server_band, c.server_json, c.auto_score, c.auto_band, c.discrepancy, c.decision, c.comment, \
     c.verification_code, q.queried_at, q.business_type, q.case_number, q.national_id, q.person_name, q.after_hours, \
     a.employee_no AS operator_employee_no, a.name AS operator_name \
     FROM comparison c JOIN seal_query q ON q.id = c.query_id JOIN account a ON a.id = c.operator_id";

/// Implements [`ComparisonStore`] for a store made by `impl_database!`.
macro_rules! impl_comparisons {
    ($store:ident, $db:ty) => {
        impl $store {
            async fn comparison_where(&self, clause: &str, bind: BindArg<'_>) -> StoreResult<Option<ComparisonRecord>> {
                let sql = format!("{COMPARISON_SELECT} WHERE {clause}");
                let q = sqlx::query_as::<_, ComparisonRecord>(&sql);
                let q = match bind {
                    BindArg::Int(i) => q.bind(i),
                    BindArg::Text(s) => q.bind(s),
                };
                Ok(q.fetch_optional(&self.pool).await?)
            }
        }

        #[async_trait]
        impl ComparisonStore for $store {
            async fn create_comparison(&self, new: &NewComparison, trail: TrailDraft) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                Self::put_image(&mut tx, &new.questioned, new.created_at).await?;
                if let Some(original) = &new.questioned_original {
                    Self::put_image(&mut tx, original, new.created_at).await?;
                }
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO comparison (query_id, seal_version_id, questioned_sha256, operator_id, unit_id, created_at, \
                     browser_score, browser_band, browser_json, manual_alignment, server_score, server_band, server_json, \
                     auto_score, auto_band, discrepancy, decision, comment, verification_code) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id",
                )
                .bind(new.query_id)
                .bind(new.seal_version_id)
                .bind(&new.questioned.sha256)
                .bind(new.operator_id)
                .bind(new.unit_id)
                .bind(new.created_at)
                .bind(new.browser_score)
                .bind($crate::server::store::columns::BandColumn(new.browser_band))
                .bind($crate::server::store::columns::JsonText(&new.browser))
                .bind(new.manual_alignment.as_ref().map($crate::server::store::columns::JsonText))
                .bind(new.server_score)
                .bind($crate::server::store::columns::BandColumn(new.server_band))
                .bind($crate::server::store::columns::JsonText(&new.server))
                .bind(new.auto_score)
                .bind($crate::server::store::columns::BandColumn(new.auto_band))
                .bind(new.discrepancy)
                .bind(&new.decision)
                .bind(&new.comment)
                .bind(&new.verification_code)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| map_unique(e, "comparison"))?;
                Self::trail_in(&mut tx, &self.key, trail.object("comparison", id)).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn comparison(&self, id: i64) -> StoreResult<Option<ComparisonRecord>> {
                self.comparison_where("c.id = $1", BindArg::Int(id)).await
            }

            async fn comparison_by_code(&self, code: &str) -> StoreResult<Option<ComparisonRecord>> {
                self.comparison_where("c.verification_code = $1", BindArg::Text(code)).await
            }

            async fn comparison_for_query(&self, query_id: i64) -> StoreResult<Option<i64>> {
                let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM comparison WHERE query_id = $1")
                    .bind(query_id)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|(id,)| id))
            }

            async fn list_comparisons(&self, f: ComparisonFilter) -> StoreResult<Vec<ComparisonRecord>> {
                let limit = if f.limit <= 0 { 200 } else { f.limit.min(1000) };
                let sql = format!(
                    "{COMPARISON_SELECT} WHERE ($1 IS NULL OR c.operator_id = $1) AND ($2 IS NULL OR c.unit_id = $2) \
                     ORDER BY c.id DESC LIMIT $3"
                );
                Ok(sqlx::query_as(&sql).bind(f.operator_id).bind(f.unit_id).bind(limit).fetch_all(&self.pool).await?)
            }

            async fn add_comparison_note(
                &self,
                comparison_id: i64,
                kind: $crate::domain::comparison::NoteKind,
                author_id: i64,
                text: &str,
                now: DateTime<Utc>,
                trail: TrailDraft,
            ) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO comparison_note (comparison_id, kind, author_id, created_at, text) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(comparison_id)
                .bind(kind)
                .bind(author_id)
                .bind(now)
                .bind(text)
                .fetch_one(&mut *tx)
                .await?;
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn comparison_notes(&self, comparison_id: i64) -> StoreResult<Vec<ComparisonNote>> {
                Ok(sqlx::query_as(
                    "SELECT id, comparison_id, kind, author_id, created_at, text FROM comparison_note \
                     WHERE comparison_id = $1 ORDER BY id",
                )
                .bind(comparison_id)
                .fetch_all(&self.pool)
                .await?)
            }
        }
    };
}

pub(super) use impl_comparisons;
