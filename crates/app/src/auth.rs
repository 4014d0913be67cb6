//! Logging in: local identities with argon2id, back-off and lockout, optional
//! TOTP, server-side sessions, and hashed API tokens.
//!
//! Identity (how someone proved who they are: the `identities` table, one row
//! per provider and subject) is kept apart from the staff member, so an OIDC
//! provider such as HelseID becomes one more provider, not a user migration.

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use totp_rs::{Algorithm, Secret, TOTP};
use uuid::Uuid;

use crate::access::admin::AdminGrant;
use crate::actor::{Actor, RequestMeta};
use crate::audit::{AuditDraft, Outcome};
use crate::db::writer::{Stmt, WriteError, WriteOp};
use crate::error::{AppError, AppResult, FieldError, Text};
use crate::store;
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
    Ok(store::auth::identity_subject(&app.db, identity_id)
        .await?
        .unwrap_or_default())
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

// ---------------------------------------------------------------------------------------------
// In-process guards: password-hashing slots and per-key gates

/// In-process login state shared by every request of one server: a bounded
/// number of password-hashing slots, and one gate per throttle key so that
/// reserving an attempt is a single read-then-write per key at a time.
pub struct LoginGuards {
    hash_slots: Arc<Semaphore>,
    gates: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// argon2 working memory, one buffer per slot in use, kept and reused. Left to the
    /// allocator, every blocking thread's arena would keep its own 19 MiB after a
    /// verification, and memory would grow with the thread pool instead of the slots.
    memory: Mutex<Vec<Vec<argon2::Block>>>,
}

impl std::fmt::Debug for LoginGuards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginGuards")
            .field("free_hash_slots", &self.hash_slots.available_permits())
            .finish_non_exhaustive()
    }
}

impl LoginGuards {
    /// Guards with `hash_slots` concurrent password verifications.
    pub fn new(hash_slots: usize) -> LoginGuards {
        LoginGuards {
            hash_slots: Arc::new(Semaphore::new(hash_slots)),
            gates: Mutex::new(HashMap::new()),
            memory: Mutex::new(Vec::new()),
        }
    }

    /// The password-hashing slots (operators' metrics and tests can see how many are free).
    pub fn hash_slots(&self) -> &Arc<Semaphore> {
        &self.hash_slots
    }

    async fn gate(&self, key: &str) -> Gate<'_> {
        let m = {
            let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
            gates.entry(key.to_string()).or_default().clone()
        };
        Gate {
            guards: self,
            key: key.to_string(),
            held: Some(m.lock_owned().await),
        }
    }
}

/// A held per-key gate; the map entry is dropped with the last holder.
struct Gate<'a> {
    guards: &'a LoginGuards,
    key: String,
    held: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Drop for Gate<'_> {
    fn drop(&mut self) {
        self.held = None;
        let mut gates = self.guards.gates.lock().unwrap_or_else(|e| e.into_inner());
        // Clones are only made under this lock, so a count of one means no one else waits.
        if gates
            .get(&self.key)
            .is_some_and(|m| Arc::strong_count(m) == 1)
        {
            gates.remove(&self.key);
        }
    }
}

/// Waits (at most `hash_slot_wait`) for a password-hashing slot, or answers `Busy`.
async fn hash_slot(app: &App) -> AppResult<OwnedSemaphorePermit> {
    let sem = app.login_guards.hash_slots.clone();
    match tokio::time::timeout(app.settings.hash_slot_wait, sem.acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(AppError::Busy {
            retry_after_secs: i64::try_from(app.settings.hash_slot_wait.as_secs())
                .unwrap_or(1)
                .max(1),
        }),
    }
}

/// Verifies a password off the async runtime while holding a hashing slot, in
/// the slot's reused working memory. With no hash (unknown name, no password
/// set), a dummy hash is checked instead so that the answer takes as long.
async fn verify_in_slot(
    app: &App,
    permit: OwnedSemaphorePermit,
    password: &str,
    hash: Option<String>,
) -> AppResult<bool> {
    let p = password.to_string();
    let guards = app.login_guards.clone();
    tokio::task::spawn_blocking(move || {
        let _slot = permit;
        let mut memory = guards
            .memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default();
        let hash = hash.unwrap_or_else(dummy_hash);
        let ok = verify_password_in(&p, &hash, &mut memory);
        guards
            .memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(memory);
        ok
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))
}

/// argon2 verification of a PHC string in caller-provided working memory
/// (grown to the hash's memory cost when needed). The comparison is constant-time.
fn verify_password_in(p: &str, hash: &str, memory: &mut Vec<argon2::Block>) -> bool {
    use argon2::{Algorithm, Params, Version};
    let Ok(h) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(alg), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(h.algorithm),
        Params::try_from(&h),
        h.salt,
        h.hash,
    ) else {
        return false;
    };
    let version = match h.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(alg, version, params);
    if argon
        .hash_password_into_with_memory(p.as_bytes(), salt, &mut out, &mut memory[..blocks])
        .is_err()
    {
        return false;
    }
    argon2::password_hash::Output::new(&out).is_ok_and(|o| o == expected)
}

// ---------------------------------------------------------------------------------------------
// Throttling: reserved before the secret is checked

/// What a throttle key does once failures pile up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Throttle {
    /// One (address, name) pair: back-off from the third failure, then a lockout.
    AddressAndName,
    /// One name from every address together: a short slow-down, never a lockout.
    Name,
}

/// The wait (seconds) set when the `k`th attempt in a row is reserved.
fn delay_secs(app: &App, kind: Throttle, k: i64) -> i64 {
    let s = &app.settings;
    let secs = |d: std::time::Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    match kind {
        Throttle::AddressAndName if k >= i64::from(s.lockout_after) => secs(s.lockout_for),
        Throttle::AddressAndName if k >= 3 => 1 << (k - 2).min(10),
        Throttle::Name if k >= i64::from(s.name_slowdown_after) => secs(s.name_slowdown_for),
        _ => 0,
    }
}

fn throttle_key(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

/// The two keys of a password login: (address, name) and name alone.
fn login_keys(meta: &RequestMeta, username: &str) -> [(String, Throttle); 2] {
    let ip = meta.ip.as_deref().unwrap_or("");
    [
        (
            throttle_key(&["login", ip, username]),
            Throttle::AddressAndName,
        ),
        (throttle_key(&["login-name", username]), Throttle::Name),
    ]
}

/// The two keys of a second-factor check: (address, identity) and identity alone.
fn totp_keys(meta: &RequestMeta, identity: Uuid) -> [(String, Throttle); 2] {
    let ip = meta.ip.as_deref().unwrap_or("");
    let id = identity.to_string();
    [
        (throttle_key(&["totp", ip, &id]), Throttle::AddressAndName),
        (throttle_key(&["totp-identity", &id]), Throttle::Name),
    ]
}

/// Counts this attempt as a failure *before* the secret is checked, so that
/// parallel attempts cannot all slip in under the limit. A success undoes it
/// ([`release_stmts`]). Returns how many attempts in a row the (address, name)
/// key has now, or `Locked` while any key is in back-off or lockout.
async fn reserve(app: &App, keys: &[(String, Throttle); 2]) -> AppResult<i64> {
    // One reservation per key at a time in this process; the guarded UPDATE below
    // keeps other processes on the same database from double-counting.
    let _gates = (
        app.login_guards.gate(&keys[0].0).await,
        app.login_guards.gate(&keys[1].0).await,
    );
    let forget_after = i64::try_from(app.settings.lockout_for.as_secs()).unwrap_or(900);
    for _ in 0..5 {
        let now = Utc::now().timestamp();
        let mut stmts = Vec::new();
        let mut wait = 0;
        let mut first = 0;
        for (i, (key, kind)) in keys.iter().enumerate() {
            let row = store::auth::throttle(&app.db, key).await?;
            let k = match row {
                Some(seen) if seen.locked_until > now => {
                    wait = wait.max(seen.locked_until - now);
                    continue;
                }
                Some(seen) => {
                    let k = if now - seen.last_attempt > forget_after {
                        1
                    } else {
                        seen.failures + 1
                    };
                    let until = match delay_secs(app, *kind, k) {
                        0 => 0,
                        d => now.saturating_add(d),
                    };
                    let next = store::auth::ThrottleRow {
                        failures: k,
                        locked_until: until,
                        last_attempt: now,
                    };
                    stmts.push(store::auth::throttle_update(key, seen, next));
                    k
                }
                None => {
                    let until = match delay_secs(app, *kind, 1) {
                        0 => 0,
                        d => now.saturating_add(d),
                    };
                    stmts.push(store::auth::throttle_insert(key, until, now));
                    1
                }
            };
            if i == 0 {
                first = k;
            }
        }
        if wait > 0 {
            return Err(AppError::Locked {
                retry_after_secs: wait,
            });
        }
        // Forgotten keys (quiet for longer than the lockout, and not locked) behave
        // exactly like missing ones: prune them, after our own updates.
        stmts.push(store::auth::throttle_prune(now - forget_after, now));
        match app
            .writer
            .write(WriteOp {
                stmts,
                audit: vec![],
            })
            .await
        {
            Ok(()) => return Ok(first),
            // Another process changed a key between the read and the write: read again.
            Err(WriteError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Locked {
        retry_after_secs: 1,
    })
}

/// Undoes a reservation after a success: the (address, name) key starts over,
/// and the name's slow-down count loses the attempt that was not a failure.
fn release_stmts(keys: &[(String, Throttle); 2]) -> Vec<Stmt> {
    vec![
        store::auth::throttle_reset(&keys[0].0),
        store::auth::throttle_forgive_one(&keys[1].0),
    ]
}

/// The audit row of a login attempt. Known and unknown names give the same
/// action, outcome and resources; only a known name fills in the staff member.
fn login_audit(
    action: &str,
    outcome: Outcome,
    meta: &RequestMeta,
    username: &str,
    staff: Option<(Uuid, &str)>,
) -> AuditDraft {
    let mut d = AuditDraft::new(action, outcome);
    d.actor_staff_id = staff.map(|s| s.0);
    let given: String = username.chars().take(100).collect();
    d.actor_name = staff
        .map(|s| s.1.to_string())
        .or_else(|| Some(format!("login form, unknown user name given: {given:?}")));
    d.resources = format!("session;name_given={given:?}");
    d.ip = meta.ip.clone();
    d.user_agent = meta.user_agent.clone();
    d
}

/// Checks a username and password and opens a session.
///
/// Every attempt that is not refused up front costs exactly one argon2
/// verification, whether the name exists or not, and gives the same answer
/// for a wrong name and a wrong password.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    meta: &RequestMeta,
) -> AppResult<NewSession> {
    let username = username.trim().to_lowercase();
    let row = store::auth::local_identity(&app.db, &username).await?;
    let staff = row.as_ref().map(|r| (r.staff_id, r.name.as_str()));
    // A slot first, so that a busy server does not spend anyone's attempts.
    let permit = hash_slot(app).await?;
    let keys = login_keys(meta, &username);
    let attempt = match reserve(app, &keys).await {
        Ok(k) => k,
        Err(e @ AppError::Locked { .. }) => {
            drop(permit);
            app.writer
                .write(WriteOp::audit_only(vec![login_audit(
                    "login.locked",
                    Outcome::Denied,
                    meta,
                    &username,
                    staff,
                )]))
                .await?;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let hash = row.as_ref().and_then(|r| r.password_hash.clone());
    let ok = verify_in_slot(app, permit, password, hash).await?;
    let row = match row {
        Some(r) if ok && !r.disabled && r.password_hash.is_some() => r,
        _ => {
            let action = if attempt >= i64::from(app.settings.lockout_after) {
                "login.lockout"
            } else {
                "login.failed"
            };
            app.writer
                .write(WriteOp::audit_only(vec![login_audit(
                    action,
                    Outcome::Denied,
                    meta,
                    &username,
                    staff,
                )]))
                .await?;
            return Err(AppError::Unauthenticated);
        }
    };
    let now = Utc::now();
    let session = NewSession {
        token: random_hex(32),
        csrf: random_hex(16),
        totp_pending: row.totp_secret.is_some() || row.totp_required,
    };
    let mut stmts = release_stmts(&keys);
    stmts.push(store::auth::insert_session(&store::auth::NewSessionRow {
        token_hash: &token_hash(&session.token),
        staff_id: row.staff_id,
        identity_id: row.id,
        csrf_token: &session.csrf,
        totp_pending: session.totp_pending,
        at: now,
        user_agent: meta.user_agent.as_deref(),
        ip: meta.ip.as_deref(),
    }));
    app.writer
        .write(WriteOp {
            stmts,
            audit: vec![login_audit(
                "login.success",
                Outcome::Allowed,
                meta,
                &username,
                Some((row.staff_id, &row.name)),
            )],
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
    /// Login time.
    pub created_at: DateTime<Utc>,
}

/// Finds a live session; an idle one, or one older than the maximum lifetime,
/// is ended. Touches `last_seen_at` at most once a minute.
pub async fn session(app: &App, token: &str) -> AppResult<Option<Session>> {
    let hash = token_hash(token);
    let s = store::auth::session(&app.db, &hash).await?;
    let Some(s) = s else { return Ok(None) };
    let now = Utc::now();
    let idle = Duration::from_std(app.settings.session_idle).unwrap_or(Duration::minutes(30));
    let max = Duration::from_std(app.settings.session_max).unwrap_or(Duration::hours(12));
    if s.last_seen_at + idle < now || s.created_at + max < now {
        app.writer
            .write(WriteOp {
                stmts: vec![store::auth::delete_session(&hash)],
                audit: vec![],
            })
            .await?;
        return Ok(None);
    }
    if now - s.last_seen_at > Duration::seconds(60) {
        app.writer
            .write(WriteOp {
                stmts: vec![store::auth::touch_session(&hash, now)],
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
            stmts: vec![store::auth::delete_session(&token_hash(token))],
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
    let current = store::auth::identity_secrets(&app.db, s.identity_id).await?;
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

fn password_invalid() -> AppError {
    AppError::field(FieldError::new(
        "password",
        "invalid_password",
        "Passordet er feil.",
        "The password is wrong.",
    ))
}

/// Checks a TOTP code for a pending session (enrolling the secret if needed) and
/// lifts the pending flag. Enrolling a new authenticator also needs the
/// password again. Codes have the same back-off and lockout as passwords, per
/// (address, identity), reserved before the code is checked.
pub async fn complete_totp(
    app: &App,
    s: &Session,
    code: &str,
    password: Option<&str>,
    meta: &RequestMeta,
) -> AppResult<()> {
    let current = store::auth::identity_secrets(&app.db, s.identity_id).await?;
    let (stored_secret, password_hash) = current.unwrap_or((None, None));
    let (secret, enrolling) = match stored_secret {
        Some(sec) => (sec, false),
        None => (
            token_hash(&format!("totp-enrol:{}", s.token_hash))[..40].to_string(),
            true,
        ),
    };
    let mut audit = AuditDraft::new("login.totp_failed", Outcome::Denied);
    audit.actor_staff_id = Some(s.staff_id);
    audit.resources = "session".into();
    audit.ip = meta.ip.clone();
    audit.user_agent = meta.user_agent.clone();
    let permit = if enrolling {
        Some(hash_slot(app).await?)
    } else {
        None
    };
    let keys = totp_keys(meta, s.identity_id);
    let attempt = match reserve(app, &keys).await {
        Ok(k) => k,
        Err(e @ AppError::Locked { .. }) => {
            audit.action = "login.totp_locked".into();
            app.writer.write(WriteOp::audit_only(vec![audit])).await?;
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    let code_ok = totp_for(&secret)?
        .check_current(code.trim())
        .unwrap_or(false);
    let password_ok = match permit {
        Some(permit) => verify_in_slot(app, permit, password.unwrap_or(""), password_hash).await?,
        None => true,
    };
    if !code_ok || !password_ok {
        if attempt >= i64::from(app.settings.lockout_after) {
            audit.action = "login.totp_lockout".into();
        }
        app.writer.write(WriteOp::audit_only(vec![audit])).await?;
        return Err(if password_ok {
            totp_invalid()
        } else {
            password_invalid()
        });
    }
    audit.action = "login.totp".into();
    audit.outcome = Some(Outcome::Allowed);
    let mut stmts = release_stmts(&keys);
    stmts.push(store::auth::session_totp_done(&s.token_hash));
    if enrolling {
        stmts.push(store::auth::set_totp_secret(s.identity_id, &secret));
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
    /// When it stops working (tokens from before expiry existed: none stored).
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates an API token for the actor themself and returns the secret (shown
/// once). It expires after `Settings::token_lifetime`.
pub async fn create_token(app: &App, actor: &Actor, name: &str) -> AppResult<String> {
    let id = Uuid::now_v7();
    let mut audit = actor.audit("token.create", Outcome::Allowed);
    audit.resources = format!("token:{id},staff:{}", actor.staff_id);
    insert_token(app, id, actor.staff_id, name, audit).await
}

/// Creates an API token for a staff member on an administrator's authority
/// (the command line): the grant must cover that staff member.
pub async fn create_token_for(
    app: &App,
    grant: &AdminGrant,
    staff_id: Uuid,
    name: &str,
) -> AppResult<String> {
    grant.require_staff(staff_id)?;
    let id = Uuid::now_v7();
    let audit = grant.audit("token.create", &format!("token:{id},staff:{staff_id}"));
    insert_token(app, id, staff_id, name, audit).await
}

async fn insert_token(
    app: &App,
    id: Uuid,
    staff_id: Uuid,
    name: &str,
    audit: AuditDraft,
) -> AppResult<String> {
    let token = format!("benk_{}", random_hex(32));
    let expires =
        audit.at + Duration::from_std(app.settings.token_lifetime).unwrap_or(Duration::days(90));
    app.writer
        .write(WriteOp {
            stmts: vec![store::auth::insert_token(&store::auth::NewToken {
                id,
                staff_id,
                name: name.trim(),
                token_hash: &token_hash(&token),
                at: audit.at,
                expires_at: expires,
            })],
            audit: vec![audit],
        })
        .await?;
    Ok(token)
}

/// The staff member behind a live API token: not revoked, not expired, and
/// the account not disabled.
pub async fn token_staff(app: &App, token: &str) -> AppResult<Option<Uuid>> {
    let now = Utc::now();
    let lifetime = Duration::from_std(app.settings.token_lifetime).unwrap_or(Duration::days(90));
    let hash = token_hash(token);
    // The epoch before the read: a change committed meanwhile makes this entry stale.
    let epoch = app.writer.auth_epoch();
    if let Some(staff) = app.auth_cache.token(&hash, epoch, now) {
        return Ok(Some(staff));
    }
    let Some(t) = store::auth::live_token(&app.db, &hash, now, now - lifetime).await? else {
        return Ok(None);
    };
    let valid_until = t.expires_at.unwrap_or(t.created_at + lifetime);
    app.auth_cache.put_token(
        hash,
        crate::auth_cache::TokenOwner {
            staff_id: t.staff_id,
            valid_until,
        },
        epoch,
    );
    Ok(Some(t.staff_id))
}

/// A user's tokens.
pub async fn list_tokens(app: &App, staff_id: Uuid) -> AppResult<Vec<ApiToken>> {
    Ok(store::auth::tokens_of(&app.db, staff_id).await?)
}

/// Revokes one of the actor's own tokens (administrators may revoke anyone's).
pub async fn revoke_token(app: &App, actor: &Actor, token_id: Uuid) -> AppResult<()> {
    let mut audit = actor.audit("token.revoke", Outcome::Allowed);
    audit.resources = format!("token:{token_id}");
    let owner = (!actor.is_admin()).then_some(actor.staff_id);
    let stmt = store::auth::revoke_token(token_id, owner, audit.at);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_in_reused_memory_agrees_with_argon2() {
        let hash = hash_password("correct horse battery").unwrap();
        let mut memory = Vec::new();
        assert!(verify_password_in(
            "correct horse battery",
            &hash,
            &mut memory
        ));
        assert!(!verify_password_in(
            "correct horse batterz",
            &hash,
            &mut memory
        ));
        assert_eq!(memory.len(), argon2::Params::DEFAULT_M_COST as usize);
        // The same buffer serves the next hash, and the library's own verifier agrees.
        let other = hash_password("another password").unwrap();
        assert!(verify_password_in("another password", &other, &mut memory));
        use argon2::password_hash::PasswordVerifier;
        let parsed = PasswordHash::new(&other).unwrap();
        assert!(Argon2::default()
            .verify_password(b"another password", &parsed)
            .is_ok());
        assert!(!verify_password_in("x", "not a hash", &mut memory));
    }
}
