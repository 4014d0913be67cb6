//! Logging in: identities (`identities`), sessions (`sessions`), API tokens
//! (`api_tokens`) and the login throttle (`login_throttle`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Exec;
use crate::auth::{ApiToken, Session};
use crate::db::writer::Stmt;

// ------------------------------------------------------------------------- identities

/// A local identity with what a login needs of its staff member.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LocalIdentity {
    /// Identity id.
    pub id: Uuid,
    /// Staff member.
    pub staff_id: Uuid,
    /// argon2id PHC string, if a password is set.
    pub password_hash: Option<String>,
    /// TOTP secret (hex), if enrolled.
    pub totp_secret: Option<String>,
    /// The staff member's account is disabled.
    pub disabled: bool,
    /// A second factor is required.
    pub totp_required: bool,
    /// The staff member's name.
    pub name: String,
}

/// The local identity with this (already lower-cased) login name.
pub async fn local_identity(
    mut ex: impl Exec,
    username: &str,
) -> Result<Option<LocalIdentity>, sqlx::Error> {
    ex.opt(
        "SELECT i.id, i.staff_id, i.password_hash, i.totp_secret, s.disabled, s.totp_required, s.name \
         FROM identities i JOIN staff s ON s.id = i.staff_id WHERE i.provider = 'local' AND i.subject = $1",
        crate::args![username],
    )
    .await
}

/// The subject (login name) of an identity.
pub async fn identity_subject(
    mut ex: impl Exec,
    identity: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    let r: Option<(String,)> = ex
        .opt(
            "SELECT subject FROM identities WHERE id = $1",
            crate::args![identity],
        )
        .await?;
    Ok(r.map(|r| r.0))
}

/// An identity's TOTP secret and password hash (`None`: no such identity).
pub async fn identity_secrets(
    mut ex: impl Exec,
    identity: Uuid,
) -> Result<Option<(Option<String>, Option<String>)>, sqlx::Error> {
    ex.opt(
        "SELECT totp_secret, password_hash FROM identities WHERE id = $1",
        crate::args![identity],
    )
    .await
}

/// Inserts a local identity; a login name already taken fails with `Conflict`.
pub fn insert_local_identity(
    id: Uuid,
    staff: Uuid,
    username: &str,
    password_hash: &str,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO identities (id, staff_id, provider, subject, password_hash, created_at) VALUES ($1, $2, 'local', $3, $4, $5)",
        crate::args![id, staff, username, password_hash, at],
    )
}

/// Sets the TOTP secret of an identity; must touch exactly one row.
pub fn set_totp_secret(identity: Uuid, secret_hex: &str) -> Stmt {
    Stmt::one(
        "UPDATE identities SET totp_secret = $2 WHERE id = $1",
        crate::args![identity, secret_hex],
    )
}

/// Sets a staff member's local password and clears its old lock; must touch exactly one row.
pub fn set_local_password(staff: Uuid, password_hash: &str) -> Stmt {
    Stmt::one(
        "UPDATE identities SET password_hash = $2, failed_attempts = 0, locked_until = NULL \
         WHERE staff_id = $1 AND provider = 'local'",
        crate::args![staff, password_hash],
    )
}

// ------------------------------------------------------------------------- sessions

/// The columns of [`Session`].
const SESSION: &str = "SELECT token_hash, staff_id, identity_id, csrf_token, totp_pending, last_seen_at, created_at FROM sessions";

/// A new session row (the cookie's hash, never the cookie).
#[derive(Debug, Clone)]
pub struct NewSessionRow<'a> {
    /// SHA-256 of the cookie value.
    pub token_hash: &'a str,
    /// Who.
    pub staff_id: Uuid,
    /// Via which identity.
    pub identity_id: Uuid,
    /// CSRF token.
    pub csrf_token: &'a str,
    /// A second factor is still owed.
    pub totp_pending: bool,
    /// Login time (also the first `last_seen_at`).
    pub at: DateTime<Utc>,
    /// The browser's user agent.
    pub user_agent: Option<&'a str>,
    /// The client address.
    pub ip: Option<&'a str>,
}

/// Inserts a session.
pub fn insert_session(s: &NewSessionRow<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO sessions (token_hash, staff_id, identity_id, csrf_token, totp_pending, created_at, last_seen_at, user_agent, ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)",
        crate::args![
            s.token_hash,
            s.staff_id,
            s.identity_id,
            s.csrf_token,
            s.totp_pending,
            s.at,
            s.user_agent,
            s.ip
        ],
    )
}

/// The session with this token hash.
pub async fn session(mut ex: impl Exec, token_hash: &str) -> Result<Option<Session>, sqlx::Error> {
    ex.opt(
        &format!("{SESSION} WHERE token_hash = $1"),
        crate::args![token_hash],
    )
    .await
}

/// Ends a session (no row-count guard: ending an ended session is no error).
pub fn delete_session(token_hash: &str) -> Stmt {
    Stmt::new(
        "DELETE FROM sessions WHERE token_hash = $1",
        crate::args![token_hash],
    )
}

/// Ends every session of a staff member.
pub fn delete_sessions_of(staff: Uuid) -> Stmt {
    Stmt::new(
        "DELETE FROM sessions WHERE staff_id = $1",
        crate::args![staff],
    )
}

/// Records activity on a session.
pub fn touch_session(token_hash: &str, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1",
        crate::args![token_hash, at],
    )
}

/// Lifts the second-factor flag; must touch exactly one row (the session still exists).
pub fn session_totp_done(token_hash: &str) -> Stmt {
    Stmt::one(
        "UPDATE sessions SET totp_pending = FALSE WHERE token_hash = $1",
        crate::args![token_hash],
    )
}

// ------------------------------------------------------------------------- API tokens

/// A new API token row (its hash, never the secret).
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    /// Id.
    pub id: Uuid,
    /// Owner.
    pub staff_id: Uuid,
    /// Label (already trimmed).
    pub name: &'a str,
    /// SHA-256 of the secret.
    pub token_hash: &'a str,
    /// Created.
    pub at: DateTime<Utc>,
    /// Stops working.
    pub expires_at: DateTime<Utc>,
}

/// Inserts an API token.
pub fn insert_token(t: &NewToken<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO api_tokens (id, staff_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        crate::args![t.id, t.staff_id, t.name, t.token_hash, t.at, t.expires_at],
    )
}

/// The staff member behind a live token: not revoked, the account not
/// disabled, and `expires_at` after `now` (a token stored without an expiry
/// lives while it was created after `created_after`).
pub async fn live_token_staff(
    ex: impl Exec,
    token_hash: &str,
    now: DateTime<Utc>,
    created_after: DateTime<Utc>,
) -> Result<Option<Uuid>, sqlx::Error> {
    Ok(live_token(ex, token_hash, now, created_after)
        .await?
        .map(|t| t.staff_id))
}

/// A live token's owner and its dates (for the login cache, which must know when it expires).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveToken {
    /// The owner.
    pub staff_id: Uuid,
    /// Set expiry, if any.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was made (tokens without an expiry live from here).
    pub created_at: DateTime<Utc>,
}

/// [`live_token_staff`] with the token's dates.
pub async fn live_token(
    mut ex: impl Exec,
    token_hash: &str,
    now: DateTime<Utc>,
    created_after: DateTime<Utc>,
) -> Result<Option<LiveToken>, sqlx::Error> {
    ex.opt(
        "SELECT t.staff_id, t.expires_at, t.created_at FROM api_tokens t JOIN staff s ON s.id = t.staff_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND s.disabled = FALSE \
         AND (t.expires_at > $2 OR (t.expires_at IS NULL AND t.created_at > $3))",
        crate::args![token_hash, now, created_after],
    )
    .await
}

/// A staff member's tokens, newest first.
pub async fn tokens_of(mut ex: impl Exec, staff: Uuid) -> Result<Vec<ApiToken>, sqlx::Error> {
    ex.all(
        "SELECT id, name, created_at, revoked_at, expires_at FROM api_tokens WHERE staff_id = $1 ORDER BY created_at DESC",
        crate::args![staff],
    )
    .await
}

/// Revokes a token that is not revoked, and (with `owner`) only if that staff
/// member owns it; must touch exactly one row (else `NotFound`).
pub fn revoke_token(id: Uuid, owner: Option<Uuid>, at: DateTime<Utc>) -> Stmt {
    match owner {
        None => Stmt::one(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            crate::args![id, at],
        ),
        Some(staff) => Stmt::one(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND staff_id = $3 AND revoked_at IS NULL",
            crate::args![id, at, staff],
        ),
    }
}

/// Revokes every live token of a staff member.
pub fn revoke_tokens_of(staff: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "UPDATE api_tokens SET revoked_at = $2 WHERE staff_id = $1 AND revoked_at IS NULL",
        crate::args![staff, at],
    )
}

// ------------------------------------------------------------------------- login throttle

/// A throttle key's state, in seconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ThrottleRow {
    /// Attempts counted in a row.
    pub failures: i64,
    /// Refused until (0: not locked).
    pub locked_until: i64,
    /// The last counted attempt.
    pub last_attempt: i64,
}

/// The state of a throttle key.
pub async fn throttle(mut ex: impl Exec, key: &str) -> Result<Option<ThrottleRow>, sqlx::Error> {
    ex.opt(
        "SELECT CAST(failures AS BIGINT) AS failures, CAST(locked_until AS BIGINT) AS locked_until, \
         CAST(last_attempt AS BIGINT) AS last_attempt FROM login_throttle WHERE key = $1",
        crate::args![key],
    )
    .await
}

/// Moves a key from the state read (`seen`) to `next`; must touch exactly one
/// row, so a key changed by someone else since the read gives `NotFound`.
pub fn throttle_update(key: &str, seen: ThrottleRow, next: ThrottleRow) -> Stmt {
    Stmt::one(
        "UPDATE login_throttle SET failures = $2, locked_until = $3, last_attempt = $4 \
         WHERE key = $1 AND failures = $5 AND locked_until = $6 AND last_attempt = $7",
        crate::args![
            key,
            next.failures,
            next.locked_until,
            next.last_attempt,
            seen.failures,
            seen.locked_until,
            seen.last_attempt
        ],
    )
}

/// Counts a first attempt for a key that was missing; must insert exactly one
/// row, so a key inserted by someone else since the read gives `NotFound`.
pub fn throttle_insert(key: &str, locked_until: i64, now: i64) -> Stmt {
    Stmt::one(
        "INSERT INTO login_throttle (key, failures, locked_until, last_attempt) \
         VALUES ($1, 1, $2, $3) ON CONFLICT (key) DO NOTHING",
        crate::args![key, locked_until, now],
    )
}

/// Forgets keys quiet since before `quiet_since` and not locked at `now`.
pub fn throttle_prune(quiet_since: i64, now: i64) -> Stmt {
    Stmt::new(
        "DELETE FROM login_throttle WHERE last_attempt < $1 AND locked_until <= $2",
        crate::args![quiet_since, now],
    )
}

/// Forgets a key (it starts over).
pub fn throttle_reset(key: &str) -> Stmt {
    Stmt::new(
        "DELETE FROM login_throttle WHERE key = $1",
        crate::args![key],
    )
}

/// Takes one counted attempt back from a key (never below zero).
pub fn throttle_forgive_one(key: &str) -> Stmt {
    Stmt::new(
        "UPDATE login_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0",
        crate::args![key],
    )
}
