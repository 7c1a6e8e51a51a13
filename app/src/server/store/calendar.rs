//! The working-time calendar: office hours, holidays and make-up working days. Written once
//! for both databases.

use async_trait::async_trait;
use chrono::NaiveDate;

use super::StoreResult;
use crate::domain::{CalendarDay, DayKind, OfficeHours};
use crate::server::trail::TrailDraft;

#[async_trait]
pub trait CalendarStore: Send + Sync {
    async fn office_hours(&self) -> StoreResult<OfficeHours>;

    async fn set_office_hours(&self, hours: OfficeHours, trail: TrailDraft) -> StoreResult<()>;

    async fn calendar_days(&self) -> StoreResult<Vec<CalendarDay>>;

    async fn set_calendar_day(&self, day: &CalendarDay, by: Option<i64>, trail: TrailDraft) -> StoreResult<()>;

    async fn remove_calendar_day(&self, day: NaiveDate, trail: TrailDraft) -> StoreResult<bool>;
}

#[derive(sqlx::FromRow)]
pub(super) struct DayRow {
    pub day: NaiveDate,
    pub kind: String,
    pub name: String,
}

impl DayRow {
    pub(super) fn into_day(self) -> StoreResult<CalendarDay> {
        let kind = DayKind::parse(&self.kind)
            .ok_or_else(|| super::StoreError::Corrupt(format!("calendar_day {}: kind {:?}", self.day, self.kind)))?;
        Ok(CalendarDay { date: self.day, kind, name: self.name })
    }
}

/// Implements [`CalendarStore`] for a store made by `impl_database!`.
macro_rules! impl_calendar {
    ($store:ident, $db:ty) => {
        #[async_trait]
        impl CalendarStore for $store {
            async fn office_hours(&self) -> StoreResult<OfficeHours> {
                let (s, e): (i64, i64) =
                    sqlx::query_as("SELECT start_minute, end_minute FROM office_hours WHERE id = 1")
                        .fetch_one(&self.pool)
                        .await?;
                OfficeHours::from_minutes(s, e).map_err(|e| StoreError::Corrupt(format!("office hours: {e:?}")))
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
                let rows: Vec<DayRow> = sqlx::query_as("SELECT day, kind, name FROM calendar_day ORDER BY day")
                    .fetch_all(&self.pool)
                    .await?;
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

pub(super) use impl_calendar;
