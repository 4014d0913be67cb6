//! Stored answers for `Idempotency-Key`: `idempotency_keys`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::idempotency::Stored;

/// The earlier answer for a staff member's key, if any.
pub async fn lookup(
    mut ex: impl Exec,
    staff: Uuid,
    key: &str,
) -> Result<Option<Stored>, sqlx::Error> {
    ex.opt(
        "SELECT fingerprint, CAST(status AS BIGINT) AS status, response FROM idempotency_keys WHERE staff_id = $1 AND key = $2",
        crate::args![staff, key],
    )
    .await
}

/// Stores the first answer for a key; a second answer for the same key fails with `Conflict`.
pub fn insert(
    staff: Uuid,
    key: &str,
    fingerprint: &str,
    status: i64,
    response: &str,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO idempotency_keys (staff_id, key, fingerprint, status, response, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        crate::args![staff, key, fingerprint, status, response, at],
    )
}

/// Forgets a staff member's keys stored before `before`.
pub fn forget_before(staff: Uuid, before: DateTime<Utc>) -> Stmt {
    // Removes only answers older than a day, which no request of the same batch writes.
    Stmt::cleanup(
        "DELETE FROM idempotency_keys WHERE staff_id = $1 AND created_at < $2",
        crate::args![staff, before],
    )
}
