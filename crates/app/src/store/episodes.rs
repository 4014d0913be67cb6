//! The episode aggregate: `episodes`, `episode_levels`, `episode_members` and
//! `responsibility_group_members`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;
use crate::episodes::{LevelChange, Member, RgMember};

const INSERT: &str = "INSERT INTO episodes (id, client_id, team_id, referral_id, included_on, created_by, owner_org_id, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const INSERT_LEVEL: &str =
    "INSERT INTO episode_levels (id, episode_id, level, from_date, reason, reason_shared, set_by, set_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const INSERT_MEMBER: &str = "INSERT INTO episode_members (id, episode_id, staff_id, role, care_relationship_id, from_date) \
     VALUES ($1, $2, $3, $4, $5, $6)";

const CLOSE: &str = "UPDATE episodes SET closed_on = $2, close_reason = $3, close_note = $4 WHERE id = $1 AND closed_on IS NULL";

const INSERT_RG: &str = "INSERT INTO responsibility_group_members (id, episode_id, kind, name, role, organisation, phone, \
     email, consent_recorded, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// The columns of [`EpisodeHead`].
const HEAD_COLS: &str = "id, included_on, closed_on, close_reason, referral_id";

/// The columns of [`Member`], on `episode_members m` with its staff `s` and employer `o`.
const MEMBER_COLS: &str =
    "m.id, m.staff_id, s.name, s.profession, o.name AS org_name, m.role, m.from_date, m.left_at";

/// The columns of [`RgMember`].
const RG_COLS: &str = "id, kind, name, role, organisation, phone, email, consent_recorded";

/// A new episode (its first level and members are separate statements).
#[derive(Debug, Clone)]
pub struct NewEpisode {
    /// Id.
    pub id: Uuid,
    /// Client.
    pub client_id: Uuid,
    /// Team.
    pub team_id: Uuid,
    /// The referral it came from.
    pub referral_id: Option<Uuid>,
    /// Included.
    pub included_on: NaiveDate,
    /// Who opened it.
    pub created_by: Uuid,
    /// Their employer.
    pub owner_org_id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Inserts an episode. A second open episode for the client in the team fails
/// with `WriteError::Conflict` (`episodes_one_open`).
pub fn insert(e: &NewEpisode) -> Stmt {
    Stmt::new(
        INSERT,
        crate::args![
            e.id,
            e.client_id,
            e.team_id,
            e.referral_id,
            e.included_on,
            e.created_by,
            e.owner_org_id,
            e.at
        ],
    )
}

/// Records a level of effort from a date. The reason is health content unless
/// `reason_shared` marks it as holding none (then the whole care team reads it).
pub fn insert_level(
    episode: Uuid,
    level: i64,
    from: NaiveDate,
    reason: Option<&str>,
    reason_shared: bool,
    set_by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        INSERT_LEVEL,
        crate::args![
            Uuid::now_v7(),
            episode,
            level,
            from,
            reason,
            reason_shared,
            set_by,
            at
        ],
    )
}

/// The ordinary service named on a level (levels 2 and 3).
#[derive(Debug, Clone)]
pub struct LevelService<'a> {
    /// The service.
    pub service: &'a str,
    /// Contact person.
    pub contact_name: Option<&'a str>,
    /// Their phone (E.164).
    pub contact_phone: Option<&'a str>,
    /// `Competence` code.
    pub competence: Option<&'a str>,
    /// The competence in words (health content).
    pub competence_note: Option<&'a str>,
}

/// Records a level of effort from a date, with the ordinary service at levels 2 and 3.
#[allow(clippy::too_many_arguments)]
pub fn insert_level_with(
    episode: Uuid,
    level: i64,
    from: NaiveDate,
    reason: Option<&str>,
    reason_shared: bool,
    service: Option<&LevelService<'_>>,
    set_by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO episode_levels (id, episode_id, level, from_date, reason, reason_shared, set_by, set_at, \
         ordinary_service, ordinary_contact_name, ordinary_contact_phone, competence, competence_note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        crate::args![
            Uuid::now_v7(),
            episode,
            level,
            from,
            reason,
            reason_shared,
            set_by,
            at,
            service.map(|s| s.service),
            service.and_then(|s| s.contact_name),
            service.and_then(|s| s.contact_phone),
            service.and_then(|s| s.competence),
            service.and_then(|s| s.competence_note)
        ],
    )
}

/// Makes a staff member a member of the episode in a role, through a care relationship.
pub fn insert_member(
    episode: Uuid,
    staff: Uuid,
    role: &str,
    care_relationship: Uuid,
    from: NaiveDate,
) -> Stmt {
    Stmt::new(
        INSERT_MEMBER,
        crate::args![
            Uuid::now_v7(),
            episode,
            staff,
            role,
            care_relationship,
            from
        ],
    )
}

/// A member leaves (if not already gone).
pub fn leave(member: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "UPDATE episode_members SET left_at = $2 WHERE id = $1 AND left_at IS NULL",
        crate::args![member, at],
    )
}

/// The member holding a care relationship leaves (when the relationship ends).
pub fn leave_by_relationship(care_relationship: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "UPDATE episode_members SET left_at = $2 WHERE care_relationship_id = $1 AND left_at IS NULL",
        crate::args![care_relationship, at],
    )
}

/// Closes an open episode; must touch exactly one row (else `NotFound`).
pub fn close(episode: Uuid, closed_on: NaiveDate, reason: &str, note: Option<&str>) -> Stmt {
    Stmt::one(CLOSE, crate::args![episode, closed_on, reason, note])
}

/// A new responsibility-group member.
#[derive(Debug, Clone)]
pub struct NewRgMember<'a> {
    /// Id.
    pub id: Uuid,
    /// Episode.
    pub episode_id: Uuid,
    /// Kind code.
    pub kind: &'a str,
    /// Name.
    pub name: &'a str,
    /// Role in the group.
    pub role: Option<&'a str>,
    /// Organisation.
    pub organisation: Option<&'a str>,
    /// Phone.
    pub phone: Option<&'a str>,
    /// E-mail.
    pub email: Option<&'a str>,
    /// The person's consent is recorded.
    pub consent_recorded: bool,
    /// Added by.
    pub added_by: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// Adds a responsibility-group member.
pub fn insert_rg(m: &NewRgMember<'_>) -> Stmt {
    Stmt::new(
        INSERT_RG,
        crate::args![
            m.id,
            m.episode_id,
            m.kind,
            m.name,
            m.role,
            m.organisation,
            m.phone,
            m.email,
            m.consent_recorded,
            m.added_by,
            m.at
        ],
    )
}

/// Removes one current member of the episode's responsibility group; must touch exactly one row.
pub fn remove_rg(member: Uuid, episode: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::one(
        "UPDATE responsibility_group_members SET removed_at = $3 WHERE id = $1 AND episode_id = $2 AND removed_at IS NULL",
        crate::args![member, episode, at],
    )
}

/// Removes every current member of the episode's responsibility group (at closing).
pub fn remove_all_rg(episode: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "UPDATE responsibility_group_members SET removed_at = $2 WHERE episode_id = $1 AND removed_at IS NULL",
        crate::args![episode, at],
    )
}

/// A staff member's employer and its kind, if they are an active member of the team.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffInTeam {
    /// Employer.
    pub home_org_id: Uuid,
    /// The employer's `OrgKind` code.
    pub kind: String,
    /// The employer's side (`organisations.side`, a `Side` code).
    pub side: String,
    /// The member's `TeamRole` code in this team.
    pub role: String,
}

impl StaffInTeam {
    /// The employer's side.
    pub fn side(&self) -> benk_domain::Side {
        benk_domain::Side::from_code(&self.side).unwrap_or(benk_domain::Side::Other)
    }

    /// Whether the member takes part in clinical assessment (not administrator or privacy
    /// officer): only they may be intake participants or coordinators.
    pub fn takes_part_in_assessment(&self) -> bool {
        benk_domain::TeamRole::from_code(&self.role)
            .is_some_and(benk_domain::takes_part_in_assessment)
    }
}

/// The staff member's employer, if they are an active (not disabled) member of the team.
pub async fn staff_in_team(
    mut ex: impl Exec,
    team: Uuid,
    staff: Uuid,
) -> Result<Option<StaffInTeam>, sqlx::Error> {
    ex.opt(
        "SELECT s.home_org_id, o.kind, o.side, m.role FROM staff s JOIN organisations o ON o.id = s.home_org_id \
         JOIN team_memberships m ON m.staff_id = s.id AND m.team_id = $2 WHERE s.id = $1 AND s.disabled = FALSE",
        crate::args![staff, team],
    )
    .await
}

/// The current members of an episode, as (member id, care relationship id); with a role, only those in it.
pub async fn current_members(
    mut ex: impl Exec,
    episode: Uuid,
    role: Option<&str>,
) -> Result<Vec<(Uuid, Uuid)>, sqlx::Error> {
    match role {
        Some(role) => ex
            .all(
                "SELECT id, care_relationship_id FROM episode_members WHERE episode_id = $1 AND role = $2 AND left_at IS NULL",
                crate::args![episode, role.to_string()],
            )
            .await,
        None => ex
            .all(
                "SELECT id, care_relationship_id FROM episode_members WHERE episode_id = $1 AND left_at IS NULL",
                crate::args![episode],
            )
            .await,
    }
}

/// Whether the staff member currently has the role in the episode.
pub async fn has_role(
    mut ex: impl Exec,
    episode: Uuid,
    staff: Uuid,
    role: &str,
) -> Result<bool, sqlx::Error> {
    Ok(ex
        .scalar_i64(
            "SELECT COUNT(*) FROM episode_members WHERE episode_id = $1 AND staff_id = $2 AND role = $3 AND left_at IS NULL",
            crate::args![episode, staff, role.to_string()],
        )
        .await?
        > 0)
}

/// The staff member who currently holds a role in the episode.
pub async fn holder_of_role(
    mut ex: impl Exec,
    episode: Uuid,
    role: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(Uuid,)> = ex
        .opt(
            "SELECT staff_id FROM episode_members WHERE episode_id = $1 AND role = $2 AND left_at IS NULL",
            crate::args![episode, role.to_string()],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// The care relationship of a current member of the episode.
pub async fn member_relationship(
    mut ex: impl Exec,
    episode: Uuid,
    member: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(Uuid,)> = ex
        .opt(
            "SELECT care_relationship_id FROM episode_members WHERE id = $1 AND episode_id = $2 AND left_at IS NULL",
            crate::args![member, episode],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// Open episodes of the client in the team (0 or 1: `episodes_one_open`).
pub async fn count_open(mut ex: impl Exec, client: Uuid, team: Uuid) -> Result<i64, sqlx::Error> {
    ex.scalar_i64(
        "SELECT COUNT(*) FROM episodes WHERE client_id = $1 AND team_id = $2 AND closed_on IS NULL",
        crate::args![client, team],
    )
    .await
}

/// The client of an episode.
pub async fn client_of(mut ex: impl Exec, episode: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    let row: Option<(Uuid,)> = ex
        .opt(
            "SELECT client_id FROM episodes WHERE id = $1",
            crate::args![episode],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// An episode's own row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EpisodeHead {
    /// Id.
    pub id: Uuid,
    /// Included.
    pub included_on: NaiveDate,
    /// Closed.
    pub closed_on: Option<NaiveDate>,
    /// Close reason code.
    pub close_reason: Option<String>,
    /// The referral it came from.
    pub referral_id: Option<Uuid>,
}

/// A client's episodes, newest first.
pub async fn heads_for_client(
    mut ex: impl Exec,
    client: Uuid,
) -> Result<Vec<EpisodeHead>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {HEAD_COLS} FROM episodes WHERE client_id = $1 ORDER BY included_on DESC, created_at DESC"
        ),
        crate::args![client],
    )
    .await
}

/// An episode's level history, newest first. Without `with_texts` the reasons
/// (health content) are not read: they come back as `None`, except those their
/// author marked as holding no health content (`reason_shared`).
pub async fn levels(
    mut ex: impl Exec,
    episode: Uuid,
    with_texts: bool,
) -> Result<Vec<LevelChange>, sqlx::Error> {
    let reason = if with_texts {
        "l.reason"
    } else {
        "CASE WHEN l.reason_shared THEN l.reason ELSE CAST(NULL AS TEXT) END"
    };
    let note = if with_texts {
        "l.competence_note"
    } else {
        "CAST(NULL AS TEXT)"
    };
    ex.all(
        &format!(
            "SELECT CAST(l.level AS BIGINT) AS level, l.from_date, {reason} AS reason, s.name AS set_by_name, \
             l.ordinary_service, l.ordinary_contact_name, l.ordinary_contact_phone, l.competence, \
             {note} AS competence_note \
             FROM episode_levels l JOIN staff s ON s.id = l.set_by WHERE l.episode_id = $1 \
             ORDER BY l.from_date DESC, l.set_at DESC"
        ),
        crate::args![episode],
    )
    .await
}

/// An episode's current members, coordinators first.
pub async fn members(mut ex: impl Exec, episode: Uuid) -> Result<Vec<Member>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {MEMBER_COLS} FROM episode_members m JOIN staff s ON s.id = m.staff_id \
             JOIN organisations o ON o.id = s.home_org_id WHERE m.episode_id = $1 AND m.left_at IS NULL \
             ORDER BY CASE m.role WHEN 'municipal_coordinator' THEN 0 WHEN 'specialist_coordinator' THEN 1 ELSE 2 END, s.name"
        ),
        crate::args![episode],
    )
    .await
}

/// An episode's current responsibility group, in the order added.
pub async fn rg_members(mut ex: impl Exec, episode: Uuid) -> Result<Vec<RgMember>, sqlx::Error> {
    ex.all(
        &format!(
            "SELECT {RG_COLS} FROM responsibility_group_members WHERE episode_id = $1 AND removed_at IS NULL ORDER BY added_at"
        ),
        crate::args![episode],
    )
    .await
}

/// The ordinary service named at intake on the episode opened from one of the team's referrals
/// (its first level row), as (service, contact name, contact phone, level).
pub async fn intake_service_for_referral(
    mut ex: impl Exec,
    referral: Uuid,
    team: Uuid,
) -> Result<Option<(Option<String>, Option<String>, Option<String>, i64)>, sqlx::Error> {
    ex.opt(
        "SELECT l.ordinary_service, l.ordinary_contact_name, l.ordinary_contact_phone, CAST(l.level AS BIGINT) \
         FROM episode_levels l JOIN episodes e ON e.id = l.episode_id \
         WHERE e.referral_id = $1 AND e.team_id = $2 ORDER BY l.from_date, l.set_at LIMIT 1",
        crate::args![referral, team],
    )
    .await
}
