//! Migrations that move data: a database made by an earlier version of Benk keeps what it
//! held. Each test applies the migrations before the one under test, writes rows as that
//! version did, and lets `App::open` run the rest.

use std::path::PathBuf;

use benk_app::db::DbOptions;
use benk_app::{testing, App, Settings};
use sqlx::Connection;
use uuid::Uuid;

use crate::common;

/// A directory with the migrations of `backend` older than `before`.
fn migrations_before(backend: &str, before: &str) -> PathBuf {
    let all = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let old = std::env::temp_dir().join(format!("benk-old-mig-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&old).unwrap();
    for f in std::fs::read_dir(all).unwrap() {
        let f = f.unwrap();
        let name = f.file_name().into_string().unwrap();
        if name.as_str() < before {
            std::fs::copy(f.path(), old.join(&name)).unwrap();
        }
    }
    old
}

/// Contacts logged before their topics became a column: the topics were rows of
/// `contact_topics`, in any order. After the migration each contact holds its codes in
/// alphabetical order ('' for none), the old table is gone, and the column refuses a code
/// that is not on the list.
async fn contact_topics_move_into_the_contact(backend: &str) {
    const MIGRATION: &str = "20261208000011";
    let old = migrations_before(backend, MIGRATION);
    let migrator = sqlx::migrate::Migrator::new(old.as_path()).await.unwrap();
    let (two, none) = (Uuid::now_v7(), Uuid::now_v7());
    let (org, team, staff, client) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let at = chrono::Utc::now();
    // The rows that version wrote: a person, the staff member who logged two contacts, and
    // the topics of one of them, in no particular order.
    macro_rules! write_old_rows {
        ($c:expr) => {{
            let c = $c;
            sqlx::query(
                "INSERT INTO organisations (id, name, kind, org_number, created_at) \
                 VALUES ($1, 'Testby kommune', 'municipality', '974760673', $2)",
            )
            .bind(org)
            .bind(at)
            .execute(&mut *c)
            .await
            .unwrap();
            sqlx::query("INSERT INTO teams (id, name, created_at) VALUES ($1, 'Testteamet', $2)")
                .bind(team)
                .bind(at)
                .execute(&mut *c)
                .await
                .unwrap();
            sqlx::query(
                "INSERT INTO staff (id, name, profession, home_org_id, created_at) \
                 VALUES ($1, 'Siri Sykepleier', 'social_worker', $2, $3)",
            )
            .bind(staff)
            .bind(org)
            .bind(at)
            .execute(&mut *c)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO clients (id, team_id, name, name_search, owner_org_id, created_by, \
                 created_at, updated_at) VALUES ($1, $2, 'Kari Kontakt', 'kari kontakt', $3, $4, $5, $5)",
            )
            .bind(client)
            .bind(team)
            .bind(org)
            .bind(staff)
            .bind(at)
            .execute(&mut *c)
            .await
            .unwrap();
            for id in [two, none] {
                sqlx::query(
                    "INSERT INTO contacts (id, client_id, team_id, occurred_at, duration_min, kind, \
                     met, place, logged_by, owner_org_id, created_at) \
                     VALUES ($1, $2, $3, $4, 30, 'home_visit', TRUE, NULL, $5, $6, $4)",
                )
                .bind(id)
                .bind(client)
                .bind(team)
                .bind(at)
                .bind(staff)
                .bind(org)
                .execute(&mut *c)
                .await
                .unwrap();
            }
            for t in ["housing", "activity", "finances"] {
                sqlx::query("INSERT INTO contact_topics (contact_id, topic) VALUES ($1, $2)")
                    .bind(two)
                    .bind(t)
                    .execute(&mut *c)
                    .await
                    .unwrap();
            }
        }};
    }
    let (url, place) = match backend {
        "sqlite" => {
            let dir = std::env::temp_dir().join(format!("benk-mig-{}", Uuid::now_v7().simple()));
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite:{}", dir.join("t.db").display());
            let o = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(&url)
                .unwrap()
                .create_if_missing(true);
            let mut c = sqlx::SqliteConnection::connect_with(&o).await.unwrap();
            migrator.run(&mut c).await.unwrap();
            write_old_rows!(&mut c);
            let _ = c.close().await;
            (url, common::Place::Dir(dir))
        }
        _ => {
            let schema = format!("benk_mig_{}", Uuid::now_v7().simple());
            let mut c = sqlx::PgConnection::connect(&testing::pg_base_url())
                .await
                .unwrap();
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&mut c)
                .await
                .unwrap();
            let _ = c.close().await;
            let url = testing::pg_schema_url(&testing::pg_base_url(), &schema);
            let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
            migrator.run(&mut c).await.unwrap();
            write_old_rows!(&mut c);
            let _ = c.close().await;
            (url, common::Place::Schema(schema))
        }
    };
    let _ = std::fs::remove_dir_all(&old);

    // Opening the app runs the rest.
    let app = App::open(&DbOptions::new(url), Settings::default())
        .await
        .unwrap();
    let db = testing::db(&app);
    for (id, expected) in [(two, "activity,finances,housing"), (none, "")] {
        let (topics,): (String,) = db
            .opt(
                "SELECT topics FROM contacts WHERE id = $1",
                benk_app::args![id],
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(topics, expected, "{backend}");
    }
    let gone = db
        .opt::<(i64,)>("SELECT COUNT(*) FROM contact_topics", vec![])
        .await;
    assert!(gone.is_err(), "{backend}: contact_topics is still there");
    // The column takes the codes on the list only, in its form.
    for bad in [
        "housing,bogus",
        "Housing",
        "housing,",
        ",housing",
        "housing,,finances",
    ] {
        let r = db
            .execute_unaudited(
                "UPDATE contacts SET topics = $1 WHERE id = $2",
                benk_app::args![bad, none],
            )
            .await;
        assert!(r.is_err(), "{backend}: {bad:?} was stored");
    }
    // Every topic the domain knows is on the database's list.
    let all: Vec<&str> = benk_domain::ContactTopic::ALL
        .iter()
        .map(|t| t.code())
        .collect();
    let every = benk_app::store::contacts::topics_column(&all);
    db.execute_unaudited(
        "UPDATE contacts SET topics = $1 WHERE id = $2",
        benk_app::args![every.clone(), none],
    )
    .await
    .unwrap_or_else(|e| panic!("{backend}: {every:?} refused: {e}"));
    common::close(app, place).await;
}

#[tokio::test]
async fn contact_topics_move_into_the_contact_sqlite() {
    contact_topics_move_into_the_contact("sqlite").await;
}

#[tokio::test]
async fn contact_topics_move_into_the_contact_postgres() {
    contact_topics_move_into_the_contact("postgres").await;
}
