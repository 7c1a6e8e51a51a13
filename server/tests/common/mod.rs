//! Test support: a fresh database of either kind, and a full application router on it.
#![allow(dead_code)]

use std::sync::Arc;

use app::server::store::{DynStore, Pool};

pub const KEY: &[u8] = b"test-audit-key-0123456789abcdef-0123456789";

pub enum Kind {
    Sqlite,
    Postgres,
}

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    pub store: DynStore,
    pub pool: Pool,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

/// The PostgreSQL server for tests, or None (with a loud note) when none answers and it is
/// not required. `make test` sets YINJIAN_REQUIRE_PG=1 when a server answers, and CI always.
pub async fn pg_admin_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let required = std::env::var("YINJIAN_REQUIRE_PG").is_ok_and(|v| v == "1");
    match sqlx::PgPool::connect(&url).await {
        Ok(p) => {
            p.close().await;
            Some(url)
        }
        Err(e) if required => panic!("PostgreSQL at {url} is required but does not answer: {e}"),
        Err(e) => {
            eprintln!("!!! SKIPPING a PostgreSQL test: no server answers at {url}: {e}");
            None
        }
    }
}

impl TestDb {
    pub async fn new(kind: Kind) -> Option<Self> {
        match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                let (store, pool) = app::server::store::open(&url, Arc::new(KEY.to_vec())).await.expect("open sqlite");
                store.migrate().await.expect("migrate sqlite");
                Some(Self { url, store, pool, _dir: Some(dir), pg_admin: None })
            }
            Kind::Postgres => {
                let admin = pg_admin_url().await?;
                let name = format!("yinjian_test_{}_{}", std::process::id(), rand_suffix());
                let conn = sqlx::PgPool::connect(&admin).await.expect("pg admin");
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&conn).await.expect("create database");
                conn.close().await;
                let url = replace_db(&admin, &name);
                let (store, pool) = app::server::store::open(&url, Arc::new(KEY.to_vec())).await.expect("open pg");
                store.migrate().await.expect("migrate pg");
                Some(Self { url, store, pool, _dir: None, pg_admin: Some((admin, name)) })
            }
        }
    }

    /// A raw connection pool on the same database, to act behind the application's back.
    pub async fn exec(&self, sql: &str) {
        match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::raw_sql(sql).execute(p).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Pool::Postgres(p) => {
                sqlx::raw_sql(sql).execute(p).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        }
    }

    pub async fn try_exec(&self, sql: &str) -> Result<(), sqlx::Error> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
            Pool::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
        }
    }

    pub async fn close(self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
        if let Some((admin, name)) = &self.pg_admin {
            if let Ok(conn) = sqlx::PgPool::connect(admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&conn).await;
                conn.close().await;
            }
        }
    }
}

fn rand_suffix() -> String {
    use rand::Rng;
    let mut r = rand::rng();
    (0..8).map(|_| (b'a' + r.random_range(0..26u8)) as char).collect()
}

fn replace_db(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Run one async test body on both databases.
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = $crate::common::TestDb::new($crate::common::Kind::Sqlite).await.expect("sqlite");
                super::$name(&db).await;
                db.close().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(db) = $crate::common::TestDb::new($crate::common::Kind::Postgres).await else { return };
                super::$name(&db).await;
                db.close().await;
            })*
        }
    };
}
