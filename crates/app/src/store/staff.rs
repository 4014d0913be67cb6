//! Staff members and their team memberships: `staff`, `team_memberships`,
//! `health_personnel_changes`. Login identities are in [`super::auth`].

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::intake_views::StaffWithEmployer;
use crate::staff::{HealthPersonnelChange, StaffSummary};

/// The columns of [`StaffSummary`], from `staff s` with its employer `o` and local identity `i`.
const SUMMARY: &str =
    "SELECT s.id, i.subject AS username, s.name, s.profession, s.hpr_number, s.home_org_id, \
     o.name AS org_name, s.disabled, s.totp_required, (i.totp_secret IS NOT NULL) AS totp_enrolled, s.care_employment \
     FROM staff s JOIN organisations o ON o.id = s.home_org_id \
     LEFT JOIN identities i ON i.staff_id = s.id AND i.provider = 'local'";

/// A new staff member.
#[derive(Debug, Clone)]
pub struct NewStaffRow<'a> {
    /// Id.
    pub id: Uuid,
    /// Name (already trimmed).
    pub name: &'a str,
    /// Profession code.
    pub profession: &'a str,
    /// HPR number.
    pub hpr_number: Option<&'a str>,
    /// Home employer.
    pub home_org_id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Inserts a staff member; an unknown employer fails with `Constraint`.
pub fn insert(s: &NewStaffRow<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO staff (id, name, profession, hpr_number, home_org_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        crate::args![s.id, s.name, s.profession, s.hpr_number, s.home_org_id, s.at],
    )
}

/// Inserts a team membership; a second one for the same team and staff member fails with `Conflict`.
pub fn insert_membership(team: Uuid, staff: Uuid, role: &str, fte_percent: i64) -> Stmt {
    Stmt::new(
        "INSERT INTO team_memberships (team_id, staff_id, role, fte) VALUES ($1, $2, $3, $4)",
        crate::args![team, staff, role, fte_percent],
    )
}

/// The day a membership whose start Benk does not know (it is older than the position-share
/// history) has its first share from, 1 January 1900: it counts on every day before its first
/// change. A membership made since has its first share on the
/// day it was made, and counts from that day only (`reports::fidelity::positions_on`).
pub fn unknown_start_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
}

/// Before a change: a membership of `staff` in `team` (in every team: `None`) with no recorded
/// share yet gets its share as it is now, in effect from [`unknown_start_day`] (as the
/// migration recorded the memberships there were), so that the change does not reach back.
/// A membership made since the history began has a share from its first day, so this adds
/// nothing for it.
pub fn keep_position_share(team: Option<Uuid>, staff: Uuid) -> Stmt {
    let base = unknown_start_day();
    let sql = "INSERT INTO membership_position_shares (team_id, staff_id, valid_from, fte_percent) \
         SELECT m.team_id, m.staff_id, $3, \
         CASE WHEN s.disabled OR m.role IN ('administrator', 'privacy_officer') THEN 0 ELSE m.fte END \
         FROM team_memberships m JOIN staff s ON s.id = m.staff_id \
         WHERE (m.team_id = $1 OR $4) AND m.staff_id = $2 AND NOT EXISTS \
         (SELECT 1 FROM membership_position_shares h WHERE h.team_id = m.team_id AND h.staff_id = m.staff_id)";
    Stmt::new(
        sql,
        crate::args![team.unwrap_or_default(), staff, base, team.is_none()],
    )
}

/// Records the position shares of `staff`'s memberships of `team` as they are after the
/// statements before it (0 for an administrator, a privacy officer or a disabled account), in
/// effect from `on`; a second change on the same day replaces the first. Put it after the
/// change (`membership_position_shares`). For a new membership this first share's day is the
/// day the member joined: before it the member holds no position in the team.
pub fn record_position_share(team: Uuid, staff: Uuid, on: NaiveDate) -> Stmt {
    Stmt::new(
        "INSERT INTO membership_position_shares (team_id, staff_id, valid_from, fte_percent) \
         SELECT m.team_id, m.staff_id, $3, \
         CASE WHEN s.disabled OR m.role IN ('administrator', 'privacy_officer') THEN 0 ELSE m.fte END \
         FROM team_memberships m JOIN staff s ON s.id = m.staff_id WHERE m.team_id = $1 AND m.staff_id = $2 \
         ON CONFLICT (team_id, staff_id, valid_from) DO UPDATE SET fte_percent = excluded.fte_percent",
        crate::args![team, staff, on],
    )
}

/// [`record_position_share`] for every team of `staff` (after the account is disabled or
/// enabled).
pub fn record_position_shares(staff: Uuid, on: NaiveDate) -> Stmt {
    Stmt::new(
        "INSERT INTO membership_position_shares (team_id, staff_id, valid_from, fte_percent) \
         SELECT m.team_id, m.staff_id, $2, \
         CASE WHEN s.disabled OR m.role IN ('administrator', 'privacy_officer') THEN 0 ELSE m.fte END \
         FROM team_memberships m JOIN staff s ON s.id = m.staff_id WHERE m.staff_id = $1 \
         ON CONFLICT (team_id, staff_id, valid_from) DO UPDATE SET fte_percent = excluded.fte_percent",
        crate::args![staff, on],
    )
}

/// The recorded position shares of the team's members: (staff, in effect from, percent), by
/// staff and day.
pub async fn position_shares(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Vec<(Uuid, NaiveDate, i64)>, sqlx::Error> {
    ex.all(
        "SELECT staff_id, valid_from, CAST(fte_percent AS BIGINT) AS fte_percent \
         FROM membership_position_shares WHERE team_id = $1 ORDER BY staff_id, valid_from",
        crate::args![team],
    )
    .await
}

/// Removes a team membership, if there is one.
pub fn delete_membership(team: Uuid, staff: Uuid) -> Stmt {
    Stmt::new(
        "DELETE FROM team_memberships WHERE team_id = $1 AND staff_id = $2",
        crate::args![team, staff],
    )
}

/// Whether the staff member is in the team (disabled or not).
pub async fn is_member(mut ex: impl Exec, team: Uuid, staff: Uuid) -> Result<bool, sqlx::Error> {
    Ok(ex
        .scalar_i64(
            "SELECT COUNT(*) FROM team_memberships WHERE team_id = $1 AND staff_id = $2",
            crate::args![team, staff],
        )
        .await?
        > 0)
}

/// How many system administrators there are.
pub async fn system_admin_count(mut ex: impl Exec) -> Result<i64, sqlx::Error> {
    ex.scalar_i64(
        "SELECT COUNT(*) FROM staff WHERE system_admin = TRUE",
        vec![],
    )
    .await
}

/// Makes a staff member a system administrator.
pub fn make_system_admin(staff: Uuid) -> Stmt {
    Stmt::new(
        "UPDATE staff SET system_admin = TRUE WHERE id = $1",
        crate::args![staff],
    )
}

/// Active (not disabled) members of a team, (id, name) by name.
pub async fn active_in_team(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    ex.all(
        "SELECT s.id, s.name FROM team_memberships m JOIN staff s ON s.id = m.staff_id \
         WHERE m.team_id = $1 AND s.disabled = FALSE ORDER BY s.name",
        crate::args![team],
    )
    .await
}

/// Active members of a team with their home employer, by name (the intake pickers).
pub async fn active_in_team_with_employer(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Vec<StaffWithEmployer>, sqlx::Error> {
    ex.all(
        "SELECT s.id, s.name, s.profession, o.name AS org_name, o.kind AS org_kind, \
         o.side AS org_side, m.role \
         FROM team_memberships m JOIN staff s ON s.id = m.staff_id \
         JOIN organisations o ON o.id = s.home_org_id \
         WHERE m.team_id = $1 AND s.disabled = FALSE ORDER BY s.name",
        crate::args![team],
    )
    .await
}

/// Every staff member, by name.
pub async fn summaries(mut ex: impl Exec) -> Result<Vec<StaffSummary>, sqlx::Error> {
    ex.all(&format!("{SUMMARY} ORDER BY s.name"), vec![]).await
}

/// The members of a team, by name.
pub async fn summaries_in_team(
    mut ex: impl Exec,
    team: Uuid,
) -> Result<Vec<StaffSummary>, sqlx::Error> {
    ex.all(
        &format!(
            "{SUMMARY} WHERE s.id IN (SELECT staff_id FROM team_memberships WHERE team_id = $1) ORDER BY s.name"
        ),
        crate::args![team],
    )
    .await
}

/// The staff member with this (already lower-cased) local login name.
pub async fn summary_by_username(
    mut ex: impl Exec,
    username: &str,
) -> Result<Option<StaffSummary>, sqlx::Error> {
    ex.opt(
        &format!("{SUMMARY} WHERE i.subject = $1"),
        crate::args![username],
    )
    .await
}

/// Disables (or enables) login; must touch exactly one row.
pub fn set_disabled(staff: Uuid, disabled: bool) -> Stmt {
    Stmt::one(
        "UPDATE staff SET disabled = $2 WHERE id = $1",
        crate::args![staff, disabled],
    )
}

/// Requires (or not) a second factor; must touch exactly one row.
pub fn set_totp_required(staff: Uuid, required: bool) -> Stmt {
    Stmt::one(
        "UPDATE staff SET totp_required = $2 WHERE id = $1",
        crate::args![staff, required],
    )
}

/// Sets the interface language tag; must touch exactly one row.
pub fn set_language(staff: Uuid, tag: &str) -> Stmt {
    Stmt::one(
        "UPDATE staff SET language = $2 WHERE id = $1",
        crate::args![staff, tag],
    )
}

/// What loading the acting staff member reads of `staff` and the employer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActorRow {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Profession code.
    pub profession: String,
    /// HPR number.
    pub hpr_number: Option<String>,
    /// Home employer.
    pub home_org_id: Uuid,
    /// The employer's organisation number.
    pub org_number: String,
    /// Interface language tag.
    pub language: Option<String>,
    /// Disabled.
    pub disabled: bool,
    /// System administrator.
    pub system_admin: bool,
    /// Employed in the health service to give care.
    pub care_employment: bool,
}

/// A team membership with the team's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipRow {
    /// Team.
    pub team_id: Uuid,
    /// The team's name.
    pub team_name: String,
    /// Role code.
    pub role: String,
    /// Share of a full position, in percent.
    pub fte: i64,
}

/// A staff member as the acting [`Actor`](crate::actor::Actor) is built from.
pub async fn actor_row(mut ex: impl Exec, staff: Uuid) -> Result<Option<ActorRow>, sqlx::Error> {
    ex.opt(
        "SELECT s.id, s.name, s.profession, s.hpr_number, s.home_org_id, o.org_number, s.language, s.disabled, s.system_admin, s.care_employment \
         FROM staff s JOIN organisations o ON o.id = s.home_org_id WHERE s.id = $1",
        crate::args![staff],
    )
    .await
}

/// A staff member's team memberships, by team name.
pub async fn memberships_of(
    mut ex: impl Exec,
    staff: Uuid,
) -> Result<Vec<MembershipRow>, sqlx::Error> {
    ex.all(
        "SELECT m.team_id, t.name AS team_name, m.role, CAST(m.fte AS BIGINT) AS fte FROM team_memberships m \
         JOIN teams t ON t.id = m.team_id WHERE m.staff_id = $1 ORDER BY t.name",
        crate::args![staff],
    )
    .await
}

/// A staff member's profession code.
pub async fn profession_of(mut ex: impl Exec, staff: Uuid) -> Result<Option<String>, sqlx::Error> {
    let r: Option<(String,)> = ex
        .opt(
            "SELECT profession FROM staff WHERE id = $1",
            crate::args![staff],
        )
        .await?;
    Ok(r.map(|r| r.0))
}

/// Sets whether the staff member is employed in the health service to give care; must touch exactly one row.
pub fn set_care_employment(staff: Uuid, care_employment: bool) -> Stmt {
    Stmt::one(
        "UPDATE staff SET care_employment = $2 WHERE id = $1",
        crate::args![staff, care_employment],
    )
}

/// Records a change of health-personnel status with its reason (`set_by`: `None` for the command line).
pub fn insert_health_personnel_change(
    id: Uuid,
    staff: Uuid,
    care_employment: bool,
    reason: &str,
    set_by: Option<Uuid>,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO health_personnel_changes (id, staff_id, care_employment, reason, set_by, set_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        crate::args![id, staff, care_employment, reason, set_by, at],
    )
}

/// A staff member's health-personnel changes, newest first.
pub async fn health_personnel_history(
    mut ex: impl Exec,
    staff: Uuid,
) -> Result<Vec<HealthPersonnelChange>, sqlx::Error> {
    ex.all(
        "SELECT c.care_employment, c.reason, s.name AS set_by_name, c.set_at FROM health_personnel_changes c \
         LEFT JOIN staff s ON s.id = c.set_by WHERE c.staff_id = $1 ORDER BY c.set_at DESC",
        crate::args![staff],
    )
    .await
}

/// Every health-personnel change as (staff, reason), oldest first (a later row is the newer reason).
pub async fn health_personnel_reasons(
    mut ex: impl Exec,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    ex.all(
        "SELECT staff_id, reason FROM health_personnel_changes ORDER BY set_at, id",
        vec![],
    )
    .await
}
