//! A year of look-ups for the benchmarks (`make bench-inbox`; the record search's benchmark of
//! the next issue seeds with it too): `units` using units (the reference data's bureau sections
//! and land offices, more made up to the number), `operators` clerks spread over them with a
//! supervisor each, and `lookups` queries spread evenly over `months` months up to now, in
//! office hours, each against one of the demo people. Most have their comparison (copied from
//! one real comparison made through the API, so every row decodes as the app's types); a share
//! is left without one (未完成比對) and a share closed with a reason (不比對).
//!
//! Rows go in with multi-row INSERTs through the database's own pool, not through the use cases:
//! the point is a realistic table, not a realistic trail (the trail's chain gets none of them).

use chrono::{DateTime, Duration, Utc};

use app::domain::{unit::UnitSeed, Role, UnitKind};
use app::server::store::{DynStore, NewAccount, Pool, StoreResult};
use app::server::trail::{Outcome, TrailAction, TrailDraft};

/// A scratch database for a benchmark: a SQLite file in `dir` (with `sqlite_params`, e.g.
/// `?synchronous=normal`), or a new database on TEST_DATABASE_URL's PostgreSQL server. Dropped
/// with [`Scratch::drop_database`].
pub struct Scratch {
    pub url: String,
    pg: Option<(sqlx::PgPool, String)>,
}

impl Scratch {
    pub async fn new(db: &str, dir: &std::path::Path, label: &str, sqlite_params: &str) -> Self {
        if db == "sqlite" {
            return Self {
                url: format!("sqlite://{}{sqlite_params}", dir.join(format!("{label}.db")).display()),
                pg: None,
            };
        }
        let admin =
            std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let name = format!("yinjian_{label}_{}", std::process::id());
        let conn = sqlx::PgPool::connect(&admin).await.expect("PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&conn).await.expect("CREATE DATABASE");
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).expect("a database URL");
        Self { url: format!("{base}/{name}"), pg: Some((conn, name)) }
    }

    /// Drop the PostgreSQL database (the SQLite file goes with its directory).
    pub async fn drop_database(self) {
        if let Some((conn, name)) = self.pg {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&conn).await;
        }
    }
}

/// What to seed.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub lookups: usize,
    pub months: i64,
    pub units: usize,
    pub operators: usize,
    /// Per thousand look-ups: left without a comparison, and closed without one.
    pub unfinished_per_mille: usize,
    pub closed_per_mille: usize,
}

impl Default for Spec {
    fn default() -> Self {
        Self { lookups: 100_000, months: 12, units: 20, operators: 200, unfinished_per_mille: 20, closed_per_mille: 10 }
    }
}

/// What was seeded: the accounts (employee numbers) to sign in as.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// (employee number, unit id) of each clerk.
    pub clerks: Vec<(String, i64)>,
    /// (employee number, unit id) of each unit's supervisor.
    pub supervisors: Vec<(String, i64)>,
    pub unit_ids: Vec<i64>,
}

const EXTRA_UNITS: &[UnitSeed] = &[
    UnitSeed {
        code: "BX-01", name_zh: "壓測地政事務所一", name_en: "Bench land office 1", kind: UnitKind::LandOffice
    },
    UnitSeed {
        code: "BX-02", name_zh: "壓測地政事務所二", name_en: "Bench land office 2", kind: UnitKind::LandOffice
    },
    UnitSeed {
        code: "BX-03", name_zh: "壓測地政事務所三", name_en: "Bench land office 3", kind: UnitKind::LandOffice
    },
    UnitSeed {
        code: "BX-04", name_zh: "壓測地政事務所四", name_en: "Bench land office 4", kind: UnitKind::LandOffice
    },
    UnitSeed {
        code: "BX-05", name_zh: "壓測地政事務所五", name_en: "Bench land office 5", kind: UnitKind::LandOffice
    },
];

/// The demo people (`seed::seed_demo_seals`) the look-ups are of.
const PEOPLE: &[&str] = &["A123456789", "A128603153", "B123456780", "F123456784"];

/// Accounts and units. `password_hash` is shared (hashing 200 passwords would be the bench).
pub async fn accounts(store: &DynStore, spec: Spec, password_hash: &str) -> StoreResult<Seeded> {
    store.ensure_units(EXTRA_UNITS, Utc::now()).await?;
    let mut units: Vec<_> =
        store.list_units().await?.into_iter().filter(|u| u.kind != UnitKind::HouseholdOffice).map(|u| u.id).collect();
    units.truncate(spec.units);
    let mut out = Seeded { clerks: Vec::new(), supervisors: Vec::new(), unit_ids: units.clone() };
    let new = |no: String, unit_id: i64, role: Role, n: usize| NewAccount {
        employee_no: no,
        name: format!("壓測{n}"),
        unit_id,
        email: String::new(),
        phone: String::new(),
        password_hash: password_hash.to_string(),
        must_change_password: false,
        one_time_until: None,
        roles: vec![role],
        now: Utc::now() - Duration::days(400),
    };
    let draft = || TrailDraft::new(TrailAction::AccountCreate, Outcome::Success);
    for i in 0..spec.operators {
        let unit = units[i % units.len()];
        let no = format!("B{:04}", i + 1);
        store.create_account(&new(no.clone(), unit, Role::Clerk, i + 1), draft()).await?;
        out.clerks.push((no, unit));
    }
    for (i, unit) in units.iter().enumerate() {
        let no = format!("S{:04}", 9000 + i);
        store.create_account(&new(no.clone(), *unit, Role::Supervisor, 9000 + i), draft()).await?;
        out.supervisors.push((no, *unit));
    }
    Ok(out)
}

/// One look-up row to insert.
struct Row {
    at: DateTime<Utc>,
    operator: i64,
    unit: i64,
    case: String,
    person: &'static str,
}

/// The look-ups, then their comparisons copied from `template` (a real comparison's id), then
/// the closings. `operators`: (account id, unit id) of each clerk.
pub async fn lookups(
    pool: &Pool,
    spec: Spec,
    operators: &[(i64, i64)],
    template: i64,
    now: DateTime<Utc>,
) -> StoreResult<std::ops::Range<i64>> {
    let span = Duration::days(30 * spec.months);
    let start = now - span;
    let step = span.num_seconds() as f64 / spec.lookups.max(1) as f64;
    let rows: Vec<Row> = (0..spec.lookups)
        .map(|i| {
            let (operator, unit) = operators[(i * 7919) % operators.len()];
            // spread over the span, then into office hours (08:30–17:00 Taipei = 00:30–09:00 UTC)
            let t = start + Duration::seconds((i as f64 * step) as i64);
            let day = t.date_naive().and_hms_opt(0, 30, 0).unwrap().and_utc();
            let at = day + Duration::seconds((i as i64 * 613) % (8 * 3600 + 1800));
            Row {
                at,
                operator,
                unit,
                case: format!("115年壓測字第{:06}號", i % 1_000_000),
                person: PEOPLE[i % PEOPLE.len()],
            }
        })
        .collect();
    let first = max_id(pool, "seal_query").await? + 1;
    macro_rules! insert {
        ($p:expr, $db:ty) => {{
            for chunk in rows.chunks(1000) {
                let mut b = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO seal_query (queried_at, operator_id, unit_id, client_ip, business_type, case_number, \
                     national_id, person_name, after_hours, seal_version_id) ",
                );
                b.push_values(chunk, |mut v, r| {
                    v.push_bind(r.at)
                        .push_bind(r.operator)
                        .push_bind(r.unit)
                        .push_bind("127.0.0.1")
                        .push_bind("land_registration")
                        .push_bind(&r.case)
                        .push_bind(r.person)
                        .push_bind(None::<String>)
                        .push_bind(false)
                        .push_bind(None::<i64>);
                });
                b.build().execute($p).await?;
            }
            let last = first + rows.len() as i64 - 1;
            let skip = spec.unfinished_per_mille + spec.closed_per_mille;
            // the comparisons, from the template: all but the unfinished and closed shares
            sqlx::query(
                "INSERT INTO comparison (query_id, seal_version_id, questioned_sha256, operator_id, unit_id, created_at, \
                 browser_score, browser_band, browser_json, manual_alignment, server_score, server_band, server_json, \
                 auto_score, auto_band, discrepancy, decision, comment, verification_code) \
                 SELECT q.id, t.seal_version_id, t.questioned_sha256, q.operator_id, q.unit_id, q.queried_at, \
                 t.browser_score, t.browser_band, t.browser_json, t.manual_alignment, t.server_score, t.server_band, \
                 t.server_json, t.auto_score, t.auto_band, t.discrepancy, t.decision, t.comment, \
                 'B' || CAST(q.id AS TEXT) FROM seal_query q, comparison t \
                 WHERE t.id = $1 AND q.id BETWEEN $2 AND $3 AND q.id % 1000 >= $4",
            )
            .bind(template)
            .bind(first)
            .bind(last)
            .bind(skip as i64)
            .execute($p)
            .await?;
            sqlx::query(
                "INSERT INTO query_closing (query_id, closed_by, closed_at, reason) \
                 SELECT q.id, q.operator_id, q.queried_at, '申請人未到場' FROM seal_query q \
                 WHERE q.id BETWEEN $1 AND $2 AND q.id % 1000 >= $3 AND q.id % 1000 < $4",
            )
            .bind(first)
            .bind(last)
            .bind(spec.unfinished_per_mille as i64)
            .bind(skip as i64)
            .execute($p)
            .await?;
            Ok(first..last + 1)
        }};
    }
    match pool {
        Pool::Sqlite(p) => insert!(p, sqlx::Sqlite),
        Pool::Postgres(p) => insert!(p, sqlx::Postgres),
    }
}

async fn max_id(pool: &Pool, table: &str) -> StoreResult<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
    Ok(match pool {
        Pool::Sqlite(p) => sqlx::query_scalar::<_, i64>(&sql).fetch_one(p).await?,
        Pool::Postgres(p) => sqlx::query_scalar::<_, i64>(&sql).fetch_one(p).await?,
    })
}
