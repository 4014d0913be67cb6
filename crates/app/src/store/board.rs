//! The team board ("tavla", issue 9): `board_entries` and `board_reviews`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::access::Visible;
use crate::db::writer::Stmt;

/// One entry on the board (current or removed), with whether the viewer may see the person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntryRow {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// Their name (shown only where `basis` is set, or as initials).
    pub client_name: String,
    /// Why they are on the board.
    pub reason: String,
    /// Who added them.
    pub added_by_name: String,
    /// When.
    pub added_at: DateTime<Utc>,
    /// When they were taken off.
    pub removed_at: Option<DateTime<Utc>>,
    /// Who took them off.
    pub removed_by_name: Option<String>,
    /// `BoardOutcome` code.
    pub outcome: Option<String>,
    /// The outcome in words ("other").
    pub outcome_note: Option<String>,
    /// The viewer's read basis for the person, if any.
    pub basis: Option<String>,
}

/// The team's board entries, current first (oldest added first), then removed (newest first).
/// `v` is the visibility rule built with alias `c`, staff `$2`, date `$3`, its own args from `$4`.
pub async fn entries(
    mut ex: impl Exec,
    team: Uuid,
    viewer: Uuid,
    today: NaiveDate,
    v: &Visible,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    let sql = format!(
        "SELECT b.id, c.id AS client_id, c.name AS client_name, b.reason, a.name AS added_by_name, b.added_at, \
         b.removed_at, r.name AS removed_by_name, b.outcome, b.outcome_note, {} AS basis \
         FROM board_entries b JOIN clients c ON c.id = b.client_id JOIN staff a ON a.id = b.added_by \
         LEFT JOIN staff r ON r.id = b.removed_by WHERE b.team_id = $1 \
         ORDER BY CASE WHEN b.removed_at IS NULL THEN 0 ELSE 1 END, \
         CASE WHEN b.removed_at IS NULL THEN b.added_at END, b.removed_at DESC, b.id",
        v.basis_sql
    );
    let mut args = crate::args![team, viewer, today];
    args.extend(v.args.iter().cloned());
    ex.all(&sql, args).await
}

/// One review of an entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReviewRow {
    /// The entry.
    pub entry_id: Uuid,
    /// The day of the review.
    pub reviewed_on: NaiveDate,
    /// The note.
    pub note: String,
    /// Who reviewed.
    pub reviewed_by_name: String,
}

/// Every review of the team's entries, oldest first.
pub async fn reviews(mut ex: impl Exec, team: Uuid) -> Result<Vec<ReviewRow>, sqlx::Error> {
    ex.all(
        "SELECT r.entry_id, r.reviewed_on, r.note, s.name AS reviewed_by_name FROM board_reviews r \
         JOIN board_entries b ON b.id = r.entry_id JOIN staff s ON s.id = r.reviewed_by \
         WHERE b.team_id = $1 ORDER BY r.reviewed_on, r.created_at, r.id",
        crate::args![team],
    )
    .await
}

/// An entry's team and person, and whether it is still on the board.
pub async fn entry_head(
    mut ex: impl Exec,
    entry: Uuid,
) -> Result<Option<(Uuid, Uuid, Option<DateTime<Utc>>)>, sqlx::Error> {
    ex.opt(
        "SELECT team_id, client_id, removed_at FROM board_entries WHERE id = $1",
        crate::args![entry],
    )
    .await
}

/// Puts a person on the board (the schema keeps one current entry per person and team).
pub fn insert(
    id: Uuid,
    team: Uuid,
    client: Uuid,
    reason: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO board_entries (id, team_id, client_id, reason, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6)",
        crate::args![id, team, client, reason, by, at],
    )
}

/// A review of an entry still on the board.
pub fn insert_review(
    id: Uuid,
    entry: Uuid,
    on: NaiveDate,
    note: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::one(
        "INSERT INTO board_reviews (id, entry_id, reviewed_on, note, reviewed_by, created_at) \
         SELECT $1, $2, $3, $4, $5, $6 FROM board_entries WHERE id = $2 AND removed_at IS NULL",
        crate::args![id, entry, on, note, by, at],
    )
}

/// Takes a person off the board with an outcome; only an entry still on it.
pub fn remove(entry: Uuid, outcome: &str, note: Option<&str>, by: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::one(
        "UPDATE board_entries SET removed_at = $2, removed_by = $3, outcome = $4, outcome_note = $5 \
         WHERE id = $1 AND removed_at IS NULL",
        crate::args![entry, at, by, outcome, note],
    )
}
