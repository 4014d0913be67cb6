//! Organisations and teams: `organisations`, `teams`, `team_owners`, and the
//! team page's members (from `team_memberships`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::orgs::{Organisation, TeamMember};

/// The columns of [`Organisation`], from `organisations o`.
const ORGANISATION: &str = "SELECT o.id, o.name, o.kind, o.org_number, o.side FROM organisations o";

/// Every organisation, by name.
pub async fn organisations(mut ex: impl Exec) -> Result<Vec<Organisation>, sqlx::Error> {
    ex.all(&format!("{ORGANISATION} ORDER BY o.name"), vec![])
        .await
}

/// Inserts an organisation; an organisation number already taken fails with `Conflict`.
pub fn insert_organisation(o: &Organisation, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "INSERT INTO organisations (id, name, kind, org_number, side, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        crate::args![o.id, o.name.as_str(), o.kind.as_str(), o.org_number.as_str(), o.side.as_str(), at],
    )
}

/// Sets an organisation's side; an unknown organisation changes no row (`NotFound`).
pub fn set_side(organisation: Uuid, side: &str) -> Stmt {
    Stmt::one(
        "UPDATE organisations SET side = $2 WHERE id = $1",
        crate::args![organisation, side],
    )
}

/// Inserts a team with its policy (JSON).
pub fn insert_team(id: Uuid, name: &str, policy_json: &str, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "INSERT INTO teams (id, name, policy, created_at) VALUES ($1, $2, $3, $4)",
        crate::args![id, name, policy_json, at],
    )
}

/// Makes an organisation an owner of a team; an unknown one fails with `Constraint`.
pub fn insert_owner(team: Uuid, organisation: Uuid) -> Stmt {
    Stmt::new(
        "INSERT INTO team_owners (team_id, organisation_id) VALUES ($1, $2)",
        crate::args![team, organisation],
    )
}

/// Replaces a team's policy (JSON); the team must exist.
pub fn set_policy(team: Uuid, policy_json: &str) -> Stmt {
    Stmt::one(
        "UPDATE teams SET policy = $2 WHERE id = $1",
        crate::args![team, policy_json],
    )
}

/// A team's row: id, name and policy (JSON).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeamRow {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Policy as stored (JSON).
    pub policy: String,
}

/// One team.
pub async fn team(mut ex: impl Exec, team: Uuid) -> Result<Option<TeamRow>, sqlx::Error> {
    ex.opt(
        "SELECT id, name, policy FROM teams WHERE id = $1",
        crate::args![team],
    )
    .await
}

/// A team's owners, by name.
pub async fn owners(mut ex: impl Exec, team: Uuid) -> Result<Vec<Organisation>, sqlx::Error> {
    ex.all(
        &format!(
            "{ORGANISATION} JOIN team_owners t ON t.organisation_id = o.id WHERE t.team_id = $1 ORDER BY o.name"
        ),
        crate::args![team],
    )
    .await
}

/// Every team (id, name), by name.
pub async fn teams(mut ex: impl Exec) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    ex.all("SELECT id, name FROM teams ORDER BY name", vec![])
        .await
}

/// A team's active (not disabled) members, by employer name and then name.
pub async fn members_by_employer(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Vec<TeamMember>, sqlx::Error> {
    ex.all(
        "SELECT s.id AS staff_id, s.name, s.profession, m.role, CAST(m.fte AS BIGINT) AS fte, \
         o.id AS org_id, o.name AS org_name \
         FROM team_memberships m JOIN staff s ON s.id = m.staff_id \
         JOIN organisations o ON o.id = s.home_org_id \
         WHERE m.team_id = $1 AND s.disabled = FALSE ORDER BY o.name, s.name",
        crate::args![team],
    )
    .await
}
