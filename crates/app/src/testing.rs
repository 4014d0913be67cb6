//! Test access to the database behind [`App`], for the other crates' tests.
//!
//! Only compiled with the cargo feature `test-support`, which only the web
//! and CLI crates' `[dev-dependencies]` (and this crate's own) enable: a
//! normal or release build of `benk` does not see this module, so production
//! code outside the app crate cannot reach the database except through use
//! cases. Tests use it to assert on stored rows and to play an attacker who
//! can write to the database file (tampering with the audit chain).

use crate::db::writer::Writer;
use crate::db::{pg_query, sqlite_query, Db, Val};
use crate::App;

/// The app's read pool, for assertions on stored rows.
pub fn db(app: &App) -> &Db {
    &app.db
}

/// The app's single writer, for tests that drive it directly.
pub fn writer(app: &App) -> &Writer {
    &app.writer
}

impl Db {
    /// Runs a statement outside the writer and the audit chain: what someone
    /// with write access to the database file can do. Only for tests that
    /// tamper with rows.
    pub async fn execute_unaudited(&self, sql: &str, args: Vec<Val>) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p, _) => sqlite_query(sql, args).execute(p).await?.rows_affected(),
            Db::Postgres(p, _) => pg_query(sql, args).execute(p).await?.rows_affected(),
        })
    }
}

/// Empties the login cache (`crate::auth_cache`), as its time-to-live would: for tests that
/// change login tables outside the writer and are not about the cache.
pub fn forget_cached_logins(app: &App) {
    app.auth_cache.clear();
}

/// The PostgreSQL server the test suites use: `BENK_TEST_DATABASE_URL`, or the local one.
pub fn pg_base_url() -> String {
    std::env::var("BENK_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// `base` with its sessions in `schema` (a test's own database) and commits that do not
/// wait for the disk: a test needs no durability across a power cut.
pub fn pg_schema_url(base: &str, schema: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-c%20search_path%3D{schema}%20-c%20synchronous_commit%3Doff")
}
