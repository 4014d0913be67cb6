//! `Idempotency-Key` for creating requests: a client that lost the response
//! retries with the same key and gets the first answer, not a duplicate.

use sha2::{Digest, Sha256};
use uuid::Uuid;

use benk_domain::Purpose;

use crate::actor::Actor;
use crate::db::writer::{Stmt, WriteOp};
use crate::error::{AppError, AppResult, FieldError};
use crate::App;

/// A stored answer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Stored {
    /// Fingerprint of the first request body.
    pub fingerprint: String,
    /// HTTP status of the first answer.
    pub status: i64,
    /// Body of the first answer.
    pub response: String,
}

/// Fingerprint of a request (method, path, body).
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(body);
    hex::encode(h.finalize())
}

/// Checks a key's shape: 1–200 visible ASCII characters.
pub fn parse_key(k: &str) -> AppResult<String> {
    if !k.is_empty() && k.len() <= 200 && k.chars().all(|c| c.is_ascii_graphic()) {
        Ok(k.to_string())
    } else {
        Err(AppError::field(FieldError::new(
            "Idempotency-Key",
            "invalid_idempotency_key",
            "Idempotency-Key må være 1–200 synlige ASCII-tegn.",
            "Idempotency-Key must be 1–200 visible ASCII characters.",
        )))
    }
}

/// The earlier answer for this key, if any.
pub async fn lookup(app: &App, staff: Uuid, key: &str) -> AppResult<Option<Stored>> {
    Ok(crate::store::idempotency::lookup(&app.db, staff, key).await?)
}

/// How long a key is remembered: long enough for any client's retries.
pub const KEEP_FOR_HOURS: i64 = 24;

/// The statements that store the answer in the same transaction as the change,
/// and forget this user's keys older than [`KEEP_FOR_HOURS`].
pub fn store_stmts(
    staff: Uuid,
    key: &str,
    fingerprint: &str,
    status: u16,
    response: &str,
) -> Vec<Stmt> {
    let now = chrono::Utc::now();
    vec![
        crate::store::idempotency::forget_before(
            staff,
            now - chrono::Duration::hours(KEEP_FOR_HOURS),
        ),
        crate::store::idempotency::insert(
            staff,
            key,
            fingerprint,
            i64::from(status),
            response,
            now,
        ),
    ]
}

/// Before a stored client-create answer is sent again, checks that the caller
/// may still open that client (a refusal is audited by `open_client` and
/// returned instead of the stored record), and audits the replay itself.
pub async fn check_client_replay(app: &App, actor: &Actor, stored: &Stored) -> AppResult<()> {
    let id = serde_json::from_str::<serde_json::Value>(&stored.response)
        .ok()
        .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_owned))
        .and_then(|id| Uuid::parse_str(&id).ok())
        .ok_or_else(|| AppError::Internal("stored idempotent answer has no client id".into()))?;
    let grant = crate::access::open_client(app, actor, id, Purpose::Treat).await?;
    let audit =
        crate::access::audit_allowed(actor, &grant, "client.create_replayed", "client:basic");
    app.writer.write(WriteOp::audit_only(vec![audit])).await?;
    Ok(())
}
