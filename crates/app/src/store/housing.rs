//! The housing aggregate: `housing_statuses` (coded history), `housing_applications` (the
//! housing queue) and `housing_evictions`, per person in a team.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::housing::{ApplicationRow, EvictionRow, StatusRow};

/// Who recorded a housing fact, and when.
#[derive(Debug, Clone, Copy)]
pub struct Recorded {
    /// Client.
    pub client: Uuid,
    /// The client's team.
    pub team: Uuid,
    /// Staff member.
    pub by: Uuid,
    /// Their employer.
    pub owner_org: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Inserts a housing status from a date.
pub fn insert_status(
    id: Uuid,
    r: Recorded,
    status: &str,
    from: NaiveDate,
    note: Option<&str>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO housing_statuses (id, client_id, team_id, status, from_date, note, recorded_by, owner_org_id, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        crate::args![id, r.client, r.team, status, from, note, r.by, r.owner_org, r.at],
    )
}

/// Inserts a housing-queue application.
pub fn insert_application(
    id: Uuid,
    r: Recorded,
    applied_on: NaiveDate,
    what: &str,
    status: &str,
    decided_on: Option<NaiveDate>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO housing_applications (id, client_id, team_id, applied_on, what, status, decided_on, recorded_by, \
         owner_org_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        crate::args![id, r.client, r.team, applied_on, what, status, decided_on, r.by, r.owner_org, r.at],
    )
}

/// Changes an application's status (a decision, a withdrawal); exactly one row of the client's.
pub fn update_application(
    id: Uuid,
    client: Uuid,
    status: &str,
    decided_on: Option<NaiveDate>,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::one(
        "UPDATE housing_applications SET status = $3, decided_on = $4, updated_at = $5 \
         WHERE id = $1 AND client_id = $2",
        crate::args![id, client, status, decided_on, at],
    )
}

/// Inserts an eviction.
pub fn insert_eviction(id: Uuid, r: Recorded, on: NaiveDate, note: Option<&str>) -> Stmt {
    Stmt::new(
        "INSERT INTO housing_evictions (id, client_id, team_id, evicted_on, note, recorded_by, owner_org_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        crate::args![id, r.client, r.team, on, note, r.by, r.owner_org, r.at],
    )
}

/// A person's housing statuses, newest first.
pub async fn statuses(mut ex: impl Exec, client: Uuid) -> Result<Vec<StatusRow>, sqlx::Error> {
    ex.all(
        "SELECT h.id, h.status, h.from_date, h.note, s.name AS recorded_by_name, h.created_at \
         FROM housing_statuses h JOIN staff s ON s.id = h.recorded_by \
         WHERE h.client_id = $1 ORDER BY h.from_date DESC, h.created_at DESC",
        crate::args![client],
    )
    .await
}

/// A person's housing-queue applications, newest first.
pub async fn applications(
    mut ex: impl Exec,
    client: Uuid,
) -> Result<Vec<ApplicationRow>, sqlx::Error> {
    ex.all(
        "SELECT id, applied_on, what, status, decided_on FROM housing_applications \
         WHERE client_id = $1 ORDER BY applied_on DESC, created_at DESC",
        crate::args![client],
    )
    .await
}

/// A person's evictions, newest first.
pub async fn evictions(mut ex: impl Exec, client: Uuid) -> Result<Vec<EvictionRow>, sqlx::Error> {
    ex.all(
        "SELECT id, evicted_on, note FROM housing_evictions WHERE client_id = $1 \
         ORDER BY evicted_on DESC, created_at DESC",
        crate::args![client],
    )
    .await
}

/// Courses in a team open at some time from `from` through `to`: (client, included_on,
/// closed_on), one per episode.
pub async fn followed(
    mut ex: impl Exec,
    team: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Uuid, NaiveDate, Option<NaiveDate>)>, sqlx::Error> {
    ex.all(
        "SELECT client_id, included_on, closed_on FROM episodes WHERE team_id = $1 AND included_on <= $3 \
         AND (closed_on IS NULL OR closed_on >= $2) ORDER BY included_on, client_id",
        crate::args![team, from, to],
    )
    .await
}

/// Every housing status in the team up to `to`: (client, status, from_date).
pub async fn team_statuses(
    mut ex: impl Exec,
    team: Uuid,
    to: NaiveDate,
) -> Result<Vec<(Uuid, String, NaiveDate)>, sqlx::Error> {
    ex.all(
        "SELECT client_id, status, from_date FROM housing_statuses WHERE team_id = $1 AND from_date <= $2 \
         ORDER BY client_id, from_date, created_at",
        crate::args![team, to],
    )
    .await
}

/// Every eviction in the team up to `to`: (client, date).
pub async fn team_evictions(
    mut ex: impl Exec,
    team: Uuid,
    to: NaiveDate,
) -> Result<Vec<(Uuid, NaiveDate)>, sqlx::Error> {
    ex.all(
        "SELECT client_id, evicted_on FROM housing_evictions WHERE team_id = $1 AND evicted_on <= $2 \
         ORDER BY client_id, evicted_on",
        crate::args![team, to],
    )
    .await
}
