//! Configuration: defaults → `benk.toml` → `BENK_*` environment → flags.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use benk_app::db::{Backend, DbOptions, SqliteSync};
use serde::Deserialize;

/// Values from the global flags and `BENK_*` variables (clap resolves flag over environment).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigArgs {
    /// Configuration file (default: ./benk.toml if it exists).
    #[arg(long, env = "BENK_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite:PATH or postgres://…
    #[arg(long, env = "BENK_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "BENK_LISTEN", global = true)]
    pub listen: Option<String>,
    /// Accept synthetic (test) national identity numbers. Never in production.
    #[arg(long, env = "BENK_TEST_DATA", global = true)]
    pub test_data: Option<bool>,
    /// SQLite durability: full (default) or normal.
    #[arg(long, env = "BENK_SQLITE_SYNCHRONOUS", global = true)]
    pub sqlite_synchronous: Option<String>,
    /// Minutes of inactivity before a session ends.
    #[arg(long, env = "BENK_SESSION_IDLE_MINUTES", global = true)]
    pub session_idle_minutes: Option<u64>,
    /// Mark cookies Secure (when served over HTTPS).
    #[arg(long, env = "BENK_SECURE_COOKIES", global = true)]
    pub secure_cookies: Option<bool>,
    /// Behind a reverse proxy: believe X-Forwarded-For / X-Forwarded-Proto.
    #[arg(long, env = "BENK_TRUST_PROXY", global = true)]
    pub trust_proxy: Option<bool>,
    /// The Ed25519 key that signs audit checkpoints (made by `benk audit keygen`).
    #[arg(long, env = "BENK_AUDIT_KEY_FILE", global = true)]
    pub audit_key_file: Option<PathBuf>,
    /// The file that signed audit checkpoints are appended to.
    #[arg(long, env = "BENK_AUDIT_CHECKPOINT_FILE", global = true)]
    pub audit_checkpoint_file: Option<PathBuf>,
    /// Minutes between the server's audit checkpoints.
    #[arg(long, env = "BENK_AUDIT_CHECKPOINT_MINUTES", global = true)]
    pub audit_checkpoint_minutes: Option<u64>,
    /// Addresses or CIDR ranges of the trusted proxies, comma-separated (default: the peer itself).
    #[arg(long, env = "BENK_TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<String>,
    /// Seconds before a request is stopped with 503.
    #[arg(long, env = "BENK_REQUEST_TIMEOUT_SECONDS", global = true)]
    pub request_timeout_seconds: Option<u64>,
    /// Hours after login when a session ends, however active.
    #[arg(long, env = "BENK_SESSION_MAX_HOURS", global = true)]
    pub session_max_hours: Option<u64>,
    /// Days an API token works.
    #[arg(long, env = "BENK_TOKEN_LIFETIME_DAYS", global = true)]
    pub token_lifetime_days: Option<u64>,
    /// Password verifications at once (default: two per core).
    #[arg(long, env = "BENK_LOGIN_HASH_SLOTS", global = true)]
    pub login_hash_slots: Option<usize>,
}

/// A list in `benk.toml`, written as an array or as one comma-separated string.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum List {
    One(String),
    Many(Vec<String>),
}

impl List {
    fn joined(self) -> String {
        match self {
            List::One(s) => s,
            List::Many(v) => v.join(","),
        }
    }
}

/// The `benk.toml` file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    database_url: Option<String>,
    listen: Option<String>,
    test_data: Option<bool>,
    sqlite_synchronous: Option<String>,
    session_idle_minutes: Option<u64>,
    secure_cookies: Option<bool>,
    trust_proxy: Option<bool>,
    audit_key_file: Option<PathBuf>,
    audit_checkpoint_file: Option<PathBuf>,
    audit_checkpoint_minutes: Option<u64>,
    trusted_proxies: Option<List>,
    request_timeout_seconds: Option<u64>,
    session_max_hours: Option<u64>,
    token_lifetime_days: Option<u64>,
    login_hash_slots: Option<usize>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub listen: String,
    pub test_data: bool,
    pub sqlite_sync: SqliteSync,
    pub session_idle_minutes: u64,
    pub secure_cookies: bool,
    pub trust_proxy: bool,
    pub audit_key_file: Option<PathBuf>,
    pub audit_checkpoint_file: Option<PathBuf>,
    pub audit_checkpoint_minutes: u64,
    pub trusted_proxies: benk_web::ctx::TrustedProxies,
    pub request_timeout_secs: u64,
    pub session_max_hours: u64,
    pub token_lifetime_days: u64,
    pub login_hash_slots: usize,
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("{} is not a valid Benk configuration", path.display()))
}

impl ConfigArgs {
    /// Resolves the configuration; `database_default` is used when nothing sets a URL.
    pub fn resolve(&self, database_default: &str) -> anyhow::Result<Config> {
        let file = match &self.config {
            Some(p) => read_file(p)?,
            None if Path::new("benk.toml").exists() => read_file(Path::new("benk.toml"))?,
            None => FileConfig::default(),
        };
        let database_url = self
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| database_default.to_string());
        Backend::from_url(&database_url).map_err(|e| anyhow::anyhow!("{e}"))?;
        let sync = self
            .sqlite_synchronous
            .clone()
            .or(file.sqlite_synchronous)
            .unwrap_or_else(|| "full".into());
        let sqlite_sync = match sync.to_ascii_lowercase().as_str() {
            "full" => SqliteSync::Full,
            "normal" => SqliteSync::Normal,
            other => bail!("sqlite_synchronous must be full or normal, not {other:?}"),
        };
        let proxies = self
            .trusted_proxies
            .clone()
            .or(file.trusted_proxies.map(List::joined))
            .unwrap_or_default();
        let trusted_proxies = benk_web::ctx::TrustedProxies::parse(&proxies)
            .map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))?;
        let positive = |name: &str, v: Option<u64>, default: u64| -> anyhow::Result<u64> {
            match v.unwrap_or(default) {
                0 => bail!("{name} must be at least 1"),
                n => Ok(n),
            }
        };
        let request_timeout_secs = positive(
            "request_timeout_seconds",
            self.request_timeout_seconds
                .or(file.request_timeout_seconds),
            30,
        )?;
        let session_max_hours = positive(
            "session_max_hours",
            self.session_max_hours.or(file.session_max_hours),
            12,
        )?;
        let token_lifetime_days = positive(
            "token_lifetime_days",
            self.token_lifetime_days.or(file.token_lifetime_days),
            90,
        )?;
        let login_hash_slots = match self.login_hash_slots.or(file.login_hash_slots) {
            Some(0) => bail!("login_hash_slots must be at least 1"),
            Some(n) => n,
            None => benk_app::default_hash_slots(),
        };
        Ok(Config {
            database_url,
            listen: self
                .listen
                .clone()
                .or(file.listen)
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            test_data: self.test_data.or(file.test_data).unwrap_or(false),
            sqlite_sync,
            session_idle_minutes: self
                .session_idle_minutes
                .or(file.session_idle_minutes)
                .unwrap_or(30),
            secure_cookies: self.secure_cookies.or(file.secure_cookies).unwrap_or(false),
            trust_proxy: self.trust_proxy.or(file.trust_proxy).unwrap_or(false),
            audit_key_file: self.audit_key_file.clone().or(file.audit_key_file),
            audit_checkpoint_file: self
                .audit_checkpoint_file
                .clone()
                .or(file.audit_checkpoint_file),
            audit_checkpoint_minutes: match self
                .audit_checkpoint_minutes
                .or(file.audit_checkpoint_minutes)
                .unwrap_or(5)
            {
                0 => bail!("audit_checkpoint_minutes must be at least 1"),
                n => n,
            },
            trusted_proxies,
            request_timeout_secs,
            session_max_hours,
            token_lifetime_days,
            login_hash_slots,
        })
    }
}

impl Config {
    /// Database options.
    pub fn db_options(&self) -> DbOptions {
        let mut o = DbOptions::new(self.database_url.clone());
        o.sqlite_sync = self.sqlite_sync;
        o
    }

    /// Use-case settings.
    pub fn settings(&self) -> benk_app::Settings {
        benk_app::Settings {
            allow_synthetic_ids: self.test_data,
            session_idle: std::time::Duration::from_secs(self.session_idle_minutes * 60),
            session_max: std::time::Duration::from_secs(self.session_max_hours * 3600),
            token_lifetime: std::time::Duration::from_secs(self.token_lifetime_days * 86_400),
            hash_slots: self.login_hash_slots,
            ..benk_app::Settings::default()
        }
    }
}
