//! Benk's use cases: access rules, audit, and storage on SQLite or PostgreSQL.
//!
//! Data flows one way: the web layer calls a use case here; use cases check
//! access ([`access::open_client`]), read through [`db::Db`] and write through
//! the single [`db::writer::Writer`], which appends the audit rows in the same
//! transaction as the change.

pub mod access;
pub mod actor;
pub mod audit;
pub mod auth;
pub mod care;
pub mod clients;
pub mod db;
pub mod demo;
pub mod episodes;
pub mod error;
pub mod idempotency;
pub mod intake;
pub mod intake_views;
pub mod orgs;
pub mod referrals;
pub mod reports;
pub mod staff;
pub mod time;

use std::sync::Arc;
use std::time::Duration;

pub use actor::{Actor, Membership, RequestMeta};
pub use error::{AppError, AppResult, FieldError, Text};

use db::writer::Writer;
use db::{Db, DbError, DbOptions};

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Accept synthetic (test) national identity numbers. Only `demo` and tests set this.
    pub allow_synthetic_ids: bool,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// Failed logins before the account is locked for a while.
    pub lockout_after: i32,
    /// How long a lockout lasts.
    pub lockout_for: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            allow_synthetic_ids: false,
            session_idle: Duration::from_secs(30 * 60),
            lockout_after: 5,
            lockout_for: Duration::from_secs(15 * 60),
        }
    }
}

/// Everything a use case needs: the read pool, the writer and the settings.
#[derive(Clone, Debug)]
pub struct App {
    /// Read side.
    pub db: Db,
    /// The single writer.
    pub writer: Writer,
    /// Settings.
    pub settings: Arc<Settings>,
}

impl App {
    /// Opens the database, applies migrations and starts the writer.
    pub async fn open(opts: &DbOptions, settings: Settings) -> Result<App, DbError> {
        let db = Db::connect(opts).await?;
        db.migrate().await?;
        let writer = Writer::start(opts).await?;
        Ok(App {
            db,
            writer,
            settings: Arc::new(settings),
        })
    }
}
