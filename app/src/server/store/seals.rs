//! The register of seals: content-addressed images, persons and their registered-seal
//! versions. Written once for both databases.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::StoreResult;
use crate::server::trail::TrailDraft;

#[async_trait]
pub trait SealStore: Send + Sync {
    async fn image(&self, sha256: &str) -> StoreResult<Option<ImageBlob>>;

    /// Add a version (the next number for the person); creates the person when new.
    async fn add_seal_version(&self, new: &NewSealVersion, trail: TrailDraft) -> StoreResult<SealVersionRecord>;

    /// Every version, oldest first.
    async fn seal_versions(&self, national_id: &str) -> StoreResult<Vec<SealVersionRecord>>;

    async fn seal_version(&self, id: i64) -> StoreResult<Option<SealVersionRecord>>;

    async fn person(&self, national_id: &str) -> StoreResult<Option<PersonRecord>>;

    async fn count_persons(&self) -> StoreResult<i64>;
}

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

pub use crate::domain::seal::SealReason;

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
    pub reason: SealReason,
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

#[derive(sqlx::FromRow)]
pub(super) struct BlobRow {
    pub sha256: String,
    pub media_type: String,
    pub width: i64,
    pub height: i64,
    pub data: Vec<u8>,
}

pub(super) const SEAL_COLUMNS: &str = "id, national_id, version, image_sha256, registered_on, office_unit_id, reason, \
     unclear, note, created_at, created_by";

/// Implements [`SealStore`] for a store made by `impl_database!`.
macro_rules! impl_seals {
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
        }

        #[async_trait]
        impl SealStore for $store {
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
        }
    };
}

pub(super) use impl_seals;
