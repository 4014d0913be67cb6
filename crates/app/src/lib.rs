//! Benk's use cases: access rules, audit, and storage on SQLite or PostgreSQL.
//!
//! Data flows one way: the web layer calls a use case here; use cases check
//! access ([`access::open_client`]), read through [`db::Db`] and write through
//! the single [`db::writer::Writer`], which appends the audit rows in the same
//! transaction as the change.

pub mod access;
pub mod actor;
pub mod appointments;
pub mod assessment;
pub mod audit;
pub mod auth;
pub mod auth_cache;
pub mod board;
pub mod calendar;
pub mod care;
pub mod caseload;
pub mod clients;
pub mod contacts;
pub mod db;
pub mod demo;
pub mod dropin;
pub mod episodes;
pub mod error;
pub mod guidance;
pub mod housing;
pub mod idempotency;
pub mod import;
pub mod intake;
pub mod intake_views;
pub mod keeping;
pub mod learning;
pub mod lookup;
pub mod measures;
pub mod meetings;
pub mod openhour;
pub mod orgs;
pub mod plans;
pub mod referrals;
pub mod registry;
pub mod reports;
pub mod situation;
pub mod staff;
pub mod store;
pub mod target;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod time;
mod versions;

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
    /// Failed logins for one name, from all addresses together, before every
    /// further attempt on that name is slowed down (never locked).
    pub name_slowdown_after: i32,
    /// The slow-down per attempt once `name_slowdown_after` is reached.
    pub name_slowdown_for: Duration,
    /// A session ends this long after login, however active it is.
    pub session_max: Duration,
    /// An API token stops working this long after it was made.
    pub token_lifetime: Duration,
    /// Password verifications that may run at once (argon2id needs 19 MiB each).
    pub hash_slots: usize,
    /// How long a login waits for a free verification slot before it gets "busy".
    pub hash_slot_wait: Duration,
}

/// The default number of password-hashing slots: two per core.
pub fn default_hash_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) * 2
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            allow_synthetic_ids: false,
            session_idle: Duration::from_secs(30 * 60),
            lockout_after: 5,
            lockout_for: Duration::from_secs(15 * 60),
            name_slowdown_after: 20,
            name_slowdown_for: Duration::from_secs(5),
            session_max: Duration::from_secs(12 * 60 * 60),
            token_lifetime: Duration::from_secs(90 * 24 * 60 * 60),
            hash_slots: default_hash_slots(),
            hash_slot_wait: Duration::from_secs(2),
        }
    }
}

/// Everything a use case needs: the read pool, the writer and the settings.
///
/// The database handles are private to this crate: code outside it (the web
/// layer, the CLI) reaches the data only through use cases, which check
/// access and write the audit row. Tests get read access, and a raw handle to
/// play an attacker with the database file, through [`testing`] (cargo
/// feature `test-support`, enabled only by the other crates'
/// dev-dependencies).
///
/// Outside this crate, the database answers only through app functions:
///
/// ```
/// async fn healthz(app: &benk_app::App) -> bool {
///     app.ping().await.is_ok()
/// }
/// ```
///
/// and the handles themselves do not compile (a regression test: they were
/// public before issue 7, part 6):
///
/// ```compile_fail,E0616
/// async fn healthz(app: &benk_app::App) -> bool {
///     app.db.ping().await.is_ok()
/// }
/// ```
///
/// ```compile_fail,E0616
/// fn writer(app: &benk_app::App) -> &benk_app::db::writer::Writer {
///     &app.writer
/// }
/// ```
#[derive(Clone, Debug)]
pub struct App {
    /// Read side.
    pub(crate) db: Db,
    /// The single writer.
    pub(crate) writer: Writer,
    /// Settings.
    pub settings: Arc<Settings>,
    /// In-process login state: password-hashing slots and per-key gates.
    pub login_guards: Arc<auth::LoginGuards>,
    /// Tokens and actors remembered between requests, emptied by the writer's auth epoch.
    pub(crate) auth_cache: Arc<auth_cache::AuthCache>,
    /// PostgreSQL: the access checks of concurrent requests, asked together (`access::checks`).
    pub(crate) checks: Option<Arc<access::checks::Checks>>,
}

impl App {
    /// Opens the database, applies migrations and starts the writer.
    pub async fn open(opts: &DbOptions, settings: Settings) -> Result<App, DbError> {
        let db = Db::connect(opts).await?;
        db.migrate().await?;
        let writer = Writer::start(opts).await?;
        let checks = db
            .pg_readers()
            .map(|r| Arc::new(access::checks::Checks::start(r)));
        Ok(App {
            db,
            writer,
            checks,
            login_guards: Arc::new(auth::LoginGuards::new(settings.hash_slots)),
            auth_cache: Arc::default(),
            settings: Arc::new(settings),
        })
    }

    /// Checks that the database answers (`/healthz`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        self.db.ping().await
    }

    /// Which backend the app runs on.
    pub fn backend(&self) -> db::Backend {
        self.db.backend()
    }

    /// How durable a commit on the app's own connections is: the setting as
    /// text (`synchronous=FULL`, `synchronous_commit=on`) and whether an
    /// acknowledged write survives a power loss. `benk bench` prints it.
    pub async fn durability(&self) -> Result<(String, bool), sqlx::Error> {
        match self.db.backend() {
            db::Backend::Sqlite => {
                let sync = self.db.scalar_i64("PRAGMA synchronous", vec![]).await?;
                let name = match sync {
                    0 => "OFF".to_string(),
                    1 => "NORMAL".to_string(),
                    2 => "FULL".to_string(),
                    3 => "EXTRA".to_string(),
                    n => n.to_string(),
                };
                Ok((format!("synchronous={name}"), sync >= 2))
            }
            db::Backend::Postgres => {
                let sc: Option<(String,)> = self.db.opt("SHOW synchronous_commit", vec![]).await?;
                let sc = sc.map(|r| r.0).unwrap_or_default();
                let full = !sc.is_empty() && sc != "off" && sc != "local_off";
                Ok((format!("synchronous_commit={sc}"), full))
            }
        }
    }

    /// Closes the read pool (the writer stops when its last handle is dropped).
    pub async fn close(&self) {
        self.db.close().await;
    }
}
