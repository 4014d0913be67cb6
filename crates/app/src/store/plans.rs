//! Goals, the individual plan and responsibility-group meetings (issue 10): `goals`,
//! `goal_notes`, `plans`, `plan_versions`, `plan_goals`, `plan_participants`, `plan_measures`,
//! `rg_meetings`, `rg_attendance` and `rg_tasks`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::access::Visible;
use crate::db::writer::Stmt;

// ---------------------------------------------------------------- goals

/// A goal.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GoalRow {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The team.
    pub team_id: Uuid,
    /// In the person's own words.
    pub text: String,
    /// `GoalStatus` code.
    pub status: String,
    /// Who wrote it down.
    pub created_by_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

const GOAL: &str = "SELECT g.id, g.client_id, g.team_id, g.text, g.status, s.name AS created_by_name, g.created_at \
     FROM goals g JOIN staff s ON s.id = g.created_by";

/// The person's goals in one team, oldest first.
pub async fn goals(
    mut ex: impl Exec,
    client: Uuid,
    team: Uuid,
) -> Result<Vec<GoalRow>, sqlx::Error> {
    let sql =
        format!("{GOAL} WHERE g.client_id = $1 AND g.team_id = $2 ORDER BY g.created_at, g.id");
    ex.all(&sql, crate::args![client, team]).await
}

/// One goal.
pub async fn goal(mut ex: impl Exec, id: Uuid) -> Result<Option<GoalRow>, sqlx::Error> {
    let sql = format!("{GOAL} WHERE g.id = $1");
    ex.opt(&sql, crate::args![id]).await
}

/// A progress note.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GoalNoteRow {
    /// Id.
    pub id: Uuid,
    /// The goal.
    pub goal_id: Uuid,
    /// The day.
    pub noted_on: NaiveDate,
    /// The note.
    pub text: String,
    /// A status set with the note.
    pub status: Option<String>,
    /// Who wrote it.
    pub written_by_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Every progress note of the person's goals in one team, by day.
pub async fn goal_notes(
    mut ex: impl Exec,
    client: Uuid,
    team: Uuid,
) -> Result<Vec<GoalNoteRow>, sqlx::Error> {
    ex.all(
        "SELECT n.id, n.goal_id, n.noted_on, n.text, n.status, s.name AS written_by_name, n.created_at \
         FROM goal_notes n JOIN goals g ON g.id = n.goal_id JOIN staff s ON s.id = n.written_by \
         WHERE g.client_id = $1 AND g.team_id = $2 ORDER BY n.noted_on, n.created_at, n.id",
        crate::args![client, team],
    )
    .await
}

/// A new goal.
pub fn insert_goal(
    id: Uuid,
    client: Uuid,
    team: Uuid,
    text: &str,
    status: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO goals (id, client_id, team_id, text, status, created_by, created_at, status_changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        crate::args![id, client, team, text, status, by, at],
    )
}

/// A progress note (append-only), optionally with a new status.
pub fn insert_goal_note(
    id: Uuid,
    goal: Uuid,
    noted_on: NaiveDate,
    text: &str,
    status: Option<&str>,
    by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO goal_notes (id, goal_id, noted_on, text, status, written_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        crate::args![id, goal, noted_on, text, status, by, at],
    )
}

/// Sets a goal's status; must touch exactly one row.
pub fn set_goal_status(goal: Uuid, status: &str, at: DateTime<Utc>) -> Stmt {
    Stmt::one(
        "UPDATE goals SET status = $2, status_changed_at = $3 WHERE id = $1",
        crate::args![goal, status, at],
    )
}

// ---------------------------------------------------------------- plans

/// A plan's head: person, team and its versions.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanHead {
    /// Id.
    pub id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The team.
    pub team_id: Uuid,
    /// The newest version's number.
    pub latest: i64,
}

const HEAD: &str = "SELECT p.id, p.client_id, p.team_id, \
     CAST((SELECT MAX(v.version) FROM plan_versions v WHERE v.plan_id = p.id) AS BIGINT) AS latest FROM plans p";

/// The person's plan in one team.
pub async fn plan_for(
    mut ex: impl Exec,
    client: Uuid,
    team: Uuid,
) -> Result<Option<PlanHead>, sqlx::Error> {
    let sql = format!("{HEAD} WHERE p.client_id = $1 AND p.team_id = $2");
    ex.opt(&sql, crate::args![client, team]).await
}

/// A plan by id.
pub async fn plan(mut ex: impl Exec, id: Uuid) -> Result<Option<PlanHead>, sqlx::Error> {
    let sql = format!("{HEAD} WHERE p.id = $1");
    ex.opt(&sql, crate::args![id]).await
}

/// A version of a plan.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    /// Id.
    pub id: Uuid,
    /// The plan.
    pub plan_id: Uuid,
    /// 1, 2, …
    pub version: i64,
    /// The person consented to having a plan.
    pub consent_on: NaiveDate,
    /// The person consented to sharing it with the participants.
    pub share_consent: bool,
    /// The IP coordinator.
    pub coordinator_id: Uuid,
    /// Their name.
    pub coordinator_name: String,
    /// Plan period.
    pub period_start: NaiveDate,
    /// Its end.
    pub period_end: Option<NaiveDate>,
    /// The next revision.
    pub next_revision_on: Option<NaiveDate>,
    /// The person was given a copy.
    pub copy_given_on: Option<NaiveDate>,
    /// Resources.
    pub resources: Option<String>,
    /// Needs.
    pub needs: Option<String>,
    /// What this revision changed.
    pub change_note: Option<String>,
    /// Who wrote the version.
    pub created_by_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

const VERSION: &str = "SELECT v.id, v.plan_id, CAST(v.version AS BIGINT) AS version, v.consent_on, v.share_consent, \
     v.coordinator_id, c.name AS coordinator_name, v.period_start, v.period_end, v.next_revision_on, v.copy_given_on, \
     v.resources, v.needs, v.change_note, s.name AS created_by_name, v.created_at \
     FROM plan_versions v JOIN staff c ON c.id = v.coordinator_id JOIN staff s ON s.id = v.created_by";

/// Every version of a plan, newest first.
/// A plan version as the person's timeline shows it: when, which plan, which version.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct TimelineVersionRow {
    /// The version's id.
    pub id: Uuid,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The plan.
    pub plan_id: Uuid,
    /// Its number (1: the plan was made; later: revised).
    pub version: i64,
}

crate::fast_row!(TimelineVersionRow {
    id,
    at,
    plan_id,
    version
});

/// One timeline page of the versions of the person's plan in `team`, older than `before`
/// (`before_at`, `before_id`), newest first. Dates and numbers only: what the plan's status
/// shows every reader of the record.
pub async fn versions_page(
    mut ex: impl Exec,
    client: Uuid,
    team: Uuid,
    (before_at, before_id): (DateTime<Utc>, Uuid),
    limit: i64,
) -> Result<Vec<TimelineVersionRow>, sqlx::Error> {
    let (sql, args) = versions_page_q(client, team, (before_at, before_id), limit);
    ex.fast_all(&sql, args).await
}

/// The query of [`versions_page`].
pub fn versions_page_q(
    client: Uuid,
    team: Uuid,
    (before_at, before_id): (DateTime<Utc>, Uuid),
    limit: i64,
) -> crate::store::contacts::Query {
    (
        "SELECT v.id, v.created_at AS at, v.plan_id, CAST(v.version AS BIGINT) AS version \
         FROM plan_versions v JOIN plans p ON p.id = v.plan_id \
         WHERE p.client_id = $1 AND p.team_id = $5 \
         AND v.created_at <= $2 AND (v.created_at < $2 OR v.id < $3) \
         ORDER BY v.created_at DESC, v.id DESC LIMIT $4"
            .to_string(),
        crate::args![client, before_at, before_id, limit, team],
    )
}

pub async fn versions(mut ex: impl Exec, plan: Uuid) -> Result<Vec<VersionRow>, sqlx::Error> {
    let sql = format!("{VERSION} WHERE v.plan_id = $1 ORDER BY v.version DESC");
    ex.all(&sql, crate::args![plan]).await
}

/// One version by number.
pub async fn version(
    mut ex: impl Exec,
    plan: Uuid,
    n: i64,
) -> Result<Option<VersionRow>, sqlx::Error> {
    let sql = format!("{VERSION} WHERE v.plan_id = $1 AND v.version = $2");
    ex.opt(&sql, crate::args![plan, n]).await
}

/// A participant of a version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParticipantRow {
    /// `ParticipantKind` code.
    pub kind: String,
    /// Staff (kind `staff`).
    pub staff_id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Option<String>,
    /// Contact.
    pub contact: Option<String>,
    /// What they contribute.
    pub contribution: Option<String>,
}

/// A version's participants in order.
pub async fn participants(
    mut ex: impl Exec,
    version: Uuid,
) -> Result<Vec<ParticipantRow>, sqlx::Error> {
    ex.all(
        "SELECT kind, staff_id, name, role, contact, contribution FROM plan_participants \
         WHERE version_id = $1 ORDER BY position",
        crate::args![version],
    )
    .await
}

/// A measure of a version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeasureRow {
    /// What is done.
    pub description: String,
    /// Its scope.
    pub scope: Option<String>,
    /// Who is responsible.
    pub responsible: String,
}

/// A version's measures in order.
pub async fn measures(mut ex: impl Exec, version: Uuid) -> Result<Vec<MeasureRow>, sqlx::Error> {
    ex.all(
        "SELECT description, scope, responsible FROM plan_measures WHERE version_id = $1 ORDER BY position",
        crate::args![version],
    )
    .await
}

/// The goals linked to a version.
pub async fn version_goals(mut ex: impl Exec, version: Uuid) -> Result<Vec<GoalRow>, sqlx::Error> {
    let sql = format!(
        "{GOAL} JOIN plan_goals pg ON pg.goal_id = g.id WHERE pg.version_id = $1 ORDER BY g.created_at, g.id"
    );
    ex.all(&sql, crate::args![version]).await
}

/// Whether `staff` is a participant of the newest version of the person's plan in `team`, and
/// the person consented to sharing it.
pub async fn shared_with(
    mut ex: impl Exec,
    client: Uuid,
    team: Uuid,
    staff: Uuid,
) -> Result<bool, sqlx::Error> {
    Ok(ex
        .scalar_i64(
            "SELECT COUNT(*) FROM plans p JOIN plan_versions v ON v.plan_id = p.id \
             JOIN plan_participants pp ON pp.version_id = v.id \
             WHERE p.client_id = $1 AND p.team_id = $2 AND pp.staff_id = $3 AND v.share_consent = TRUE \
             AND v.version = (SELECT MAX(v2.version) FROM plan_versions v2 WHERE v2.plan_id = p.id)",
            crate::args![client, team, staff],
        )
        .await?
        > 0)
}

/// A new plan.
pub fn insert_plan(id: Uuid, client: Uuid, team: Uuid, by: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "INSERT INTO plans (id, client_id, team_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        crate::args![id, client, team, by, at],
    )
}

/// A new version's head fields.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    /// Id.
    pub id: Uuid,
    /// The plan.
    pub plan_id: Uuid,
    /// Its number.
    pub version: i64,
    /// Consent to the plan.
    pub consent_on: NaiveDate,
    /// Consent to sharing.
    pub share_consent: bool,
    /// The IP coordinator.
    pub coordinator_id: Uuid,
    /// Plan period.
    pub period_start: NaiveDate,
    /// Its end.
    pub period_end: Option<NaiveDate>,
    /// Next revision.
    pub next_revision_on: Option<NaiveDate>,
    /// Copy given.
    pub copy_given_on: Option<NaiveDate>,
    /// Resources.
    pub resources: Option<&'a str>,
    /// Needs.
    pub needs: Option<&'a str>,
    /// What changed.
    pub change_note: Option<&'a str>,
    /// Who.
    pub by: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// A new version (the number is unique per plan: a concurrent revision gets `Conflict`).
pub fn insert_version(v: &NewVersion<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO plan_versions (id, plan_id, version, consent_on, share_consent, coordinator_id, period_start, \
         period_end, next_revision_on, copy_given_on, resources, needs, change_note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        crate::args![
            v.id, v.plan_id, v.version, v.consent_on, v.share_consent, v.coordinator_id, v.period_start,
            v.period_end, v.next_revision_on, v.copy_given_on, v.resources, v.needs, v.change_note, v.by, v.at
        ],
    )
}

/// Links a goal to a version.
pub fn insert_plan_goal(version: Uuid, goal: Uuid) -> Stmt {
    Stmt::new(
        "INSERT INTO plan_goals (version_id, goal_id) VALUES ($1, $2)",
        crate::args![version, goal],
    )
}

/// A participant of a version.
#[allow(clippy::too_many_arguments)]
pub fn insert_participant(
    version: Uuid,
    position: i64,
    kind: &str,
    staff: Option<Uuid>,
    name: &str,
    role: Option<&str>,
    contact: Option<&str>,
    contribution: Option<&str>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO plan_participants (id, version_id, position, kind, staff_id, name, role, contact, contribution) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        crate::args![Uuid::now_v7(), version, position, kind, staff, name, role, contact, contribution],
    )
}

/// A measure of a version.
pub fn insert_measure(
    version: Uuid,
    position: i64,
    description: &str,
    scope: Option<&str>,
    responsible: &str,
) -> Stmt {
    Stmt::new(
        "INSERT INTO plan_measures (id, version_id, position, description, scope, responsible) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        crate::args![
            Uuid::now_v7(),
            version,
            position,
            description,
            scope,
            responsible
        ],
    )
}

// ---------------------------------------------------------------- responsibility-group meetings

/// A meeting.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RgMeetingRow {
    /// Id.
    pub id: Uuid,
    /// The episode (the responsibility group's identity).
    pub episode_id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The team.
    pub team_id: Uuid,
    /// The day.
    pub held_on: NaiveDate,
    /// Minutes (health content: NULL unless asked for).
    pub minutes: Option<String>,
    /// Decisions (health content: NULL unless asked for).
    pub decisions: Option<String>,
    /// Who wrote it down.
    pub created_by_name: String,
}

fn meeting_sql(health: bool) -> String {
    let texts = if health {
        "m.minutes, m.decisions"
    } else {
        "CAST(NULL AS TEXT) AS minutes, CAST(NULL AS TEXT) AS decisions"
    };
    format!(
        "SELECT m.id, m.episode_id, m.client_id, m.team_id, m.held_on, {texts}, s.name AS created_by_name \
         FROM rg_meetings m JOIN staff s ON s.id = m.created_by"
    )
}

/// The person's meetings in one team, newest first; minutes and decisions only when `health`.
pub async fn rg_meetings(
    mut ex: impl Exec,
    client: Uuid,
    team: Uuid,
    health: bool,
) -> Result<Vec<RgMeetingRow>, sqlx::Error> {
    let sql = format!(
        "{} WHERE m.client_id = $1 AND m.team_id = $2 ORDER BY m.held_on DESC, m.id DESC",
        meeting_sql(health)
    );
    ex.all(&sql, crate::args![client, team]).await
}

/// One meeting; minutes and decisions only when `health`.
pub async fn rg_meeting(
    mut ex: impl Exec,
    id: Uuid,
    health: bool,
) -> Result<Option<RgMeetingRow>, sqlx::Error> {
    let sql = format!("{} WHERE m.id = $1", meeting_sql(health));
    ex.opt(&sql, crate::args![id]).await
}

/// An attendee.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttendeeRow {
    /// Staff (team staff).
    pub staff_id: Option<Uuid>,
    /// Responsibility-group member.
    pub rg_member_id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Role or kind.
    pub role: Option<String>,
}

/// Who attended a meeting.
pub async fn attendance(mut ex: impl Exec, meeting: Uuid) -> Result<Vec<AttendeeRow>, sqlx::Error> {
    ex.all(
        "SELECT a.staff_id, a.rg_member_id, COALESCE(s.name, r.name) AS name, \
         CASE WHEN s.id IS NOT NULL THEN s.profession ELSE COALESCE(r.role, r.kind) END AS role \
         FROM rg_attendance a LEFT JOIN staff s ON s.id = a.staff_id \
         LEFT JOIN responsibility_group_members r ON r.id = a.rg_member_id \
         WHERE a.meeting_id = $1 ORDER BY a.staff_id IS NULL, name",
        crate::args![meeting],
    )
    .await
}

/// Whether a responsibility-group member belongs to the episode (current or past).
pub async fn rg_member_in_episode(
    mut ex: impl Exec,
    member: Uuid,
    episode: Uuid,
) -> Result<bool, sqlx::Error> {
    Ok(ex
        .scalar_i64(
            "SELECT COUNT(*) FROM responsibility_group_members WHERE id = $1 AND episode_id = $2",
            crate::args![member, episode],
        )
        .await?
        > 0)
}

/// A task.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TaskRow {
    /// Id.
    pub id: Uuid,
    /// The meeting.
    pub meeting_id: Uuid,
    /// The meeting's day.
    pub held_on: NaiveDate,
    /// The person.
    pub client_id: Uuid,
    /// The person's name.
    pub client_name: String,
    /// The team.
    pub team_id: Uuid,
    /// What to do.
    pub title: String,
    /// Owner.
    pub owner_id: Uuid,
    /// Their name.
    pub owner_name: String,
    /// Due.
    pub due_on: Option<NaiveDate>,
    /// `TaskStatus` code.
    pub status: String,
    /// The viewer's read basis for the person (lists only; NULL otherwise).
    pub basis: Option<String>,
}

const TASK: &str = "SELECT t.id, t.meeting_id, m.held_on, t.client_id, c.name AS client_name, t.team_id, t.title, \
     t.owner_id, o.name AS owner_name, t.due_on, t.status";
const TASK_FROM: &str = "FROM rg_tasks t JOIN rg_meetings m ON m.id = t.meeting_id JOIN clients c ON c.id = t.client_id \
     JOIN staff o ON o.id = t.owner_id";

/// A meeting's tasks in order.
pub async fn tasks(mut ex: impl Exec, meeting: Uuid) -> Result<Vec<TaskRow>, sqlx::Error> {
    let sql = format!(
        "{TASK}, CAST(NULL AS TEXT) AS basis {TASK_FROM} WHERE t.meeting_id = $1 ORDER BY t.position"
    );
    ex.all(&sql, crate::args![meeting]).await
}

/// One task.
pub async fn task(mut ex: impl Exec, id: Uuid) -> Result<Option<TaskRow>, sqlx::Error> {
    let sql = format!("{TASK}, CAST(NULL AS TEXT) AS basis {TASK_FROM} WHERE t.id = $1");
    ex.opt(&sql, crate::args![id]).await
}

/// A worker's open tasks, soonest due first (undated last), with their read basis for each
/// person. `v` is the visibility rule built with alias `c`, staff `$1`, date `$2`, args from `$3`.
pub async fn open_tasks_of(
    mut ex: impl Exec,
    owner: Uuid,
    today: NaiveDate,
    v: &Visible,
) -> Result<Vec<TaskRow>, sqlx::Error> {
    let sql = format!(
        "{TASK}, {} AS basis {TASK_FROM} WHERE t.owner_id = $1 AND t.status = 'open' \
         ORDER BY t.due_on IS NULL, t.due_on, m.held_on, t.position",
        v.basis_sql
    );
    let mut args = crate::args![owner, today];
    args.extend(v.args.iter().cloned());
    ex.all(&sql, args).await
}

/// A new meeting.
#[allow(clippy::too_many_arguments)]
pub fn insert_rg_meeting(
    id: Uuid,
    episode: Uuid,
    client: Uuid,
    team: Uuid,
    held_on: NaiveDate,
    minutes: Option<&str>,
    decisions: Option<&str>,
    by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO rg_meetings (id, episode_id, client_id, team_id, held_on, minutes, decisions, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        crate::args![id, episode, client, team, held_on, minutes, decisions, by, at],
    )
}

/// An attendee (exactly one of staff and responsibility-group member).
pub fn insert_attendee(meeting: Uuid, staff: Option<Uuid>, member: Option<Uuid>) -> Stmt {
    Stmt::new(
        "INSERT INTO rg_attendance (id, meeting_id, staff_id, rg_member_id) VALUES ($1, $2, $3, $4)",
        crate::args![Uuid::now_v7(), meeting, staff, member],
    )
}

/// A new open task.
#[allow(clippy::too_many_arguments)]
pub fn insert_task(
    id: Uuid,
    meeting: Uuid,
    client: Uuid,
    team: Uuid,
    position: i64,
    title: &str,
    owner: Uuid,
    due_on: Option<NaiveDate>,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO rg_tasks (id, meeting_id, client_id, team_id, position, title, owner_id, due_on, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9)",
        crate::args![id, meeting, client, team, position, title, owner, due_on, at],
    )
}

/// Sets a task's status; must touch exactly one row.
pub fn set_task_status(task: Uuid, status: &str, by: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::one(
        "UPDATE rg_tasks SET status = $2, status_changed_by = $3, status_changed_at = $4 WHERE id = $1",
        crate::args![task, status, by, at],
    )
}

/// The open episode of a person in a team (the responsibility group meetings belong to).
pub async fn episode_head(
    mut ex: impl Exec,
    episode: Uuid,
) -> Result<Option<(Uuid, Uuid, Option<NaiveDate>)>, sqlx::Error> {
    ex.opt(
        "SELECT client_id, team_id, closed_on FROM episodes WHERE id = $1",
        crate::args![episode],
    )
    .await
}

/// A plan due for revision that the staff member coordinates.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RevisionDueRow {
    /// The plan.
    pub plan_id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// Their name.
    pub client_name: String,
    /// The newest version's next revision.
    pub next_revision_on: Option<NaiveDate>,
    /// Its period's end.
    pub period_end: Option<NaiveDate>,
    /// The viewer's read basis for the person (NULL: not visible).
    pub basis: Option<String>,
}

/// Plans whose newest version names `coordinator` as IP coordinator and whose next revision (or
/// period end, when no revision is set) is on or before `until`, soonest first. `v` is the
/// visibility rule built with alias `c`, staff `$1`, date `$2`, args from `$4`.
pub async fn revisions_due(
    mut ex: impl Exec,
    coordinator: Uuid,
    today: NaiveDate,
    until: NaiveDate,
    v: &Visible,
) -> Result<Vec<RevisionDueRow>, sqlx::Error> {
    let sql = format!(
        "SELECT p.id AS plan_id, p.client_id, c.name AS client_name, v.next_revision_on, v.period_end, \
         {} AS basis FROM plans p JOIN plan_versions v ON v.plan_id = p.id JOIN clients c ON c.id = p.client_id \
         WHERE v.coordinator_id = $1 \
         AND v.version = (SELECT MAX(v2.version) FROM plan_versions v2 WHERE v2.plan_id = p.id) \
         AND COALESCE(v.next_revision_on, v.period_end) IS NOT NULL \
         AND COALESCE(v.next_revision_on, v.period_end) <= $3 \
         ORDER BY COALESCE(v.next_revision_on, v.period_end), c.name, p.id",
        v.basis_sql
    );
    let mut args = crate::args![coordinator, today, until];
    args.extend(v.args.iter().cloned());
    ex.all(&sql, args).await
}
