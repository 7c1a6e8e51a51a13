//! Acknowledgements of the notice on official use and personal data (作業規定五(二)1、九) in
//! the store: appended with their trail row, never changed (the table's triggers refuse it).
//! Written once for both databases. A row decodes into `domain::acknowledgement`'s types; one
//! that does not is an error naming the row.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{StoreError, StoreResult};
use crate::domain::acknowledgement::{Acknowledgement, Notice, NoticeHash, NoticeVersion};
use crate::server::trail::TrailDraft;

/// An acknowledgement about to be recorded.
#[derive(Debug, Clone)]
pub struct NewAcknowledgement {
    pub account_id: i64,
    pub notice: Notice,
    pub client_ip: Option<String>,
    pub now: DateTime<Utc>,
}

/// The row as stored, before its columns are checked.
pub(super) type Row = (i64, i64, DateTime<Utc>, i64, String, Option<String>);

pub(super) const ACKNOWLEDGEMENT_COLUMNS: &str =
    "id, account_id, acknowledged_at, notice_version, notice_hash, client_ip";

/// The row as the domain's acknowledgement; a version or hash that is not one is `Corrupt`.
pub(super) fn decode((id, account_id, acknowledged_at, version, hash, client_ip): Row) -> StoreResult<Acknowledgement> {
    let corrupt =
        |e: crate::domain::acknowledgement::NoticeError| StoreError::Corrupt(format!("acknowledgement {id}: {e}"));
    Ok(Acknowledgement {
        id,
        account_id,
        acknowledged_at,
        notice: Notice {
            version: NoticeVersion::new(version).map_err(corrupt)?,
            hash: NoticeHash::parse(&hash).map_err(corrupt)?,
        },
        client_ip,
    })
}

#[async_trait]
pub trait AcknowledgementStore: Send + Sync {
    /// Append an acknowledgement and its trail row in one transaction; its id.
    async fn record_acknowledgement(&self, new: &NewAcknowledgement, trail: TrailDraft) -> StoreResult<i64>;
    /// The account's latest acknowledgement (the last recorded), if any.
    async fn last_acknowledgement(&self, account_id: i64) -> StoreResult<Option<Acknowledgement>>;
    /// Every account's latest acknowledgement (accounts that never acknowledged are absent).
    async fn last_acknowledgements(&self) -> StoreResult<Vec<Acknowledgement>>;
}

macro_rules! impl_acknowledgements {
    ($store:ident, $db:ty) => {
        #[async_trait]
        impl AcknowledgementStore for $store {
            async fn record_acknowledgement(&self, new: &NewAcknowledgement, trail: TrailDraft) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO acknowledgement (account_id, acknowledged_at, notice_version, notice_hash, client_ip) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(new.account_id)
                .bind(new.now)
                .bind(new.notice.version.get())
                .bind(new.notice.hash.as_str())
                .bind(&new.client_ip)
                .fetch_one(&mut *tx)
                .await?;
                Self::trail_in(&mut tx, &self.key, trail.object("acknowledgement", id)).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn last_acknowledgement(&self, account_id: i64) -> StoreResult<Option<$crate::domain::acknowledgement::Acknowledgement>> {
                let row: Option<$crate::server::store::acknowledgements::Row> = sqlx::query_as(&format!(
                    "SELECT {ACKNOWLEDGEMENT_COLUMNS} FROM acknowledgement WHERE account_id = $1 ORDER BY id DESC LIMIT 1"
                ))
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await?;
                row.map($crate::server::store::acknowledgements::decode).transpose()
            }

            async fn last_acknowledgements(&self) -> StoreResult<Vec<$crate::domain::acknowledgement::Acknowledgement>> {
                let rows: Vec<$crate::server::store::acknowledgements::Row> = sqlx::query_as(&format!(
                    "SELECT {ACKNOWLEDGEMENT_COLUMNS} FROM acknowledgement WHERE id IN \
                     (SELECT MAX(id) FROM acknowledgement GROUP BY account_id) ORDER BY account_id"
                ))
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map($crate::server::store::acknowledgements::decode).collect()
            }
        }
    };
}

pub(super) use impl_acknowledgements;
