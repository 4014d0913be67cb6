//! Caseloads against the norm (issue 9): the team's workers with their position share, the
//! coordinator roles and memberships they hold in open episodes, and `caseload_overrides`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Exec;
use crate::access::Visible;
use crate::db::writer::Stmt;

/// Roles that count toward the norm: the coordinator pair.
pub const COORDINATOR_ROLES: &str = "('municipal_coordinator', 'specialist_coordinator')";

/// One worker of the team (not the administrator or the privacy officer, who take no part in
/// clinical work), with their position share in the team.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkerRow {
    /// Staff id.
    pub staff_id: Uuid,
    /// Name.
    pub name: String,
    /// Team role code.
    pub role: String,
    /// Position share in the team, 1–100.
    pub fte: i64,
}

/// The team's workers, by name.
pub async fn workers(mut ex: impl Exec, team: Uuid) -> Result<Vec<WorkerRow>, sqlx::Error> {
    ex.all(
        "SELECT s.id AS staff_id, s.name, m.role, CAST(m.fte AS BIGINT) AS fte FROM team_memberships m \
         JOIN staff s ON s.id = m.staff_id WHERE m.team_id = $1 AND s.disabled = FALSE \
         AND m.role NOT IN ('administrator', 'privacy_officer') ORDER BY s.name, s.id",
        crate::args![team],
    )
    .await
}

/// One current role in an open episode of the team, with whether the viewer may see the
/// person (the access module's `visible` basis, or NULL).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoleRow {
    /// The worker.
    pub staff_id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The person's name (only shown when `basis` is set).
    pub client_name: String,
    /// `municipal_coordinator`, `specialist_coordinator` or `member`.
    pub role: String,
    /// The viewer's read basis for the person, if any.
    pub basis: Option<String>,
}

/// Every current role in the team's open episodes. `v` is the access module's visibility rule
/// built with client alias `c`, staff `$2`, date `$3` and its own arguments from `$4`.
pub async fn roles(
    mut ex: impl Exec,
    team: Uuid,
    viewer: Uuid,
    today: chrono::NaiveDate,
    v: &Visible,
) -> Result<Vec<RoleRow>, sqlx::Error> {
    let sql = format!(
        "SELECT em.staff_id, c.id AS client_id, c.name AS client_name, em.role, {} AS basis \
         FROM episode_members em JOIN episodes e ON e.id = em.episode_id JOIN clients c ON c.id = e.client_id \
         WHERE e.team_id = $1 AND e.closed_on IS NULL AND em.left_at IS NULL ORDER BY c.name, c.id",
        v.basis_sql
    );
    let mut args = crate::args![team, viewer, today];
    args.extend(v.args.iter().cloned());
    ex.all(&sql, args).await
}

/// How many open episodes of the team the worker is coordinator in, not counting `except`
/// (the episode being changed; pass a fresh id for a new one).
pub async fn coordinator_count(
    mut ex: impl Exec,
    team: Uuid,
    staff: Uuid,
    except: Uuid,
) -> Result<i64, sqlx::Error> {
    let sql = format!(
        "SELECT COUNT(DISTINCT em.episode_id) FROM episode_members em JOIN episodes e ON e.id = em.episode_id \
         WHERE e.team_id = $1 AND em.staff_id = $2 AND em.episode_id <> $3 AND e.closed_on IS NULL \
         AND em.left_at IS NULL AND em.role IN {COORDINATOR_ROLES}"
    );
    ex.scalar_i64(&sql, crate::args![team, staff, except]).await
}

/// Whether the worker is already a coordinator in this episode (naming them again adds nothing
/// to their caseload).
pub async fn is_coordinator_in(
    mut ex: impl Exec,
    episode: Uuid,
    staff: Uuid,
) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "SELECT COUNT(*) FROM episode_members WHERE episode_id = $1 AND staff_id = $2 \
         AND left_at IS NULL AND role IN {COORDINATOR_ROLES}"
    );
    Ok(ex.scalar_i64(&sql, crate::args![episode, staff]).await? > 0)
}

/// The worker's name and position share in the team, if they are in it.
pub async fn worker(
    mut ex: impl Exec,
    team: Uuid,
    staff: Uuid,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    ex.opt(
        "SELECT s.name, CAST(m.fte AS BIGINT) FROM team_memberships m JOIN staff s ON s.id = m.staff_id \
         WHERE m.team_id = $1 AND m.staff_id = $2",
        crate::args![team, staff],
    )
    .await
}

/// The team's stored policy (JSON), if the team exists.
pub async fn policy(mut ex: impl Exec, team: Uuid) -> Result<Option<String>, sqlx::Error> {
    Ok(ex
        .opt::<(String,)>("SELECT policy FROM teams WHERE id = $1", crate::args![team])
        .await?
        .map(|(p,)| p))
}

/// A recorded override, as listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OverrideRow {
    /// Id.
    pub id: Uuid,
    /// The worker.
    pub staff_id: Uuid,
    /// The worker's name.
    pub staff_name: String,
    /// Their count before the naming.
    pub count: i64,
    /// Their norm then.
    pub norm: i64,
    /// Why.
    pub reason: String,
    /// Who decided.
    pub decided_by_name: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

/// The team's overrides, newest first.
pub async fn overrides(mut ex: impl Exec, team: Uuid) -> Result<Vec<OverrideRow>, sqlx::Error> {
    ex.all(
        "SELECT o.id, o.staff_id, s.name AS staff_name, CAST(o.count AS BIGINT) AS count, \
         CAST(o.norm AS BIGINT) AS norm, o.reason, d.name AS decided_by_name, o.decided_at \
         FROM caseload_overrides o JOIN staff s ON s.id = o.staff_id JOIN staff d ON d.id = o.decided_by \
         WHERE o.team_id = $1 ORDER BY o.decided_at DESC, o.id DESC",
        crate::args![team],
    )
    .await
}

/// A new override.
#[derive(Debug, Clone)]
pub struct NewOverride<'a> {
    /// Id.
    pub id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// The worker named beyond their norm.
    pub staff_id: Uuid,
    /// The episode they were named in.
    pub episode_id: Uuid,
    /// Count before.
    pub count: i64,
    /// Norm.
    pub norm: i64,
    /// Why.
    pub reason: &'a str,
    /// Who.
    pub decided_by: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Records an override.
pub fn insert_override(o: &NewOverride<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO caseload_overrides (id, team_id, staff_id, episode_id, count, norm, reason, decided_by, decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        crate::args![
            o.id,
            o.team_id,
            o.staff_id,
            o.episode_id,
            o.count,
            o.norm,
            o.reason,
            o.decided_by,
            o.at
        ],
    )
}
