//! The care-relationship aggregate: `care_relationships`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::care::CareRelationship;
use crate::db::writer::Stmt;

/// The columns of [`CareRelationship`], from `care_relationships cr` with its
/// holder (staff `s` or team `t`), the holder's employer `o` and the giver `gb`.
const SELECT: &str = "SELECT cr.id, cr.client_id, cr.staff_id, cr.team_id, COALESCE(s.name, t.name) AS holder_name, \
     s.profession, o.name AS org_name, cr.valid_from, cr.valid_to, cr.reason, cr.ended_at, \
     gb.name AS given_by_name, cr.created_at, \
     CASE WHEN EXISTS (SELECT 1 FROM episode_members em WHERE em.care_relationship_id = cr.id) \
     THEN 'episode' ELSE 'manual' END AS source \
     FROM care_relationships cr LEFT JOIN staff s ON s.id = cr.staff_id LEFT JOIN teams t ON t.id = cr.team_id \
     LEFT JOIN organisations o ON o.id = s.home_org_id JOIN staff gb ON gb.id = cr.created_by";

const INSERT: &str = "INSERT INTO care_relationships (id, client_id, staff_id, team_id, valid_from, valid_to, reason, \
     owner_org_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// Ending sets `ended_at`/`ended_by` and pulls `valid_to` back to today at the latest.
const END_FOR_CLIENT: &str = "UPDATE care_relationships SET ended_at = $3, ended_by = $4, \
     valid_to = CASE WHEN valid_to IS NULL OR valid_to > $5 THEN $5 ELSE valid_to END \
     WHERE id = $1 AND client_id = $2 AND ended_at IS NULL";

const END: &str = "UPDATE care_relationships SET ended_at = $2, ended_by = $3, \
     valid_to = CASE WHEN valid_to IS NULL OR valid_to > $4 THEN $4 ELSE valid_to END \
     WHERE id = $1 AND ended_at IS NULL";

/// A new care relationship, held by one staff member or one team.
#[derive(Debug, Clone)]
pub struct NewCare<'a> {
    /// Id.
    pub id: Uuid,
    /// Client.
    pub client_id: Uuid,
    /// Staff holder (exactly one of `staff_id` and `team_id`).
    pub staff_id: Option<Uuid>,
    /// Team holder.
    pub team_id: Option<Uuid>,
    /// First day.
    pub valid_from: NaiveDate,
    /// Last day.
    pub valid_to: Option<NaiveDate>,
    /// Why.
    pub reason: &'a str,
    /// The giver's employer.
    pub owner_org_id: Uuid,
    /// Who gave it.
    pub created_by: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Inserts a care relationship.
pub fn insert(c: &NewCare<'_>) -> Stmt {
    Stmt::new(
        INSERT,
        crate::args![
            c.id,
            c.client_id,
            c.staff_id,
            c.team_id,
            c.valid_from,
            c.valid_to,
            c.reason,
            c.owner_org_id,
            c.created_by,
            c.at
        ],
    )
}

/// Ends one of the client's relationships that has not ended; must touch
/// exactly one row (else `NotFound`: no such relationship for this client, or already ended).
pub fn end_for_client(
    id: Uuid,
    client: Uuid,
    at: DateTime<Utc>,
    by: Uuid,
    today: NaiveDate,
) -> Stmt {
    Stmt::one(END_FOR_CLIENT, crate::args![id, client, at, by, today])
}

/// Ends a relationship if it has not ended (no row-count guard).
pub fn end(id: Uuid, at: DateTime<Utc>, by: Uuid, today: NaiveDate) -> Stmt {
    Stmt::new(END, crate::args![id, at, by, today])
}

/// Relationships active on `today` (the care team), by holder name.
pub async fn active_for_client(
    mut ex: impl Exec,
    client: Uuid,
    today: NaiveDate,
) -> Result<Vec<CareRelationship>, sqlx::Error> {
    let (sql, args) = active_for_client_q(client, today);
    ex.fast_all(&sql, args).await
}

/// The query of [`active_for_client`].
pub fn active_for_client_q(client: Uuid, today: NaiveDate) -> super::contacts::Query {
    (
        format!(
            "{SELECT} WHERE cr.client_id = $1 AND cr.ended_at IS NULL AND cr.valid_from <= $2 \
             AND (cr.valid_to IS NULL OR cr.valid_to >= $2) ORDER BY holder_name"
        ),
        crate::args![client, today],
    )
}

/// Every relationship of a client, past and present (the register).
pub async fn all_for_client(
    mut ex: impl Exec,
    client: Uuid,
) -> Result<Vec<CareRelationship>, sqlx::Error> {
    ex.all(
        &format!("{SELECT} WHERE cr.client_id = $1 ORDER BY cr.valid_from DESC, holder_name"),
        crate::args![client],
    )
    .await
}

/// Whether the staff member is an active (not disabled) member of the team.
pub async fn is_active_team_member(
    mut ex: impl Exec,
    team: Uuid,
    staff: Uuid,
) -> Result<bool, sqlx::Error> {
    Ok(ex
        .scalar_i64(
            "SELECT COUNT(*) FROM team_memberships m JOIN staff s ON s.id = m.staff_id \
             WHERE m.team_id = $1 AND m.staff_id = $2 AND s.disabled = FALSE",
            crate::args![team, staff],
        )
        .await?
        > 0)
}
