//! The clock check of 附件三 4(9): the trail's times come from the instances, its order
//! from the database, so each instance's clock must agree with the database server's. And the
//! unsafe-setting check: malware scanning off on a database that real people use.

use chrono::{DateTime, Utc};

use super::store::{DynStore, StoreResult};

/// Above this the check warns (on `/healthz`, in the log and on `/admin/security`).
pub const CLOCK_TOLERANCE_MS: i64 = 1000;

/// This instance's clock minus the database's, in milliseconds, measured around one round trip
/// (the database's reading is taken as the round trip's midpoint).
pub async fn clock_offset_ms(store: &DynStore) -> StoreResult<i64> {
    let t0 = Utc::now();
    let db: DateTime<Utc> = store.db_now().await?;
    let t1 = Utc::now();
    let mid = t0 + (t1 - t0) / 2;
    Ok((mid - db).num_milliseconds())
}

/// Whether malware scanning is off (`YINJIAN_CLAMD=off`) on a database with any account other
/// than the demo ones: uploads of real people are then not scanned (附件三 3(8)). The server
/// warns at every start and the administrator's home page says so.
pub async fn scanning_off_in_use(store: &DynStore, scanning: bool) -> StoreResult<bool> {
    if scanning {
        return Ok(false);
    }
    Ok(store.list_accounts().await?.iter().any(|a| !super::seed::is_demo_account(&a.employee_no, &a.name)))
}
