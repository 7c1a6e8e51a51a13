//! The registry half of the store: content-addressed images, registered-seal versions, the
//! query log, comparison records and the working-time calendar. Written once for both
//! databases, like `sql.rs`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::StoreResult;
use crate::domain::{CalendarDay, DayKind, OfficeHours};
use crate::server::trail::TrailDraft;

/// An image by its SHA-256 (hex, lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageBlob {
    pub sha256: String,
    pub media_type: String,
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl ImageBlob {
    /// Hash the bytes; `media_type`, `width` and `height` come from the caller's checks.
    #[cfg(feature = "ssr")]
    pub fn new(data: Vec<u8>, media_type: &str, width: u32, height: u32) -> Self {
        use sha2::{Digest, Sha256};
        let sha256 = hex::encode(Sha256::digest(&data));
        Self { sha256, media_type: media_type.to_string(), width, height, data }
    }
}

/// Why a registered-seal version exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SealReason {
    /// Bulk import.
    Import,
    /// A newly registered seal.
    New,
    /// 印模重建: the same seal, impression taken again.
    Rebuild,
    /// The seal registration date corrected (image unchanged).
    DateCorrection,
}

impl SealReason {
    pub fn code(self) -> &'static str {
        match self {
            Self::Import => "import",
            Self::New => "new",
            Self::Rebuild => "rebuild",
            Self::DateCorrection => "date_correction",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Import, Self::New, Self::Rebuild, Self::DateCorrection].into_iter().find(|r| r.code() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            Self::Import => "匯入",
            Self::New => "新登記",
            Self::Rebuild => "印模重建",
            Self::DateCorrection => "更正登記日期",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewSealVersion {
    pub national_id: String,
    /// Sets the person's name when given.
    pub person_name: Option<String>,
    pub image: ImageBlob,
    pub registered_on: Option<NaiveDate>,
    pub office_unit_id: i64,
    pub reason: SealReason,
    pub unclear: bool,
    pub note: String,
    pub created_by: Option<i64>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SealVersionRecord {
    pub id: i64,
    pub national_id: String,
    pub version: i64,
    pub image_sha256: String,
    pub registered_on: Option<NaiveDate>,
    pub office_unit_id: i64,
    pub reason: String,
    pub unclear: bool,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonRecord {
    pub national_id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewQuery {
    pub queried_at: DateTime<Utc>,
    pub operator_id: i64,
    pub unit_id: i64,
    pub client_ip: Option<String>,
    pub business_type: String,
    pub case_number: String,
    pub national_id: String,
    pub person_name: Option<String>,
    pub after_hours: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueryRecord {
    pub id: i64,
    pub queried_at: DateTime<Utc>,
    pub operator_id: i64,
    pub unit_id: i64,
    pub client_ip: Option<String>,
    pub business_type: String,
    pub case_number: String,
    pub national_id: String,
    pub person_name: Option<String>,
    pub after_hours: bool,
    pub seal_version_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewComparison {
    pub query_id: i64,
    pub seal_version_id: i64,
    pub questioned: ImageBlob,
    pub operator_id: i64,
    pub unit_id: i64,
    pub created_at: DateTime<Utc>,
    pub browser_score: f64,
    pub browser_band: String,
    pub browser_json: String,
    pub manual_alignment: Option<String>,
    pub server_score: f64,
    pub server_band: String,
    pub server_json: String,
    pub auto_score: f64,
    pub auto_band: String,
    pub discrepancy: bool,
    pub decision: String,
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
    pub browser_band: String,
    pub browser_json: String,
    pub manual_alignment: Option<String>,
    pub server_score: f64,
    pub server_band: String,
    pub server_json: String,
    pub auto_score: f64,
    pub auto_band: String,
    pub discrepancy: bool,
    pub decision: String,
    pub comment: String,
    pub verification_code: String,
    // from the query
    pub queried_at: DateTime<Utc>,
    pub business_type: String,
    pub case_number: String,
    pub national_id: String,
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
    pub kind: String,
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

#[async_trait]
pub trait RegistryStore: Send + Sync {
    // ---- images
    async fn image(&self, sha256: &str) -> StoreResult<Option<ImageBlob>>;

    // ---- the registry
    /// Add a version (the next number for the person); creates the person when new.
    async fn add_seal_version(&self, new: &NewSealVersion, trail: TrailDraft) -> StoreResult<SealVersionRecord>;
    /// Every version, oldest first.
    async fn seal_versions(&self, national_id: &str) -> StoreResult<Vec<SealVersionRecord>>;
    async fn seal_version(&self, id: i64) -> StoreResult<Option<SealVersionRecord>>;
    async fn person(&self, national_id: &str) -> StoreResult<Option<PersonRecord>>;
    async fn count_persons(&self) -> StoreResult<i64>;

    // ---- the query log
    /// Record the query and its trail event in one transaction, then return it with the
    /// person's current seal version (if any).
    async fn record_query(
        &self,
        new: &NewQuery,
        trail: TrailDraft,
    ) -> StoreResult<(QueryRecord, Option<SealVersionRecord>)>;
    async fn query(&self, id: i64) -> StoreResult<Option<QueryRecord>>;

    // ---- comparisons
    /// Store the questioned image (once per content) and the record with its trail event.
    async fn create_comparison(&self, new: &NewComparison, trail: TrailDraft) -> StoreResult<i64>;
    async fn comparison(&self, id: i64) -> StoreResult<Option<ComparisonRecord>>;
    async fn comparison_by_code(&self, code: &str) -> StoreResult<Option<ComparisonRecord>>;
    async fn comparison_for_query(&self, query_id: i64) -> StoreResult<Option<i64>>;
    async fn list_comparisons(&self, filter: ComparisonFilter) -> StoreResult<Vec<ComparisonRecord>>;
    async fn add_comparison_note(
        &self,
        comparison_id: i64,
        kind: &str,
        author_id: i64,
        text: &str,
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<i64>;
    async fn comparison_notes(&self, comparison_id: i64) -> StoreResult<Vec<ComparisonNote>>;

    // ---- the working-time calendar
    async fn office_hours(&self) -> StoreResult<OfficeHours>;
    async fn set_office_hours(&self, hours: OfficeHours, trail: TrailDraft) -> StoreResult<()>;
    async fn calendar_days(&self) -> StoreResult<Vec<CalendarDay>>;
    async fn set_calendar_day(&self, day: &CalendarDay, by: Option<i64>, trail: TrailDraft) -> StoreResult<()>;
    async fn remove_calendar_day(&self, day: NaiveDate, trail: TrailDraft) -> StoreResult<bool>;
}

pub(super) const SEAL_COLUMNS: &str = "id, national_id, version, image_sha256, registered_on, office_unit_id, reason, \
     unclear, note, created_at, created_by";

pub(super) const QUERY_COLUMNS: &str = "id, queried_at, operator_id, unit_id, client_ip, business_type, case_number, \
     national_id, person_name, after_hours, seal_version_id";

pub(super) const COMPARISON_SELECT: &str = "SELECT c.id, c.query_id, c.seal_version_id, c.questioned_sha256, \
     c.operator_id, c.unit_id, c.created_at, c.browser_score, c.browser_band, c.browser_json, c.manual_alignment, \
     c.server_score, c.server_band, c.server_json, c.auto_score, c.auto_band, c.discrepancy, c.decision, c.comment, \
     c.verification_code, q.queried_at, q.business_type, q.case_number, q.national_id, q.person_name, q.after_hours, \
     a.employee_no AS operator_employee_no, a.name AS operator_name \
     FROM comparison c JOIN seal_query q ON q.id = c.query_id JOIN account a ON a.id = c.operator_id";

#[derive(sqlx::FromRow)]
pub(super) struct BlobRow {
    pub sha256: String,
    pub media_type: String,
    pub width: i64,
    pub height: i64,
    pub data: Vec<u8>,
}

#[derive(sqlx::FromRow)]
pub(super) struct DayRow {
    pub day: NaiveDate,
    pub kind: String,
    pub name: String,
}

impl DayRow {
    pub(super) fn into_day(self) -> StoreResult<CalendarDay> {
        let kind =
            DayKind::parse(&self.kind).ok_or_else(|| super::StoreError::Corrupt(format!("day kind {}", self.kind)))?;
        Ok(CalendarDay { date: self.day, kind, name: self.name })
    }
}

/// Implements [`RegistryStore`] for a store made by `impl_store!` (it uses that macro's
/// `begin` and `trail_in`).
macro_rules! impl_registry {
    ($store:ident, $db:ty) => {
        impl $store {
            async fn put_image(tx: &mut sqlx::Transaction<'static, $db>, img: &ImageBlob, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO image_blob (sha256, media_type, byte_len, width, height, data, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(&img.sha256)
                .bind(&img.media_type)
                .bind(img.data.len() as i64)
                .bind(img.width as i64)
                .bind(img.height as i64)
                .bind(&img.data)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Add a version inside the caller's transaction (the next number for the person;
            /// creates the person when new).
            pub(super) async fn insert_seal_version_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                new: &NewSealVersion,
            ) -> StoreResult<SealVersionRecord> {
                sqlx::query(
                    "INSERT INTO person (national_id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (national_id) DO NOTHING",
                )
                .bind(&new.national_id)
                .bind(new.person_name.as_deref().unwrap_or(""))
                .bind(new.now)
                .execute(&mut **tx)
                .await?;
                if let Some(name) = new.person_name.as_deref().filter(|n| !n.is_empty()) {
                    sqlx::query("UPDATE person SET name = $1 WHERE national_id = $2")
                        .bind(name)
                        .bind(&new.national_id)
                        .execute(&mut **tx)
                        .await?;
                }
                Self::put_image(tx, &new.image, new.now).await?;
                let (next,): (i64,) =
                    sqlx::query_as("SELECT COALESCE(MAX(version), 0) + 1 FROM seal_version WHERE national_id = $1")
                        .bind(&new.national_id)
                        .fetch_one(&mut **tx)
                        .await?;
                let rec: SealVersionRecord = sqlx::query_as(&format!(
                    "INSERT INTO seal_version (national_id, version, image_sha256, registered_on, office_unit_id, reason, \
                     unclear, note, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     RETURNING {SEAL_COLUMNS}"
                ))
                .bind(&new.national_id)
                .bind(next)
                .bind(&new.image.sha256)
                .bind(new.registered_on)
                .bind(new.office_unit_id)
                .bind(new.reason.code())
                .bind(new.unclear)
                .bind(&new.note)
                .bind(new.now)
                .bind(new.created_by)
                .fetch_one(&mut **tx)
                .await
                .map_err(|e| map_unique(e, "seal version"))?;
                Ok(rec)
            }

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
        impl RegistryStore for $store {
            async fn image(&self, sha256: &str) -> StoreResult<Option<ImageBlob>> {
                let row: Option<BlobRow> =
                    sqlx::query_as("SELECT sha256, media_type, width, height, data FROM image_blob WHERE sha256 = $1")
                        .bind(sha256)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(|r| ImageBlob {
                    sha256: r.sha256,
                    media_type: r.media_type,
                    width: r.width.max(0) as u32,
                    height: r.height.max(0) as u32,
                    data: r.data,
                }))
            }

            async fn add_seal_version(&self, new: &NewSealVersion, trail: TrailDraft) -> StoreResult<SealVersionRecord> {
                let mut tx = self.begin().await?;
                let rec = Self::insert_seal_version_in(&mut tx, new).await?;
                Self::trail_in(&mut tx, &self.key, trail.object("seal_version", rec.id)).await?;
                tx.commit().await?;
                Ok(rec)
            }

            async fn seal_versions(&self, national_id: &str) -> StoreResult<Vec<SealVersionRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {SEAL_COLUMNS} FROM seal_version WHERE national_id = $1 ORDER BY version"
                ))
                .bind(national_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn seal_version(&self, id: i64) -> StoreResult<Option<SealVersionRecord>> {
                Ok(sqlx::query_as(&format!("SELECT {SEAL_COLUMNS} FROM seal_version WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn person(&self, national_id: &str) -> StoreResult<Option<PersonRecord>> {
                Ok(sqlx::query_as("SELECT national_id, name, created_at FROM person WHERE national_id = $1")
                    .bind(national_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn count_persons(&self) -> StoreResult<i64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM person").fetch_one(&self.pool).await?;
                Ok(n)
            }

            async fn record_query(
                &self,
                new: &NewQuery,
                trail: TrailDraft,
            ) -> StoreResult<(QueryRecord, Option<SealVersionRecord>)> {
                let mut tx = self.begin().await?;
                let current: Option<SealVersionRecord> = sqlx::query_as(&format!(
                    "SELECT {SEAL_COLUMNS} FROM seal_version WHERE national_id = $1 ORDER BY version DESC LIMIT 1"
                ))
                .bind(&new.national_id)
                .fetch_optional(&mut *tx)
                .await?;
                let rec: QueryRecord = sqlx::query_as(&format!(
                    "INSERT INTO seal_query (queried_at, operator_id, unit_id, client_ip, business_type, case_number, \
                     national_id, person_name, after_hours, seal_version_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {QUERY_COLUMNS}"
                ))
                .bind(new.queried_at)
                .bind(new.operator_id)
                .bind(new.unit_id)
                .bind(&new.client_ip)
                .bind(&new.business_type)
                .bind(&new.case_number)
                .bind(&new.national_id)
                .bind(&new.person_name)
                .bind(new.after_hours)
                .bind(current.as_ref().map(|s| s.id))
                .fetch_one(&mut *tx)
                .await?;
                Self::trail_in(&mut tx, &self.key, trail.object("seal_query", rec.id)).await?;
                tx.commit().await?;
                Ok((rec, current))
            }

            async fn query(&self, id: i64) -> StoreResult<Option<QueryRecord>> {
                Ok(sqlx::query_as(&format!("SELECT {QUERY_COLUMNS} FROM seal_query WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn create_comparison(&self, new: &NewComparison, trail: TrailDraft) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                Self::put_image(&mut tx, &new.questioned, new.created_at).await?;
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
                .bind(&new.browser_band)
                .bind(&new.browser_json)
                .bind(&new.manual_alignment)
                .bind(new.server_score)
                .bind(&new.server_band)
                .bind(&new.server_json)
                .bind(new.auto_score)
                .bind(&new.auto_band)
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
                kind: &str,
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

            async fn office_hours(&self) -> StoreResult<OfficeHours> {
                let (s, e): (i64, i64) = sqlx::query_as("SELECT start_minute, end_minute FROM office_hours WHERE id = 1")
                    .fetch_one(&self.pool)
                    .await?;
                OfficeHours::from_minutes(s, e).map_err(|e| StoreError::Corrupt(format!("office hours: {e}")))
            }

            async fn set_office_hours(&self, hours: OfficeHours, trail: TrailDraft) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let (s, e) = hours.minutes();
                sqlx::query("UPDATE office_hours SET start_minute = $1, end_minute = $2 WHERE id = 1")
                    .bind(s)
                    .bind(e)
                    .execute(&mut *tx)
                    .await?;
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn calendar_days(&self) -> StoreResult<Vec<CalendarDay>> {
                let rows: Vec<DayRow> =
                    sqlx::query_as("SELECT day, kind, name FROM calendar_day ORDER BY day").fetch_all(&self.pool).await?;
                rows.into_iter().map(DayRow::into_day).collect()
            }

            async fn set_calendar_day(&self, day: &CalendarDay, by: Option<i64>, trail: TrailDraft) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                sqlx::query(
                    "INSERT INTO calendar_day (day, kind, name, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, \
                     updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                )
                .bind(day.date)
                .bind(day.kind.code())
                .bind(&day.name)
                .bind(trail.occurred_at)
                .bind(by)
                .execute(&mut *tx)
                .await?;
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn remove_calendar_day(&self, day: NaiveDate, trail: TrailDraft) -> StoreResult<bool> {
                let mut tx = self.begin().await?;
                let r = sqlx::query("DELETE FROM calendar_day WHERE day = $1").bind(day).execute(&mut *tx).await?;
                if r.rows_affected() == 0 {
                    return Ok(false);
                }
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(true)
            }
        }
    };
}

pub(super) use impl_registry;
