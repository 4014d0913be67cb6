//! Logging in: local identities with argon2id, back-off and lockout, optional
//! TOTP, server-side sessions, and hashed API tokens.
//!
//! Identity (how someone proved who they are: the `identities` table, one row
//! per provider and subject) is kept apart from the staff member, so an OIDC
//! provider such as HelseID becomes one more provider, not a user migration.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};
use uuid::Uuid;

use crate::actor::{Actor, RequestMeta};
use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::App;

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(p: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(p.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

/// Hashes a password off the async runtime (argon2id takes tens of milliseconds of CPU).
pub async fn hash_password_blocking(p: &str) -> AppResult<String> {
    let p = p.to_string();
    tokio::task::spawn_blocking(move || hash_password(&p))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
}

/// The login name of an identity (for the second-factor page).
pub async fn identity_subject(app: &App, identity_id: Uuid) -> AppResult<String> {
    let r: Option<(String,)> = app
        .db
        .opt(
            "SELECT subject FROM identities WHERE id = $1",
            crate::args![identity_id],
        )
        .await?;
    Ok(r.map(|r| r.0).unwrap_or_default())
}

fn verify_password(p: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|h| Argon2::default().verify_password(p.as_bytes(), &h).is_ok())
}

/// A random secret as hex.
pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// SHA-256 of a secret token, as stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A real hash of a throwaway password, so unknown usernames cost the same time as known ones.
fn dummy_hash() -> String {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY
        .get_or_init(|| hash_password("benk-dummy-password").unwrap_or_default())
        .clone()
}

#[derive(sqlx::FromRow)]
struct IdentityRow {
    id: Uuid,
    staff_id: Uuid,
    password_hash: Option<String>,
    totp_secret: Option<String>,
    failed_attempts: i64,
    locked_until: Option<DateTime<Utc>>,
    disabled: bool,
    totp_required: bool,
    name: String,
}

/// A freshly created session: the cookie value is shown once, only its hash is stored.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The secret cookie value.
    pub token: String,
    /// The session's CSRF token for forms.
    pub csrf: String,
    /// The second factor is still owed (or must be set up first).
    pub totp_pending: bool,
}

fn failed_login_audit(
    meta: &RequestMeta,
    username: &str,
    staff: Option<(Uuid, &str)>,
    action: &str,
) -> AuditDraft {
    let mut d = AuditDraft::new(action, Outcome::Denied);
    d.actor_staff_id = staff.map(|s| s.0);
    d.actor_name = staff
        .map(|s| s.1.to_string())
        .or_else(|| Some(format!("login form, unknown user name given: {username:?}")));
    d.resources = "session".into();
    d.ip = meta.ip.clone();
    d.user_agent = meta.user_agent.clone();
    d
}

/// Back-off after failed attempts: none for the first 2, then 2, 4, 8 … seconds,
/// and the full lockout period once `lockout_after` is reached.
fn backoff(app: &App, failed: i64) -> Option<Duration> {
    if failed >= i64::from(app.settings.lockout_after) {
        Some(Duration::from_std(app.settings.lockout_for).unwrap_or(Duration::minutes(15)))
    } else if failed >= 3 {
        Some(Duration::seconds(1 << (failed - 2).min(10)))
    } else {
        None
    }
}

/// Checks a username and password and opens a session.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    meta: &RequestMeta,
) -> AppResult<NewSession> {
    let username = username.trim().to_lowercase();
    let row: Option<IdentityRow> = app
        .db
        .opt(
            "SELECT i.id, i.staff_id, i.password_hash, i.totp_secret, CAST(i.failed_attempts AS BIGINT) AS failed_attempts, \
             i.locked_until, s.disabled, s.totp_required, s.name \
             FROM identities i JOIN staff s ON s.id = i.staff_id WHERE i.provider = 'local' AND i.subject = $1",
            crate::args![username.clone()],
        )
        .await?;
    let now = Utc::now();
    let Some(row) = row else {
        let p = password.to_string();
        let _ = tokio::task::spawn_blocking(move || verify_password(&p, &dummy_hash())).await;
        app.writer
            .write(WriteOp::audit_only(vec![failed_login_audit(
                meta,
                &username,
                None,
                "login.failed",
            )]))
            .await?;
        return Err(AppError::Unauthenticated);
    };
    if let Some(until) = row.locked_until.filter(|u| *u > now) {
        app.writer
            .write(WriteOp::audit_only(vec![failed_login_audit(
                meta,
                &username,
                Some((row.staff_id, &row.name)),
                "login.locked",
            )]))
            .await?;
        return Err(AppError::Locked {
            retry_after_secs: (until - now).num_seconds().max(1),
        });
    }
    let hash = row.password_hash.clone().unwrap_or_else(dummy_hash);
    let p = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&p, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if !ok || row.disabled || row.password_hash.is_none() {
        let failed = row.failed_attempts + 1;
        let locked_until = backoff(app, failed).map(|d| now + d);
        let action = if locked_until.is_some() && failed >= i64::from(app.settings.lockout_after) {
            "login.lockout"
        } else {
            "login.failed"
        };
        app.writer
            .write(WriteOp {
                stmts: vec![Stmt::new(
                    "UPDATE identities SET failed_attempts = $2, locked_until = $3 WHERE id = $1",
                    crate::args![row.id, failed, locked_until],
                )],
                audit: vec![failed_login_audit(
                    meta,
                    &username,
                    Some((row.staff_id, &row.name)),
                    action,
                )],
            })
            .await?;
        return Err(AppError::Unauthenticated);
    }
    let session = NewSession {
        token: random_hex(32),
        csrf: random_hex(16),
        totp_pending: row.totp_secret.is_some() || row.totp_required,
    };
    let mut audit = AuditDraft::new("login.success", Outcome::Allowed);
    audit.actor_staff_id = Some(row.staff_id);
    audit.actor_name = Some(row.name.clone());
    audit.resources = "session".into();
    audit.ip = meta.ip.clone();
    audit.user_agent = meta.user_agent.clone();
    app.writer
        .write(WriteOp {
            stmts: vec![
                Stmt::new("UPDATE identities SET failed_attempts = 0, locked_until = NULL WHERE id = $1", crate::args![row.id]),
                Stmt::new(
                    "INSERT INTO sessions (token_hash, staff_id, identity_id, csrf_token, totp_pending, created_at, last_seen_at, user_agent, ip) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)",
                    crate::args![
                        token_hash(&session.token),
                        row.staff_id,
                        row.id,
                        session.csrf.clone(),
                        session.totp_pending,
                        now,
                        meta.user_agent.clone(),
                        meta.ip.clone()
                    ],
                ),
            ],
            audit: vec![audit],
        })
        .await?;
    Ok(session)
}

/// A session found by its cookie.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    /// Stored hash of the cookie value.
    pub token_hash: String,
    /// Who.
    pub staff_id: Uuid,
    /// Via which identity.
    pub identity_id: Uuid,
    /// CSRF token for this session's forms.
    pub csrf_token: String,
    /// A second factor is owed before anything else.
    pub totp_pending: bool,
    /// Last request.
    pub last_seen_at: DateTime<Utc>,
}

/// Finds a live session; an idle one is ended. Touches `last_seen_at` at most once a minute.
pub async fn session(app: &App, token: &str) -> AppResult<Option<Session>> {
    let hash = token_hash(token);
    let s: Option<Session> = app
        .db
        .opt(
            "SELECT token_hash, staff_id, identity_id, csrf_token, totp_pending, last_seen_at FROM sessions WHERE token_hash = $1",
            crate::args![hash.clone()],
        )
        .await?;
    let Some(s) = s else { return Ok(None) };
    let now = Utc::now();
    let idle = Duration::from_std(app.settings.session_idle).unwrap_or(Duration::minutes(30));
    if s.last_seen_at + idle < now {
        app.writer
            .write(WriteOp {
                stmts: vec![Stmt::new(
                    "DELETE FROM sessions WHERE token_hash = $1",
                    crate::args![hash],
                )],
                audit: vec![],
            })
            .await?;
        return Ok(None);
    }
    if now - s.last_seen_at > Duration::seconds(60) {
        app.writer
            .write(WriteOp {
                stmts: vec![Stmt::new(
                    "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1",
                    crate::args![hash, now],
                )],
                audit: vec![],
            })
            .await?;
    }
    Ok(Some(s))
}

/// Ends a session.
pub async fn logout(app: &App, token: &str, actor: Option<&Actor>) -> AppResult<()> {
    let audit = actor.map(|a| {
        let mut d = a.audit("logout", Outcome::Allowed);
        d.resources = "session".into();
        d
    });
    app.writer
        .write(WriteOp {
            stmts: vec![Stmt::new(
                "DELETE FROM sessions WHERE token_hash = $1",
                crate::args![token_hash(token)],
            )],
            audit: audit.into_iter().collect(),
        })
        .await?;
    Ok(())
}

fn totp_for(secret_hex: &str) -> AppResult<TOTP> {
    let bytes = hex::decode(secret_hex).map_err(|e| AppError::Internal(e.to_string()))?;
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).map_err(|e| AppError::Internal(e.to_string()))
}

fn totp_invalid() -> AppError {
    AppError::field(FieldError::new(
        "code",
        "invalid_totp",
        "Koden er feil eller utløpt. Prøv igjen med en ny kode.",
        "The code is wrong or expired. Try again with a new code.",
    ))
}

/// The secret a user must add to an authenticator app before finishing login.
#[derive(Debug, Clone, Serialize)]
pub struct TotpEnrolment {
    /// Base32 secret to type into the app.
    pub secret_base32: String,
    /// `otpauth://` URI.
    pub uri: String,
}

/// Starts (or shows again) TOTP enrolment for the session's identity, if none is set up.
pub async fn totp_enrolment(
    app: &App,
    s: &Session,
    username: &str,
) -> AppResult<Option<TotpEnrolment>> {
    let current: Option<(Option<String>,)> = app
        .db
        .opt(
            "SELECT totp_secret FROM identities WHERE id = $1",
            crate::args![s.identity_id],
        )
        .await?;
    if current.and_then(|c| c.0).is_some() {
        return Ok(None);
    }
    // The pending secret is derived from the session so the page can be reloaded.
    let seed = token_hash(&format!("totp-enrol:{}", s.token_hash));
    let bytes = hex::decode(&seed[..40]).map_err(|e| AppError::Internal(e.to_string()))?;
    let b32 = Secret::Raw(bytes).to_encoded().to_string();
    Ok(Some(TotpEnrolment {
        uri: format!("otpauth://totp/Benk:{username}?secret={b32}&issuer=Benk&algorithm=SHA1&digits=6&period=30"),
        secret_base32: b32,
    }))
}

/// Checks a TOTP code for a pending session (enrolling the secret if needed) and
/// lifts the pending flag.
pub async fn complete_totp(
    app: &App,
    s: &Session,
    code: &str,
    meta: &RequestMeta,
) -> AppResult<()> {
    let current: Option<(Option<String>,)> = app
        .db
        .opt(
            "SELECT totp_secret FROM identities WHERE id = $1",
            crate::args![s.identity_id],
        )
        .await?;
    let (secret, enrolling) = match current.and_then(|c| c.0) {
        Some(sec) => (sec, false),
        None => (
            token_hash(&format!("totp-enrol:{}", s.token_hash))[..40].to_string(),
            true,
        ),
    };
    let totp = totp_for(&secret)?;
    let ok = totp.check_current(code.trim()).unwrap_or(false);
    let mut audit = AuditDraft::new(
        if ok {
            "login.totp"
        } else {
            "login.totp_failed"
        },
        if ok {
            Outcome::Allowed
        } else {
            Outcome::Denied
        },
    );
    audit.actor_staff_id = Some(s.staff_id);
    audit.resources = "session".into();
    audit.ip = meta.ip.clone();
    audit.user_agent = meta.user_agent.clone();
    if !ok {
        app.writer.write(WriteOp::audit_only(vec![audit])).await?;
        return Err(totp_invalid());
    }
    let mut stmts = vec![Stmt::one(
        "UPDATE sessions SET totp_pending = FALSE WHERE token_hash = $1",
        crate::args![s.token_hash.clone()],
    )];
    if enrolling {
        stmts.push(Stmt::one(
            "UPDATE identities SET totp_secret = $2 WHERE id = $1",
            crate::args![s.identity_id, secret],
        ));
    }
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

/// The current TOTP code for a stored hex secret (tests and the CLI use this).
pub fn totp_code_now(secret_hex: &str) -> AppResult<String> {
    totp_for(secret_hex)?
        .generate_current()
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// An API token as listed (never the secret).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    /// Id.
    pub id: Uuid,
    /// Label.
    pub name: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Revoked, if so.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Creates an API token for a staff member and returns the secret (shown once).
pub async fn create_token(
    app: &App,
    staff_id: Uuid,
    name: &str,
    actor: Option<&Actor>,
) -> AppResult<String> {
    let token = format!("benk_{}", random_hex(32));
    let mut audit = match actor {
        Some(a) => a.audit("token.create", Outcome::Allowed),
        None => {
            let mut d = AuditDraft::new("token.create", Outcome::Allowed);
            d.actor_name = Some("benk cli".into());
            d
        }
    };
    let id = Uuid::now_v7();
    audit.resources = format!("token:{id},staff:{staff_id}");
    app.writer
        .write(WriteOp {
            stmts: vec![Stmt::new(
                "INSERT INTO api_tokens (id, staff_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                crate::args![id, staff_id, name.trim(), token_hash(&token), audit.at],
            )],
            audit: vec![audit],
        })
        .await?;
    Ok(token)
}

/// The staff member behind a live API token.
pub async fn token_staff(app: &App, token: &str) -> AppResult<Option<Uuid>> {
    let r: Option<(Uuid,)> = app
        .db
        .opt(
            "SELECT t.staff_id FROM api_tokens t JOIN staff s ON s.id = t.staff_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND s.disabled = FALSE",
            crate::args![token_hash(token)],
        )
        .await?;
    Ok(r.map(|r| r.0))
}

/// A user's tokens.
pub async fn list_tokens(app: &App, staff_id: Uuid) -> AppResult<Vec<ApiToken>> {
    Ok(app
        .db
        .all(
            "SELECT id, name, created_at, revoked_at FROM api_tokens WHERE staff_id = $1 ORDER BY created_at DESC",
            crate::args![staff_id],
        )
        .await?)
}

/// Revokes one of the actor's own tokens (administrators may revoke anyone's).
pub async fn revoke_token(app: &App, actor: &Actor, token_id: Uuid) -> AppResult<()> {
    let mut audit = actor.audit("token.revoke", Outcome::Allowed);
    audit.resources = format!("token:{token_id}");
    let stmt = if actor.is_admin() {
        Stmt::one(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            crate::args![token_id, audit.at],
        )
    } else {
        Stmt::one(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND staff_id = $3 AND revoked_at IS NULL",
            crate::args![token_id, audit.at, actor.staff_id],
        )
    };
    app.writer
        .write(WriteOp {
            stmts: vec![stmt],
            audit: vec![audit],
        })
        .await?;
    Ok(())
}

/// The message shown for a failed login, never saying which part was wrong.
pub fn login_failed_text() -> Text {
    Text::new(
        "Feil brukernavn eller passord.",
        "Wrong username or password.",
    )
}
