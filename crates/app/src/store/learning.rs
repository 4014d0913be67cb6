//! The learning log (issue 10): `learning_groups`, `learning_factors`, `learning_entries`,
//! `learning_evaluations` and `learning_tags`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::Exec;
use crate::db::writer::Stmt;

// ---------------------------------------------------------------- groups

/// A group's label row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GroupRow {
    /// The episode (the group's identity).
    pub episode_id: Uuid,
    /// Its place among the team's groups (the letter).
    pub seq: i64,
    /// The label.
    pub label: String,
}

/// The group's label, when one has been set.
pub async fn group(mut ex: impl Exec, episode: Uuid) -> Result<Option<GroupRow>, sqlx::Error> {
    ex.opt(
        "SELECT episode_id, CAST(seq AS BIGINT) AS seq, label FROM learning_groups WHERE episode_id = $1",
        crate::args![episode],
    )
    .await
}

/// The next free place among the team's groups.
pub async fn next_seq(mut ex: impl Exec, team: Uuid) -> Result<i64, sqlx::Error> {
    ex.scalar_i64(
        "SELECT CAST(COALESCE(MAX(seq) + 1, 0) AS BIGINT) FROM learning_groups WHERE team_id = $1",
        crate::args![team],
    )
    .await
}

/// A group's first label.
pub fn insert_group(
    episode: Uuid,
    team: Uuid,
    seq: i64,
    label: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Stmt {
    Stmt::new(
        "INSERT INTO learning_groups (episode_id, team_id, seq, label, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)",
        crate::args![episode, team, seq, label, by, at],
    )
}

/// A new label for a group; must touch exactly one row.
pub fn set_label(episode: Uuid, label: &str, by: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::one(
        "UPDATE learning_groups SET label = $2, set_by = $3, set_at = $4 WHERE episode_id = $1",
        crate::args![episode, label, by, at],
    )
}

/// The episode's person, team and the person's municipality (the default label's place) and
/// the team's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EpisodeHead {
    /// The person.
    pub client_id: Uuid,
    /// The team.
    pub team_id: Uuid,
    /// The team's name.
    pub team_name: String,
    /// Where the person lives.
    pub municipality: Option<String>,
}

/// The episode's head.
pub async fn episode(mut ex: impl Exec, episode: Uuid) -> Result<Option<EpisodeHead>, sqlx::Error> {
    ex.opt(
        "SELECT e.client_id, e.team_id, t.name AS team_name, c.municipality FROM episodes e \
         JOIN teams t ON t.id = e.team_id JOIN clients c ON c.id = e.client_id WHERE e.id = $1",
        crate::args![episode],
    )
    .await
}

// ---------------------------------------------------------------- factors

/// A team's own success factor.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FactorRow {
    /// Id (its key on a tag, in text).
    pub id: Uuid,
    /// The label as the team wrote it.
    pub label: String,
}

/// The team's own factors by label.
pub async fn factors(mut ex: impl Exec, team: Uuid) -> Result<Vec<FactorRow>, sqlx::Error> {
    ex.all(
        "SELECT id, label FROM learning_factors WHERE team_id = $1 ORDER BY label, id",
        crate::args![team],
    )
    .await
}

/// A new factor (the label is unique per team: a second one is a conflict).
pub fn insert_factor(id: Uuid, team: Uuid, label: &str, by: Uuid, at: DateTime<Utc>) -> Stmt {
    Stmt::new(
        "INSERT INTO learning_factors (id, team_id, label, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        crate::args![id, team, label, by, at],
    )
}

// ---------------------------------------------------------------- entries

/// An entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntryRow {
    /// Id.
    pub id: Uuid,
    /// The group.
    pub episode_id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The team.
    pub team_id: Uuid,
    /// 1, 2, … within the group.
    pub number: i64,
    /// The day of the event.
    pub event_on: NaiveDate,
    /// The adverse event in the cooperation.
    pub event: String,
    /// The shared understanding of its causes.
    pub causes: String,
    /// The decision to try something different.
    pub decision: String,
    /// Who wrote it.
    pub created_by_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

const ENTRY: &str =
    "SELECT e.id, e.episode_id, e.client_id, e.team_id, CAST(e.number AS BIGINT) AS number, \
     e.event_on, e.event, e.causes, e.decision, s.name AS created_by_name, e.created_at \
     FROM learning_entries e JOIN staff s ON s.id = e.created_by";

/// The group's entries, newest number first.
pub async fn entries(mut ex: impl Exec, episode: Uuid) -> Result<Vec<EntryRow>, sqlx::Error> {
    let sql = format!("{ENTRY} WHERE e.episode_id = $1 ORDER BY e.number DESC");
    ex.all(&sql, crate::args![episode]).await
}

/// One entry.
pub async fn entry(mut ex: impl Exec, id: Uuid) -> Result<Option<EntryRow>, sqlx::Error> {
    let sql = format!("{ENTRY} WHERE e.id = $1");
    ex.opt(&sql, crate::args![id]).await
}

/// The group's next number (inside the writer's transaction, so numbers have no gaps or
/// duplicates).
pub async fn next_number(mut ex: impl Exec, episode: Uuid) -> Result<i64, sqlx::Error> {
    ex.scalar_i64(
        "SELECT CAST(COALESCE(MAX(number), 0) + 1 AS BIGINT) FROM learning_entries WHERE episode_id = $1",
        crate::args![episode],
    )
    .await
}

/// A new entry's fields.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    /// Id.
    pub id: Uuid,
    /// The group.
    pub episode_id: Uuid,
    /// The person.
    pub client_id: Uuid,
    /// The team.
    pub team_id: Uuid,
    /// Its number.
    pub number: i64,
    /// The event's day.
    pub event_on: NaiveDate,
    /// The event.
    pub event: &'a str,
    /// Causes.
    pub causes: &'a str,
    /// The decision.
    pub decision: &'a str,
    /// Who.
    pub by: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// A new entry.
pub fn insert_entry(e: &NewEntry<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO learning_entries (id, episode_id, client_id, team_id, number, event_on, event, causes, decision, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        crate::args![
            e.id, e.episode_id, e.client_id, e.team_id, e.number, e.event_on, e.event, e.causes, e.decision,
            e.by, e.at
        ],
    )
}

// ---------------------------------------------------------------- evaluations and tags

/// An evaluation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EvaluationRow {
    /// Id.
    pub id: Uuid,
    /// The entry.
    pub entry_id: Uuid,
    /// The evaluation it replaced.
    pub supersedes_id: Option<Uuid>,
    /// The day.
    pub evaluated_on: NaiveDate,
    /// `EvaluationResult` code.
    pub result: String,
    /// How it went.
    pub text: Option<String>,
    /// What was learned.
    pub learned: Option<String>,
    /// Who.
    pub created_by_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

const EVALUATION: &str = "SELECT v.id, v.entry_id, v.supersedes_id, v.evaluated_on, v.result, v.text, v.learned, \
     s.name AS created_by_name, v.created_at FROM learning_evaluations v JOIN staff s ON s.id = v.created_by";

/// Every evaluation of the group's entries, oldest first.
pub async fn evaluations(
    mut ex: impl Exec,
    episode: Uuid,
) -> Result<Vec<EvaluationRow>, sqlx::Error> {
    let sql = format!(
        "{EVALUATION} JOIN learning_entries e ON e.id = v.entry_id WHERE e.episode_id = $1 \
         ORDER BY v.created_at, v.id"
    );
    ex.all(&sql, crate::args![episode]).await
}

/// The entry's current evaluation (not superseded).
pub async fn current_evaluation(
    mut ex: impl Exec,
    entry: Uuid,
) -> Result<Option<EvaluationRow>, sqlx::Error> {
    let sql = format!(
        "{EVALUATION} WHERE v.entry_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM learning_evaluations n WHERE n.supersedes_id = v.id)"
    );
    ex.opt(&sql, crate::args![entry]).await
}

/// A new evaluation's fields.
#[derive(Debug, Clone)]
pub struct NewEvaluation<'a> {
    /// Id.
    pub id: Uuid,
    /// The entry.
    pub entry_id: Uuid,
    /// The evaluation it replaces (the current one).
    pub supersedes_id: Option<Uuid>,
    /// The day.
    pub evaluated_on: NaiveDate,
    /// `EvaluationResult` code.
    pub result: &'a str,
    /// How it went.
    pub text: Option<&'a str>,
    /// What was learned.
    pub learned: Option<&'a str>,
    /// Who.
    pub by: Uuid,
    /// When.
    pub at: DateTime<Utc>,
}

/// A new evaluation (one line of versions: replacing an evaluation already replaced is a
/// conflict).
pub fn insert_evaluation(v: &NewEvaluation<'_>) -> Stmt {
    Stmt::new(
        "INSERT INTO learning_evaluations (id, entry_id, supersedes_id, evaluated_on, result, text, learned, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        crate::args![
            v.id, v.entry_id, v.supersedes_id, v.evaluated_on, v.result, v.text, v.learned, v.by, v.at
        ],
    )
}

/// A tag.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TagRow {
    /// The entry.
    pub entry_id: Uuid,
    /// The evaluation it was given with (none: with the entry).
    pub evaluation_id: Option<Uuid>,
    /// A built-in key or a team factor's id.
    pub factor: String,
}

/// The tags of the group's entries.
pub async fn tags(mut ex: impl Exec, episode: Uuid) -> Result<Vec<TagRow>, sqlx::Error> {
    ex.all(
        "SELECT g.entry_id, g.evaluation_id, g.factor FROM learning_tags g \
         JOIN learning_entries e ON e.id = g.entry_id WHERE e.episode_id = $1",
        crate::args![episode],
    )
    .await
}

/// A tag on an entry or on one of its evaluations.
pub fn insert_tag(entry: Uuid, evaluation: Option<Uuid>, factor: &str) -> Stmt {
    Stmt::new(
        "INSERT INTO learning_tags (entry_id, evaluation_id, factor) VALUES ($1, $2, $3)",
        crate::args![entry, evaluation, factor],
    )
}

// ---------------------------------------------------------------- the team's counts

/// Per entry of the team: its current result (none: not evaluated) and its current tags are
/// worked out from these rows, with no person-level data leaving the use case.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeamEntryRow {
    /// The entry.
    pub entry_id: Uuid,
    /// The group.
    pub episode_id: Uuid,
    /// The current evaluation.
    pub evaluation_id: Option<Uuid>,
    /// Its result.
    pub result: Option<String>,
}

/// Every entry of the team with its current evaluation.
pub async fn team_entries(mut ex: impl Exec, team: Uuid) -> Result<Vec<TeamEntryRow>, sqlx::Error> {
    ex.all(
        "SELECT e.id AS entry_id, e.episode_id, v.id AS evaluation_id, v.result FROM learning_entries e \
         LEFT JOIN learning_evaluations v ON v.entry_id = e.id AND NOT EXISTS \
         (SELECT 1 FROM learning_evaluations n WHERE n.supersedes_id = v.id) \
         WHERE e.team_id = $1",
        crate::args![team],
    )
    .await
}

/// Every tag of the team's entries.
pub async fn team_tags(mut ex: impl Exec, team: Uuid) -> Result<Vec<TagRow>, sqlx::Error> {
    ex.all(
        "SELECT g.entry_id, g.evaluation_id, g.factor FROM learning_tags g \
         JOIN learning_entries e ON e.id = g.entry_id WHERE e.team_id = $1",
        crate::args![team],
    )
    .await
}
