//! A fresh, migrated database per test, on SQLite or PostgreSQL, for the app
//! crate's integration tests.

#![allow(dead_code)]

use benk_app::db::{DbOptions, SqliteSync};
use benk_app::testing::{pg_base_url, pg_schema_url};
use benk_app::{App, Settings};
use sqlx::Connection;
use uuid::Uuid;

/// The options a test database is opened with: SQLite at `synchronous=NORMAL`, for the
/// reason [`pg_schema_url`] gives.
fn options(url: String) -> DbOptions {
    let mut opts = DbOptions::new(url);
    opts.sqlite_sync = SqliteSync::Normal;
    opts
}

/// Where a test database lives, so that [`close`] can remove it.
pub enum Place {
    /// A temporary directory holding the SQLite file.
    Dir(std::path::PathBuf),
    /// A PostgreSQL schema.
    Schema(String),
}

/// A fresh, migrated database on `backend` (`"sqlite"` or `"postgres"`).
pub async fn open(backend: &str) -> (App, Place) {
    let (url, place) = match backend {
        "sqlite" => {
            let dir = std::env::temp_dir().join(format!("benk-at-{}", Uuid::now_v7().simple()));
            std::fs::create_dir_all(&dir).unwrap();
            (
                format!("sqlite:{}", dir.join("t.db").display()),
                Place::Dir(dir),
            )
        }
        _ => {
            let base = pg_base_url();
            let schema = format!("benk_at_{}", Uuid::now_v7().simple());
            let mut c = sqlx::PgConnection::connect(&base).await.unwrap();
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&mut c)
                .await
                .unwrap();
            (
                pg_schema_url(&pg_base_url(), &schema),
                Place::Schema(schema),
            )
        }
    };
    let app = App::open(&options(url), Settings::default())
        .await
        .expect("open");
    (app, place)
}

/// A second app on the database of `place` (a second server, or `benk` on the host, with its
/// own writer); PostgreSQL only.
pub async fn open_again(place: &Place) -> App {
    let Place::Schema(schema) = place else {
        panic!("a second app is opened on PostgreSQL only")
    };
    App::open(
        &options(pg_schema_url(&pg_base_url(), schema)),
        Settings::default(),
    )
    .await
    .expect("open again")
}

/// Closes the app and removes its database.
pub async fn close(app: App, place: Place) {
    app.close().await;
    match place {
        Place::Schema(s) => {
            let mut c = sqlx::PgConnection::connect(&pg_base_url()).await.unwrap();
            sqlx::query(&format!("DROP SCHEMA {s} CASCADE"))
                .execute(&mut c)
                .await
                .unwrap();
        }
        Place::Dir(d) => {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}
