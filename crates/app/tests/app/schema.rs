//! The two backends' migrations describe the same schema: the same tables, the
//! same columns with the same nullability, the same named indexes and the same
//! triggers. A migration added to one folder and forgotten (or changed) in the
//! other fails here.

use std::collections::BTreeSet;

use benk_app::db::DbOptions;
use benk_app::{testing, App, Settings};
use sqlx::Connection;
use uuid::Uuid;

/// Table, column, "NOT NULL" or "NULL".
type Columns = BTreeSet<(String, String, &'static str)>;

struct Schema {
    columns: Columns,
    indexes: BTreeSet<String>,
    triggers: BTreeSet<String>,
}

fn nullability(not_null: bool) -> &'static str {
    if not_null {
        "NOT NULL"
    } else {
        "NULL"
    }
}

async fn sqlite_schema() -> Schema {
    let dir = std::env::temp_dir().join(format!("benk-schema-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}", dir.join("t.db").display());
    let app = App::open(&DbOptions::new(url), Settings::default())
        .await
        .unwrap();
    let cols: Vec<(String, String, i64, i64)> = testing::db(&app)
        .all(
            "SELECT m.name, p.name, p.\"notnull\", p.pk FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
            vec![],
        )
        .await
        .unwrap();
    let names = |kind: &'static str| {
        let app = app.clone();
        async move {
            testing::db(&app)
                .all::<(String,)>(
                    "SELECT name FROM sqlite_master WHERE type = $1 AND name NOT LIKE 'sqlite_%'",
                    vec![kind.into()],
                )
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.0)
                .collect::<BTreeSet<_>>()
        }
    };
    let schema = Schema {
        // A primary-key column is NOT NULL on PostgreSQL; SQLite's pragma does
        // not say so unless it is declared.
        columns: cols
            .into_iter()
            .map(|(t, c, nn, pk)| (t, c, nullability(nn == 1 || pk > 0)))
            .collect(),
        indexes: names("index").await,
        triggers: names("trigger").await,
    };
    app.close().await;
    let _ = std::fs::remove_dir_all(dir);
    schema
}

async fn postgres_schema() -> Schema {
    let base = testing::pg_base_url();
    let schema = format!("benk_schema_{}", Uuid::now_v7().simple());
    let mut c = sqlx::PgConnection::connect(&base).await.unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut c)
        .await
        .unwrap();
    let url = testing::pg_schema_url(&base, &schema);
    let app = App::open(&DbOptions::new(url), Settings::default())
        .await
        .unwrap();
    let cols: Vec<(String, String, String)> = testing::db(&app)
        .all(
            "SELECT table_name::TEXT, column_name::TEXT, is_nullable::TEXT FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%'",
            vec![],
        )
        .await
        .unwrap();
    // Indexes that back a primary key or unique constraint are implicit in SQLite.
    let indexes: Vec<(String,)> = testing::db(&app)
        .all(
            "SELECT i.indexname::TEXT FROM pg_indexes i WHERE i.schemaname = current_schema() \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
                             WHERE n.nspname = current_schema() AND c.conname = i.indexname) \
             AND i.tablename NOT LIKE '\\_sqlx%'",
            vec![],
        )
        .await
        .unwrap();
    let triggers: Vec<(String,)> = testing::db(&app)
        .all(
            "SELECT DISTINCT trigger_name::TEXT FROM information_schema.triggers WHERE trigger_schema = current_schema()",
            vec![],
        )
        .await
        .unwrap();
    app.close().await;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&mut c)
        .await
        .unwrap();
    Schema {
        columns: cols
            .into_iter()
            .map(|(t, c, n)| (t, c, nullability(n == "NO")))
            .collect(),
        indexes: indexes.into_iter().map(|r| r.0).collect(),
        triggers: triggers.into_iter().map(|r| r.0).collect(),
    }
}

fn diff<T: Ord + std::fmt::Debug + Clone>(
    what: &str,
    sqlite: &BTreeSet<T>,
    pg: &BTreeSet<T>,
) -> Vec<String> {
    let mut out = Vec::new();
    for x in sqlite.difference(pg) {
        out.push(format!("{what} only in SQLite: {x:?}"));
    }
    for x in pg.difference(sqlite) {
        out.push(format!("{what} only in PostgreSQL: {x:?}"));
    }
    out
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_schema() {
    let (s, p) = tokio::join!(sqlite_schema(), postgres_schema());
    assert!(
        s.columns.len() > 50,
        "the SQLite schema was read: {} columns",
        s.columns.len()
    );
    let mut problems = diff("column", &s.columns, &p.columns);
    problems.extend(diff("index", &s.indexes, &p.indexes));
    problems.extend(diff("trigger", &s.triggers, &p.triggers));
    assert!(
        problems.is_empty(),
        "the schemas differ:\n{}",
        problems.join("\n")
    );
}
