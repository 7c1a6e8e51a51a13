//! Schema parity (#15): the SQLite and the PostgreSQL migrations yield the same tables, the same
//! columns and the same kind of each column (and the same nullability), so the two sets cannot
//! drift apart. SQLite has no date or time type: a `timestamptz` or `date` column of PostgreSQL
//! is TEXT there (the store writes RFC 3339 / ISO dates), which is the one mapping allowed.

use std::collections::BTreeMap;

use crate::common::{Kind, TestDb};
use app::server::store::Pool;

/// table → column → (kind, not null)
type Schema = BTreeMap<String, BTreeMap<String, (String, bool)>>;

fn kind_of_sqlite(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    match t.as_str() {
        "integer" | "bigint" | "int" => "integer",
        "text" => "text",
        "real" | "double" | "double precision" => "real",
        "blob" => "bytes",
        "boolean" => "boolean",
        other => return format!("unmapped sqlite type {other}"),
    }
    .to_string()
}

fn kind_of_postgres(data_type: &str) -> String {
    match data_type {
        "bigint" | "integer" | "smallint" => "integer",
        "text" | "character varying" => "text",
        // no such types in SQLite: TEXT there
        "timestamp with time zone" | "date" => "text",
        "double precision" | "real" => "real",
        "bytea" => "bytes",
        "boolean" => "boolean",
        other => return format!("unmapped postgres type {other}"),
    }
    .to_string()
}

async fn schema(db: &TestDb) -> Schema {
    let mut out = Schema::new();
    match &db.pool {
        Pool::Sqlite(p) => {
            let rows: Vec<(String, String, String, bool, bool)> = sqlx::query_as(
                "SELECT m.name, c.name, c.type, c.\"notnull\", c.pk FROM sqlite_master m \
                 JOIN pragma_table_info(m.name) c \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\'",
            )
            .fetch_all(p)
            .await
            .unwrap();
            for (table, column, declared, not_null, pk) in rows {
                // an INTEGER PRIMARY KEY is never null in SQLite, whatever its declaration says
                out.entry(table).or_default().insert(column, (kind_of_sqlite(&declared), not_null || pk));
            }
        }
        Pool::Postgres(p) => {
            let rows: Vec<(String, String, String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%'",
            )
            .fetch_all(p)
            .await
            .unwrap();
            for (table, column, data_type, nullable) in rows {
                out.entry(table).or_default().insert(column, (kind_of_postgres(&data_type), nullable == "NO"));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_migrations_yield_the_same_schema() {
    let sqlite = TestDb::new(Kind::Sqlite).await.unwrap();
    let Some(pg) = TestDb::new(Kind::Postgres).await else { return };
    let (a, b) = (schema(&sqlite).await, schema(&pg).await);
    assert!(a.len() > 20 && b.len() > 20, "both schemas were read: {} and {} tables", a.len(), b.len());

    let mut drift = Vec::new();
    for table in a.keys().chain(b.keys()).collect::<std::collections::BTreeSet<_>>() {
        match (a.get(table), b.get(table)) {
            (Some(_), None) => drift.push(format!("{table}: only in SQLite")),
            (None, Some(_)) => drift.push(format!("{table}: only in PostgreSQL")),
            (Some(ca), Some(cb)) => {
                for column in ca.keys().chain(cb.keys()).collect::<std::collections::BTreeSet<_>>() {
                    match (ca.get(column), cb.get(column)) {
                        (Some(x), Some(y)) if x == y => {}
                        (x, y) => drift.push(format!("{table}.{column}: SQLite {x:?}, PostgreSQL {y:?}")),
                    }
                }
            }
            (None, None) => unreachable!(),
        }
    }
    sqlite.close().await;
    pg.close().await;
    assert!(drift.is_empty(), "the migrations drifted apart:\n{}", drift.join("\n"));
}
